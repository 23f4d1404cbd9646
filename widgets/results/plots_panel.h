#pragma once
// The Plots dock: the figures of the latest results in the interactive plots::PlotView (zoom, pan, hover, selection),
// in groups that are replaced independently: the DE figures (volcano, MA, p-value histogram, Q-Q) of a results
// table, the read QC figures of a reads pipeline. Plot models are built on a worker thread (tens of thousands of
// points); the view renders its point layer on a worker too; exports are written on a worker.
//
// When a LinkedSelection is attached, points selected here select the rows of the results table and the other way
// round; "Export selection" writes the selected IDs as CSV.
#include <QFuture>
#include <QFutureWatcher>
#include <QPointer>
#include <QWidget>

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "core/data/table.h"
#include "plots/plot_model.h"

class QComboBox;
class QLabel;
class QStackedWidget;
class QToolButton;

namespace diffbio::plots {
class PlotView;
}

namespace diffbio::widgets {

class LinkedSelection;

struct Figure {
  QString name;  // what the plot chooser shows
  plots::PlotModel model;
};

class PlotsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit PlotsPanel(QWidget* parent = nullptr);
  ~PlotsPanel() override;

  // Builds the DE figures of `table` (kept alive by `keepAlive`) in the background; `source` names it in the title.
  void showResults(const data::Table& table, std::shared_ptr<const void> keepAlive, const QString& source);
  // Replaces the figures of `group` with those `build` returns, run on a worker (it may throw: the message is shown).
  // A newer request for the same group drops the older one's result.
  void showFigures(const QString& group, std::function<std::vector<Figure>()> build, const QString& what);
  void removeGroup(const QString& group);

  bool hasPlots() const { return plotCount() > 0; }
  int plotCount() const;
  QStringList plotNames() const;
  QStringList groupPlotNames(const QString& group) const;
  void selectPlot(int index);
  bool selectPlot(const QString& name);  // false when there is no such figure
  QString currentPlotName() const;
  plots::PlotView* view() const { return view_; }

  // The shown figure as it is on screen (labels, colours) to .png, .svg, .pdf or .csv, written on a worker. The
  // future gives the reason of a failure, or an empty string.
  QFuture<QString> exportCurrentPlot(const QString& path) const;

  // Links the view with a results table (owned by the caller); nullptr unlinks.
  void setLinkedSelection(LinkedSelection* link);
  LinkedSelection* linkedSelection() const;
  QString exportSelection(const QString& path) const;  // the reason on failure, empty on success

 Q_SIGNALS:
  void plotsReady();       // a group's figures were built
  void plotShown(int index);  // the view shows another model (the selection was cleared)

 private:
  struct Built {
    std::vector<Figure> figures;
    QString error;
  };
  struct Group {
    QString name;
    std::vector<Figure> figures;
    std::unique_ptr<QFutureWatcher<Built>> watcher;
  };
  Group& group(const QString& name);
  const Figure* figure(int index) const;
  void rebuildChoice(const QString& keep);
  void updateSelectionLabel();

  QComboBox* choice_;
  QLabel* status_;
  QLabel* selected_;
  QToolButton* exportButton_;
  QToolButton* exportSelectionButton_;
  QStackedWidget* stack_;  // a placeholder until the first plots, then the view
  plots::PlotView* view_;
  std::vector<std::unique_ptr<Group>> groups_;  // in the order they first appeared
  QPointer<LinkedSelection> link_;
};

}  // namespace diffbio::widgets

#pragma once
// The Plots dock: the DE figures (volcano, MA, p-value histogram, Q-Q) of a results table in the interactive
// plots::PlotView (zoom, pan, hover, selection). The plot models are built on a worker thread (tens of thousands of
// points); the view renders its point layer on a worker too.
#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <vector>

#include "core/data/table.h"
#include "plots/plot_model.h"

class QComboBox;
class QLabel;
class QStackedWidget;

namespace diffbio::plots {
class PlotView;
}

namespace diffbio::widgets {

class PlotsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit PlotsPanel(QWidget* parent = nullptr);
  ~PlotsPanel() override;

  // Builds the figures of `table` (kept alive by `keepAlive`) in the background; `source` names it in the title.
  void showResults(const data::Table& table, std::shared_ptr<const void> keepAlive, const QString& source);
  bool hasPlots() const;
  int plotCount() const { return static_cast<int>(models_.size()); }
  void selectPlot(int index);
  plots::PlotView* view() const { return view_; }

 Q_SIGNALS:
  void plotsReady();

 private:
  struct Built {
    std::vector<plots::PlotModel> models;
    QString error;
  };
  QComboBox* choice_;
  QLabel* status_;
  QStackedWidget* stack_;  // a placeholder until the first plots, then the view
  plots::PlotView* view_;
  std::vector<plots::PlotModel> models_;
  QFutureWatcher<Built> watcher_;
};

}  // namespace diffbio::widgets

#pragma once
// The Cells dock: the embedding (UMAP) of a finished single-cell run, coloured by cluster, by a cell annotation of
// the count file, by a QC metric or by a gene's expression (a search box completes gene names). Lasso a group of
// cells (or click, or a rectangle) and the Wilcoxon markers of that group against all other cells are computed on
// a worker and shown as a table and a volcano (linked to each other like the DE results), a dot plot of the best
// markers in the selection and every cluster, and a violin of the gene being looked at. The cells' labels,
// coordinates and the selection export to CSV or h5ad.
//
// Every computation (resolving the run's values, colouring 10^5 cells, markers, exports) runs on a worker thread; a
// result that arrives after a newer request is dropped.
#include <QFuture>
#include <QFutureWatcher>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <optional>
#include <string>

#include "core/pipeline/graph.h"
#include "widgets/singlecell/cell_data.h"

class QComboBox;
class QCompleter;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTabWidget;
class QToolButton;

namespace diffbio::plots {
class PlotView;
}

namespace diffbio::widgets {

class JobRunner;
class LinkedSelection;
class TablePanel;

class CellViewPanel : public QWidget {
  Q_OBJECT

 public:
  explicit CellViewPanel(QWidget* parent = nullptr);
  ~CellViewPanel() override;

  // Looks for a finished embedding and log-normalised counts in the run; loads them on a worker when they changed.
  void refresh(const pipeline::Graph& graph, const JobRunner& runner);
  bool hasCells() const { return data_ != nullptr; }
  std::shared_ptr<const CellData> data() const { return data_; }

  // Colours the embedding (on a worker). colourByGene returns false for a gene the matrix does not have.
  void colourBy(const Colouring& colouring);
  bool colourByGene(const QString& gene);
  Colouring colouring() const { return colouring_; }

  // Markers of the cells selected in the embedding against the rest (on a worker; also started by a selection).
  void findMarkers();
  const std::optional<sc::MarkerComparison>& markers() const { return markers_; }

  // Cells (barcode, coordinates, cluster, in_selection) as .csv/.tsv, or everything as .h5ad, written on a worker.
  // The future gives the reason of a failure, or an empty string.
  QFuture<QString> exportCells(const QString& path) const;

  plots::PlotView* embeddingView() const { return embedding_; }
  plots::PlotView* markerVolcano() const { return volcano_; }
  plots::PlotView* markerDots() const { return dots_; }
  plots::PlotView* violin() const { return violin_; }
  QString violinGene() const { return violinGene_; }
  TablePanel* markerTable() const { return markerTable_; }
  QComboBox* colourChoice() const { return colourChoice_; }
  QLineEdit* geneSearch() const { return geneSearch_; }
  QCompleter* geneCompleter() const { return completer_; }
  QString statusText() const;

 Q_SIGNALS:
  void cellsReady();     // a run's cells are loaded and shown
  void colouringShown(); // the embedding shows the requested colouring
  void markersReady();   // the markers of the current selection are shown
  void failed(const QString& reason);

 private:
  struct Loaded {
    std::shared_ptr<const CellData> data;
    plots::PlotModel model;
    QString error;
  };
  struct Drawn {
    plots::PlotModel model;
    std::optional<plots::PlotModel> violin;  // colouring by a gene while cells are selected
    QString gene;
    QString error;
  };
  struct Found {
    std::optional<sc::MarkerComparison> markers;
    std::shared_ptr<const data::Table> table;
    plots::PlotModel volcano, dots, violin;
    QString violinGene;
    QString error;
  };
  void onLoaded();
  void onDrawn();
  void onMarkers();
  void fillColourChoice();
  void onColourChoice(int index);
  void onSelectionChanged();
  void setStatus(const QString& text);

  QComboBox* colourChoice_;
  QLineEdit* geneSearch_;
  QCompleter* completer_;
  QToolButton* lassoButton_;
  QToolButton* markersButton_;
  QToolButton* exportButton_;
  QLabel* status_;
  QStackedWidget* stack_;
  plots::PlotView* embedding_;
  TablePanel* markerTable_;
  QTabWidget* markerPlots_;
  plots::PlotView* volcano_;
  plots::PlotView* dots_;
  plots::PlotView* violin_;
  QString violinGene_;
  QPointer<LinkedSelection> markerLink_;

  std::shared_ptr<const CellData> data_;
  std::string sourcesKey_;
  Colouring colouring_{Colouring::Kind::Cluster, {}};
  std::optional<sc::MarkerComparison> markers_;
  std::shared_ptr<const data::Table> markerRows_;
  QTimer markersTimer_;  // one markers run for a burst of selection edits
  QFutureWatcher<Loaded> loadWatcher_;
  QFutureWatcher<Drawn> drawWatcher_;
  QFutureWatcher<Found> markersWatcher_;
  bool keepViewOnDraw_ = false;
};

}  // namespace diffbio::widgets

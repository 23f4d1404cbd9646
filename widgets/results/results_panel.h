#pragma once
// The tabs under the canvas: a Data tab describing loaded inputs and one table tab per table a node produced (sample
// sheets, DE results, normalised counts, ...). It also feeds the plots panel (docked by the window) with the DE
// figures of the latest results table, linked to its table tab (selecting points selects rows and back), with the
// per-gene counts of a double-clicked gene, and with the read QC figures of a reads pipeline.
// It reads finished outputs from the runner (thread-safe) and keeps each Value alive while a view shows it.
#include <QTabWidget>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <QPointer>

#include "core/pipeline/graph.h"
#include "widgets/results/gene_counts_figure.h"

class QPlainTextEdit;

namespace diffbio::widgets {

class JobRunner;
class LinkedSelection;
class PlotsPanel;
class TablePanel;

class ResultsPanel : public QTabWidget {
  Q_OBJECT

 public:
  explicit ResultsPanel(QWidget* parent = nullptr);

  // Shows the outputs of every node that is done; drops tabs of nodes that are gone.
  void refresh(const pipeline::Graph& graph, const JobRunner& runner);
  TablePanel* tableTab(const QString& key) const;  // key = "node.port"
  PlotsPanel* plots() const { return plots_; }
  QStringList tableKeys() const;
  LinkedSelection* linkedSelection() const;
  // Opens (or replaces) the "Counts: GENE" figure of a DE pipeline's gene; false when no finished DE pipeline is
  // shown. Also what a double-click on a gene in a DE figure or on a row of the DE table does.
  bool openGeneCounts(const QString& gene);

 private:
  QPlainTextEdit* data_;
  PlotsPanel* plots_;
  std::map<QString, std::pair<TablePanel*, std::uint64_t>> tables_;  // key -> (tab, value serial)
  std::uint64_t plottedSerial_ = 0;
  QPointer<LinkedSelection> link_;  // the plotted DE table <-> the plots
  std::string readQcKey_;           // what the read QC figures show (value serials, parameters)
  std::optional<GeneCountsSource> geneCounts_;  // the finished DE pipeline's counts, for "Counts: GENE"
  QString pendingGeneFigure_;       // shown once its figure is built

  void refreshReadQc(const pipeline::Graph& graph, const JobRunner& runner);
};

}  // namespace diffbio::widgets

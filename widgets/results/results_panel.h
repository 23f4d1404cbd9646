#pragma once
// The tabs under the canvas: a Data tab describing loaded inputs and one table tab per table a node produced (sample
// sheets, DE results, normalised counts, ...). It also feeds the plots panel (docked by the window) with the DE
// figures of the latest results table, linked to its table tab (selecting points selects rows and back), and with the
// read QC figures of a reads pipeline.
// It reads finished outputs from the runner (thread-safe) and keeps each Value alive while a view shows it.
#include <QTabWidget>

#include <cstdint>
#include <map>
#include <string>

#include <QPointer>

#include "core/pipeline/graph.h"

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

 private:
  QPlainTextEdit* data_;
  PlotsPanel* plots_;
  std::map<QString, std::pair<TablePanel*, std::uint64_t>> tables_;  // key -> (tab, value serial)
  std::uint64_t plottedSerial_ = 0;
  QPointer<LinkedSelection> link_;  // the plotted DE table <-> the plots
  std::string readQcKey_;           // what the read QC figures show (value serials, parameters)

  void refreshReadQc(const pipeline::Graph& graph, const JobRunner& runner);
};

}  // namespace diffbio::widgets

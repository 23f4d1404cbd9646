#pragma once
// Linked selection between a plot and a table: points selected in the PlotView (click, rectangle, lasso) select the
// rows with the same IDs in the TablePanel, and rows selected in the table highlight their points. The matching goes
// through plots::SelectionBridge (by gene name or barcode), so a plot that left out genes (no p-value) or orders
// them differently still selects the right rows.
//
// The selected IDs are the truth: they survive switching plots (volcano -> MA keeps the genes selected), a re-run
// that replaces the table (the same genes stay selected), and a table filter that hides some of them (they stay
// selected and are exported, the table just cannot show hidden rows).
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include <memory>
#include <vector>

namespace diffbio::plots {
class PlotView;
class SelectionBridge;
}  // namespace diffbio::plots

namespace diffbio::widgets {

class TablePanel;

class LinkedSelection : public QObject {
  Q_OBJECT

 public:
  // `idName` heads the exported CSV ("gene", "barcode").
  LinkedSelection(plots::PlotView* view, TablePanel* table, QString idName, QObject* parent = nullptr);
  ~LinkedSelection() override;

  // The view shows another model (or the table another content): match the points and rows again and show the
  // selected IDs on both sides.
  void rematch();

  TablePanel* table() const;
  std::size_t selectedCount() const { return static_cast<std::size_t>(selectedIds_.size()); }
  std::vector<QString> selectedIds() const;  // in table row order
  // Writes the selected IDs under the header `idName` as CSV through QSaveFile. Throws InputError.
  void exportSelection(const QString& path) const;

 Q_SIGNALS:
  void selectionChanged(int count);

 private:
  void onRowsFromPlot(const std::vector<std::size_t>& rows);
  void onPointsFromTable(const std::vector<std::size_t>& points);
  void onTableSelectionChanged();
  void showRowsInTable(const std::vector<std::size_t>& rows);
  void remember(const std::vector<std::size_t>& rows);

  QPointer<plots::PlotView> view_;
  QPointer<TablePanel> table_;
  QString idName_;
  std::unique_ptr<plots::SelectionBridge> bridge_;
  std::vector<QString> rowIds_;
  const void* rowIdsOf_ = nullptr;  // the table model rowIds_ were read from (re-read only when it changes)
  QSet<QString> selectedIds_;
  bool applyingToTable_ = false;
};

}  // namespace diffbio::widgets

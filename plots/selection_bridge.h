#pragma once
// Linked selection between a plot's points and a table's rows. Points and rows are matched by ID (gene name,
// barcode), so a plot that left out or reordered rows still selects the right ones. Setting one side emits the
// other side's change exactly once (no feedback loop when the GUI connects both directions), and the selected IDs
// can be written to CSV.
#include <QObject>
#include <QString>
#include <string>
#include <vector>

namespace diffbio::plots {

class SelectionBridge : public QObject {
  Q_OBJECT

 public:
  // `pointIds[i]` names point i, `rowIds[r]` names table row r. IDs present on one side only are never selected
  // on the other.
  SelectionBridge(std::vector<QString> pointIds, std::vector<QString> rowIds, QObject* parent = nullptr);

  std::vector<std::size_t> rowsForPoints(const std::vector<std::size_t>& points) const;
  std::vector<std::size_t> pointsForRows(const std::vector<std::size_t>& rows) const;

  const std::vector<std::size_t>& selectedPoints() const { return points_; }
  const std::vector<std::size_t>& selectedRows() const { return rows_; }
  std::vector<QString> selectedIds() const;  // in row order

  // Writes the selected IDs, one per line under `header`, atomically (QSaveFile). Throws InputError on failure.
  void exportSelectedIds(const std::string& path, const QString& header = QStringLiteral("id")) const;

 public Q_SLOTS:
  void setPointSelection(const std::vector<std::size_t>& points);  // from the plot: emits rowSelectionChanged
  void setRowSelection(const std::vector<std::size_t>& rows);      // from the table: emits pointSelectionChanged

 Q_SIGNALS:
  void rowSelectionChanged(const std::vector<std::size_t>& rows);
  void pointSelectionChanged(const std::vector<std::size_t>& points);

 private:
  std::vector<QString> rowIds_;
  std::vector<long> rowOfPoint_;   // -1 = no such row
  std::vector<long> pointOfRow_;   // -1 = no such point
  std::vector<std::size_t> points_, rows_;
  bool updating_ = false;
};

// Writes `ids` one per line under `header` as CSV (quoted where needed) through QSaveFile.
void writeIdsCsv(const std::vector<QString>& ids, const std::string& path, const QString& header = "id");

}  // namespace diffbio::plots

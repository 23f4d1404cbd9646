#pragma once
// A read-only Qt model over a core data::Table: nothing is copied or converted up front (cells are formatted when
// the view asks for the few rows on screen), so a 60,000-row results table opens at once. The first column shows
// the row names. Qt::UserRole gives the sortable value (a number, or text), kept as double for numeric columns.
#include <QAbstractTableModel>

#include <memory>

#include "core/data/table.h"

namespace diffbio::widgets {

class TableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  // `keepAlive` owns the table's memory (e.g. the pipeline Value it lives in); the model only reads `table`.
  TableModel(const data::Table& table, std::shared_ptr<const void> keepAlive, QObject* parent = nullptr);

  const data::Table& table() const { return table_; }
  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

  // The exact text of a cell (full precision), for copying and export. Column 0 is the row name.
  QString exactText(int row, int column) const;
  QString columnName(int column) const;

 private:
  const data::Table& table_;
  std::shared_ptr<const void> keepAlive_;
};

}  // namespace diffbio::widgets

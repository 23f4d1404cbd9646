#pragma once
// Sorting and filtering in front of a TableModel: numeric sort with missing values last in either direction, a
// text search over the row names and text columns, and the typed numeric filter (row_filter.h).
#include <QSortFilterProxyModel>

#include "widgets/tables/row_filter.h"

namespace diffbio::widgets {

class TableModel;

class TableFilterProxy : public QSortFilterProxyModel {
  Q_OBJECT

 public:
  explicit TableFilterProxy(QObject* parent = nullptr);

  void setTableModel(TableModel* model);
  TableModel* tableModel() const { return model_; }
  // Returns the reason when the text cannot be read (the previous filter then stays off).
  QString setFilterText(const QString& text);
  void setSearchText(const QString& text);
  // Source rows currently shown, in view order.
  std::vector<int> visibleSourceRows() const;

 protected:
  bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
  bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

 private:
  TableModel* model_ = nullptr;
  RowFilter filter_;
  QString search_;
};

}  // namespace diffbio::widgets

#include "widgets/tables/table_filter_proxy.h"

#include <cmath>

#include "widgets/tables/table_model.h"

namespace diffbio::widgets {

TableFilterProxy::TableFilterProxy(QObject* parent) : QSortFilterProxyModel(parent) {
  setSortRole(Qt::UserRole);
  setDynamicSortFilter(false);  // the table never changes under the view
}

void TableFilterProxy::setTableModel(TableModel* model) {
  model_ = model;
  filter_ = {};
  setSourceModel(model);
}

QString TableFilterProxy::setFilterText(const QString& text) {
  if (!model_) return {};
  RowFilter parsed = parseRowFilter(text, model_->table());
  if (!parsed.ok()) return parsed.error;
  filter_ = std::move(parsed);
  invalidateRowsFilter();
  return {};
}

void TableFilterProxy::setSearchText(const QString& text) {
  search_ = text.trimmed();
  invalidateRowsFilter();
}

bool TableFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
  if (!model_) return true;
  const auto& table = model_->table();
  const auto row = static_cast<std::size_t>(sourceRow);
  if (!filter_.accepts(table, row)) return false;
  if (search_.isEmpty()) return true;
  if (QString::fromStdString(table.rowNames()[row]).contains(search_, Qt::CaseInsensitive)) return true;
  for (const auto& column : table.columns()) {
    const auto type = column.type();
    if ((type == data::ColumnType::String || type == data::ColumnType::Categorical) &&
        QString::fromStdString(column.text(row)).contains(search_, Qt::CaseInsensitive))
      return true;
  }
  return false;
}

bool TableFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const {
  const QVariant a = left.data(Qt::UserRole);
  const QVariant b = right.data(Qt::UserRole);
  if (a.typeId() == QMetaType::Double && b.typeId() == QMetaType::Double) {
    const double x = a.toDouble();
    const double y = b.toDouble();
    // Missing values sort last whichever way the column is sorted.
    const bool descending = sortOrder() == Qt::DescendingOrder;
    if (std::isnan(x)) return descending;
    if (std::isnan(y)) return !descending;
    return x < y;
  }
  return QString::localeAwareCompare(a.toString(), b.toString()) < 0;
}

std::vector<int> TableFilterProxy::visibleSourceRows() const {
  std::vector<int> rows;
  rows.reserve(rowCount());
  for (int r = 0; r < rowCount(); ++r) rows.push_back(mapToSource(index(r, 0)).row());
  return rows;
}

}  // namespace diffbio::widgets

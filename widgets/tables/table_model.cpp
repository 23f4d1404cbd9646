#include "widgets/tables/table_model.h"

#include <QColor>

#include <cmath>

namespace diffbio::widgets {

TableModel::TableModel(const data::Table& table, std::shared_ptr<const void> keepAlive, QObject* parent)
    : QAbstractTableModel(parent), table_(table), keepAlive_(std::move(keepAlive)) {}

int TableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(table_.nRows());
}

int TableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(table_.nColumns()) + 1;
}

QString TableModel::columnName(int column) const {
  if (column == 0) return table_.indexName.empty() ? tr("name") : QString::fromStdString(table_.indexName);
  return QString::fromStdString(table_.column(column - 1).name());
}

QString TableModel::exactText(int row, int column) const {
  if (column == 0) return QString::fromStdString(table_.rowNames()[row]);
  return QString::fromStdString(table_.column(column - 1).text(row));
}

QVariant TableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const int row = index.row();
  const int column = index.column();
  if (column == 0) {
    if (role == Qt::DisplayRole || role == Qt::UserRole) return QString::fromStdString(table_.rowNames()[row]);
    return {};
  }
  const auto& col = table_.column(column - 1);
  const auto type = col.type();
  const bool numeric = type == data::ColumnType::Float || type == data::ColumnType::Int;
  switch (role) {
    case Qt::DisplayRole:
      if (type == data::ColumnType::Float) {
        const double value = col.floats()[row];
        if (std::isnan(value)) return QStringLiteral("NA");
        return QString::number(value, 'g', 6);  // the exact value is in the tooltip, copies and exports
      }
      return QString::fromStdString(col.text(row));
    case Qt::ToolTipRole:
      return type == data::ColumnType::Float ? QVariant(QString::fromStdString(col.text(row))) : QVariant();
    case Qt::UserRole:
      if (numeric || type == data::ColumnType::Bool) {
        const auto number = col.number(row);
        return number ? QVariant(*number) : QVariant(std::nan(""));
      }
      return QString::fromStdString(col.text(row));
    case Qt::TextAlignmentRole:
      return numeric ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      if (col.isMissing(row) || (type == data::ColumnType::Float && std::isnan(col.floats()[row])))
        return QColor(150, 150, 150);
      return {};
    default: return {};
  }
}

QVariant TableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (role != Qt::DisplayRole) return {};
  if (orientation == Qt::Horizontal) return columnName(section);
  return section + 1;
}

}  // namespace diffbio::widgets

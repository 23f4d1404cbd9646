#include "widgets/results/linked_selection.h"

#include <QItemSelection>
#include <QItemSelectionModel>
#include <QTableView>

#include <algorithm>

#include "plots/plot_view.h"
#include "plots/selection_bridge.h"
#include "widgets/tables/table_filter_proxy.h"
#include "widgets/tables/table_model.h"
#include "widgets/tables/table_panel.h"

namespace diffbio::widgets {

LinkedSelection::LinkedSelection(plots::PlotView* view, TablePanel* table, QString idName, QObject* parent)
    : QObject(parent), view_(view), table_(table), idName_(std::move(idName)) {
  connect(view_, &plots::PlotView::selectionChanged, this, [this](const std::vector<std::size_t>& points) {
    if (bridge_) bridge_->setPointSelection(points);
  });
  connect(table_->view()->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &LinkedSelection::onTableSelectionChanged);
  rematch();
}

LinkedSelection::~LinkedSelection() = default;

TablePanel* LinkedSelection::table() const { return table_; }

void LinkedSelection::rematch() {
  if (!view_ || !table_) return;
  const TableModel* model = table_->proxy()->tableModel();
  if (model != rowIdsOf_) {  // a plot switch keeps the table: no need to convert 10^4-10^5 names again
    rowIds_.clear();
    rowIdsOf_ = model;
    if (model) {
      const auto& names = model->table().rowNames();
      rowIds_.reserve(names.size());
      for (const auto& name : names) rowIds_.push_back(QString::fromStdString(name));
    }
  }
  const auto& names = view_->model().points.names;
  bridge_ = std::make_unique<plots::SelectionBridge>(std::vector<QString>(names.begin(), names.end()), rowIds_);
  connect(bridge_.get(), &plots::SelectionBridge::rowSelectionChanged, this, &LinkedSelection::onRowsFromPlot);
  connect(bridge_.get(), &plots::SelectionBridge::pointSelectionChanged, this, &LinkedSelection::onPointsFromTable);
  // The remembered IDs become rows of this table; the bridge shows their points and this shows the rows.
  std::vector<std::size_t> rows;
  for (std::size_t r = 0; r < rowIds_.size(); ++r)
    if (selectedIds_.contains(rowIds_[r])) rows.push_back(r);
  bridge_->setRowSelection(rows);
  showRowsInTable(rows);
}

std::vector<QString> LinkedSelection::selectedIds() const {
  std::vector<QString> ids;
  for (const QString& id : rowIds_)
    if (selectedIds_.contains(id)) ids.push_back(id);
  return ids;
}

void LinkedSelection::exportSelection(const QString& path) const {
  plots::writeIdsCsv(selectedIds(), path.toStdString(), idName_);
}

void LinkedSelection::remember(const std::vector<std::size_t>& rows) {
  selectedIds_.clear();
  for (std::size_t r : rows) selectedIds_.insert(rowIds_[r]);
  Q_EMIT selectionChanged(static_cast<int>(selectedIds_.size()));
}

void LinkedSelection::onRowsFromPlot(const std::vector<std::size_t>& rows) {
  remember(rows);
  showRowsInTable(rows);
}

void LinkedSelection::onPointsFromTable(const std::vector<std::size_t>& points) {
  if (view_) view_->setSelection(points);
}

void LinkedSelection::onTableSelectionChanged() {
  if (applyingToTable_ || !bridge_ || !table_) return;
  const TableFilterProxy* proxy = table_->proxy();
  std::vector<std::size_t> rows;
  for (const QItemSelectionRange& range : table_->view()->selectionModel()->selection())
    for (int row = range.top(); row <= range.bottom(); ++row) {
      const int source = proxy->mapToSource(proxy->index(row, 0)).row();
      if (source >= 0) rows.push_back(static_cast<std::size_t>(source));
    }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  remember(rows);
  bridge_->setRowSelection(rows);
}

void LinkedSelection::showRowsInTable(const std::vector<std::size_t>& rows) {
  if (!table_) return;
  const TableFilterProxy* proxy = table_->proxy();
  if (!proxy->sourceModel()) return;
  // Rows in view order, joined into contiguous ranges: one selection call for thousands of genes.
  std::vector<int> viewRows;
  viewRows.reserve(rows.size());
  for (std::size_t r : rows) {
    const QModelIndex index = proxy->mapFromSource(proxy->sourceModel()->index(static_cast<int>(r), 0));
    if (index.isValid()) viewRows.push_back(index.row());  // rows a filter hides stay selected here, not shown
  }
  std::sort(viewRows.begin(), viewRows.end());
  QItemSelection selection;
  const int lastColumn = std::max(0, proxy->columnCount() - 1);
  for (std::size_t i = 0; i < viewRows.size();) {
    std::size_t j = i;
    while (j + 1 < viewRows.size() && viewRows[j + 1] == viewRows[j] + 1) ++j;
    selection.append(QItemSelectionRange(proxy->index(viewRows[i], 0), proxy->index(viewRows[j], lastColumn)));
    i = j + 1;
  }
  applyingToTable_ = true;
  table_->view()->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
  applyingToTable_ = false;
  if (!viewRows.empty()) table_->view()->scrollTo(proxy->index(viewRows.front(), 0));
}

}  // namespace diffbio::widgets

#include "widgets/tables/table_panel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <set>

#include "widgets/tables/table_export.h"
#include "widgets/tables/table_filter_proxy.h"
#include "widgets/tables/table_model.h"

namespace diffbio::widgets {

TablePanel::TablePanel(QWidget* parent)
    : QWidget(parent), proxy_(new TableFilterProxy(this)), view_(new QTableView(this)), search_(new QLineEdit(this)),
      filter_(new QLineEdit(this)), count_(new QLabel(this)), error_(new QLabel(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);
  auto* tools = new QHBoxLayout;
  search_->setPlaceholderText(tr("Search names"));
  search_->setClearButtonEnabled(true);
  filter_->setPlaceholderText(tr("Filter, e.g. padj < 0.05 and |log2FoldChange| > 1"));
  filter_->setClearButtonEnabled(true);
  auto* copy = new QToolButton(this);
  copy->setText(tr("Copy"));
  copy->setToolTip(tr("Copy the selected rows with exact values (Ctrl+C)"));
  auto* exportButton = new QToolButton(this);
  exportButton->setText(tr("Export"));
  exportButton->setPopupMode(QToolButton::InstantPopup);
  auto* exportMenu = new QMenu(exportButton);
  exportMenu->addAction(tr("Export all rows..."), this, [this] { chooseExport(false); });
  exportMenu->addAction(tr("Export filtered rows..."), this, [this] { chooseExport(true); });
  exportButton->setMenu(exportMenu);
  tools->addWidget(search_, 2);
  tools->addWidget(filter_, 3);
  tools->addWidget(count_);
  tools->addWidget(copy);
  tools->addWidget(exportButton);
  layout->addLayout(tools);
  error_->setStyleSheet("color: #c0392b;");
  error_->hide();
  layout->addWidget(error_);

  view_->setModel(proxy_);
  view_->setSortingEnabled(true);
  view_->sortByColumn(-1, Qt::AscendingOrder);  // file order until a header is clicked
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setAlternatingRowColors(true);
  view_->verticalHeader()->setDefaultSectionSize(22);
  view_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);  // uniform rows: smooth scrolling at any size
  view_->horizontalHeader()->setStretchLastSection(true);
  view_->setWordWrap(false);
  layout->addWidget(view_, 1);

  auto* copyAction = new QAction(tr("Copy"), view_);
  copyAction->setShortcut(QKeySequence::Copy);
  copyAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  view_->addAction(copyAction);
  connect(copyAction, &QAction::triggered, this, &TablePanel::copySelection);
  connect(copy, &QToolButton::clicked, this, &TablePanel::copySelection);
  connect(search_, &QLineEdit::textChanged, this, &TablePanel::setSearchText);
  connect(filter_, &QLineEdit::returnPressed, this, [this] { setFilterText(filter_->text()); });
  connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) {
    if (text.isEmpty()) setFilterText(text);
  });
  updateCount();
}

void TablePanel::setTable(const data::Table& table, std::shared_ptr<const void> keepAlive) {
  auto* old = model_;
  model_ = new TableModel(table, std::move(keepAlive), this);
  proxy_->setTableModel(model_);
  delete old;
  if (!filter_->text().isEmpty()) setFilterText(filter_->text());
  view_->resizeColumnsToContents();  // looks at the visible rows only
  for (int c = 0; c < model_->columnCount(); ++c) view_->setColumnWidth(c, std::min(view_->columnWidth(c) + 12, 260));
  updateCount();
}

bool TablePanel::setFilterText(const QString& text) {
  if (filter_->text() != text) filter_->setText(text);
  const QString problem = proxy_->setFilterText(text);
  error_->setText(problem);
  error_->setVisible(!problem.isEmpty());
  updateCount();
  return problem.isEmpty();
}

void TablePanel::setSearchText(const QString& text) {
  if (search_->text() != text) search_->setText(text);
  proxy_->setSearchText(text);
  updateCount();
}

int TablePanel::visibleRows() const { return proxy_->rowCount(); }
QString TablePanel::filterError() const { return error_->isHidden() ? QString() : error_->text(); }

void TablePanel::updateCount() {
  const int total = model_ ? model_->rowCount() : 0;
  count_->setText(visibleRows() == total ? tr("%L1 rows").arg(total) : tr("%L1 of %L2 rows").arg(visibleRows()).arg(total));
}

QString TablePanel::exportRows(const QString& path, bool filteredOnly) const {
  if (!model_) return tr("there is no table to export");
  std::vector<int> rows;
  if (filteredOnly) {
    rows = proxy_->visibleSourceRows();
  } else {
    for (int r = 0; r < model_->rowCount(); ++r) rows.push_back(r);
  }
  const QChar separator = path.endsWith(".csv", Qt::CaseInsensitive) ? QChar(',') : QChar('\t');
  return exportTableRows(*model_, rows, path, separator);
}

void TablePanel::chooseExport(bool filteredOnly) {
  const QString path = QFileDialog::getSaveFileName(this, filteredOnly ? tr("Export filtered rows") : tr("Export all rows"),
                                                    QString(), tr("Tab-separated (*.tsv);;Comma-separated (*.csv)"));
  if (path.isEmpty()) return;
  const QString problem = exportRows(path, filteredOnly);
  error_->setText(problem);
  error_->setVisible(!problem.isEmpty());
}

void TablePanel::copySelection() const {
  if (!model_) return;
  std::set<int> viewRows;
  for (const auto& index : view_->selectionModel()->selectedIndexes()) viewRows.insert(index.row());
  std::vector<int> rows;
  for (int r : viewRows) rows.push_back(proxy_->mapToSource(proxy_->index(r, 0)).row());
  std::vector<int> columns;
  for (int c = 0; c < model_->columnCount(); ++c) columns.push_back(c);
  QApplication::clipboard()->setText(rowsAsText(*model_, rows, columns, '\t', true));
}

}  // namespace diffbio::widgets

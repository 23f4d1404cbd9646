#pragma once
// A results or data table with its tools: text search, numeric filter (`padj < 0.05 and |log2FoldChange| > 1`),
// row count, click-to-sort headers, Copy (Ctrl+C, exact values with a header) and export of all or the filtered
// rows as CSV or TSV.
#include <QWidget>

#include <memory>

#include "core/data/table.h"

class QLabel;
class QLineEdit;
class QTableView;

namespace diffbio::widgets {

class TableFilterProxy;
class TableModel;

class TablePanel : public QWidget {
  Q_OBJECT

 public:
  explicit TablePanel(QWidget* parent = nullptr);

  void setTable(const data::Table& table, std::shared_ptr<const void> keepAlive);
  bool setFilterText(const QString& text);  // false (and the reason shown) when it cannot be read
  void setSearchText(const QString& text);
  int visibleRows() const;
  QString filterError() const;
  QTableView* view() const { return view_; }
  TableFilterProxy* proxy() const { return proxy_; }
  // Returns the reason on failure, empty on success.
  QString exportRows(const QString& path, bool filteredOnly) const;
  void copySelection() const;

 private:
  void updateCount();
  void chooseExport(bool filteredOnly);

  TableModel* model_ = nullptr;
  TableFilterProxy* proxy_;
  QTableView* view_;
  QLineEdit* search_;
  QLineEdit* filter_;
  QLabel* count_;
  QLabel* error_;
};

}  // namespace diffbio::widgets

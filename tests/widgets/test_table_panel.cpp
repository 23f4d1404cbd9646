// Result tables: a lazy model over core tables, typed numeric filters, text search, sorting with missing values
// last, copy and CSV/TSV export of all or the filtered rows. Checked on DESeq2's own pasilla results
// (~ type + condition), whose summary.txt states 1330 genes with padj < 0.1.
#include "test_support.h"

#include <QApplication>
#include <QClipboard>
#include <QTableView>

#include <cmath>

#include "core/io/sample_sheet.h"
#include "widgets/tables/row_filter.h"
#include "widgets/tables/table_filter_proxy.h"
#include "widgets/tables/table_model.h"
#include "widgets/tables/table_panel.h"

using namespace diffbio;
using namespace diffbio::widgets;

namespace {

const char* kReference = "pasilla/deseq2_1.38.3_reference/design_type_condition_results_wald.csv.gz";

// The count a filter must give, computed directly from the column values.
int countWhere(const data::Table& table, const std::function<bool(std::size_t)>& keep) {
  int n = 0;
  for (std::size_t r = 0; r < table.nRows(); ++r) n += keep(r);
  return n;
}

double value(const data::Table& table, const char* column, std::size_t row) {
  return table.column(column).number(row).value_or(std::nan(""));
}

}  // namespace

class TablePanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void filtersDeseq2Results() {
    auto table = std::make_shared<const data::Table>(io::readSampleSheet(test::sharedData(kReference)));
    TablePanel panel;
    panel.setTable(*table, table);
    QCOMPARE(panel.visibleRows(), 14599);

    QVERIFY(panel.setFilterText("padj < 0.1"));
    QCOMPARE(panel.visibleRows(), 1330);  // DESeq2's summary.txt

    QVERIFY(panel.setFilterText("padj < 0.05 and |log2FoldChange| > 1"));
    const int expected = countWhere(*table, [&](std::size_t r) {
      return value(*table, "padj", r) < 0.05 && std::abs(value(*table, "log2FoldChange", r)) > 1;
    });
    QVERIFY(expected > 50);
    QCOMPARE(panel.visibleRows(), expected);
    QVERIFY(panel.setFilterText("padj<0.05 & log2FoldChange >= 1"));
    QCOMPARE(panel.visibleRows(), countWhere(*table, [&](std::size_t r) {
               return value(*table, "padj", r) < 0.05 && value(*table, "log2FoldChange", r) >= 1;
             }));

    // Unreadable filters are refused with a reason and leave the previous filter in force.
    const int before = panel.visibleRows();
    QVERIFY(!panel.setFilterText("padj <"));
    QVERIFY(panel.filterError().contains("cannot read"));
    QVERIFY(!panel.setFilterText("qvalue < 0.1"));
    QVERIFY(panel.filterError().contains("no column \"qvalue\""));
    QVERIFY(!panel.setFilterText("|log2FoldChange > 1"));
    QVERIFY(panel.filterError().contains("bars on both sides"));
    QCOMPARE(panel.visibleRows(), before);

    // Text search on gene names combines with the filter.
    QVERIFY(panel.setFilterText(""));
    panel.setSearchText("FBgn000000");
    QCOMPARE(panel.visibleRows(), countWhere(*table, [&](std::size_t r) { return table->rowNames()[r].find("FBgn000000") != std::string::npos; }));
    panel.setSearchText("");
  }

  void sortsNumericallyWithMissingValuesLast() {
    auto table = std::make_shared<const data::Table>(io::readSampleSheet(test::sharedData(kReference)));
    TablePanel panel;
    panel.setTable(*table, table);
    const int padjColumn = 1 + static_cast<int>(std::distance(
        table->columns().begin(), std::find_if(table->columns().begin(), table->columns().end(),
                                               [](const auto& c) { return c.name() == "padj"; })));
    auto* proxy = panel.proxy();
    proxy->sort(padjColumn, Qt::AscendingOrder);
    double smallest = INFINITY;
    for (std::size_t r = 0; r < table->nRows(); ++r) smallest = std::min(smallest, std::isnan(value(*table, "padj", r)) ? INFINITY : value(*table, "padj", r));
    QCOMPARE(proxy->index(0, padjColumn).data(Qt::UserRole).toDouble(), smallest);
    QVERIFY(std::isnan(proxy->index(proxy->rowCount() - 1, padjColumn).data(Qt::UserRole).toDouble()));
    proxy->sort(padjColumn, Qt::DescendingOrder);
    QVERIFY(!std::isnan(proxy->index(0, padjColumn).data(Qt::UserRole).toDouble()));
    QVERIFY(std::isnan(proxy->index(proxy->rowCount() - 1, padjColumn).data(Qt::UserRole).toDouble()));
    for (int r = 1; r < 500; ++r)
      QVERIFY(proxy->index(r - 1, padjColumn).data(Qt::UserRole).toDouble() >= proxy->index(r, padjColumn).data(Qt::UserRole).toDouble());
  }

  void exportsAndCopiesExactValues() {
    auto table = std::make_shared<const data::Table>(io::readSampleSheet(test::sharedData(kReference)));
    TablePanel panel;
    panel.setTable(*table, table);
    QVERIFY(panel.setFilterText("padj < 0.1"));
    const auto dir = test::scratchDir("widgets_table_export");
    const QString filtered = QString::fromStdString((dir / "significant.csv").string());
    QCOMPARE(panel.exportRows(filtered, true), QString());
    const auto back = io::readSampleSheet(filtered.toStdString());
    QCOMPARE(back.nRows(), std::size_t{1330});
    // Exact numbers survive the round trip.
    const auto& row0 = back.rowNames()[0];
    const auto source = std::find(table->rowNames().begin(), table->rowNames().end(), row0) - table->rowNames().begin();
    QCOMPARE(value(back, "log2FoldChange", 0), value(*table, "log2FoldChange", source));
    QCOMPARE(value(back, "padj", 0), value(*table, "padj", source));

    const QString all = QString::fromStdString((dir / "all.tsv").string());
    QCOMPARE(panel.exportRows(all, false), QString());
    QCOMPARE(io::readSampleSheet(all.toStdString()).nRows(), std::size_t{14599});
    // A folder that does not exist: a reason, and no file.
    QVERIFY(panel.exportRows(QString::fromStdString((dir / "missing" / "x.tsv").string()), false).contains("cannot write"));
    QVERIFY(!std::filesystem::exists(dir / "missing"));

    panel.view()->selectRow(0);
    panel.copySelection();
    const QStringList lines = QApplication::clipboard()->text().split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[0].startsWith("name\tbaseMean\tlog2FoldChange"));
    const int sourceRow = panel.proxy()->mapToSource(panel.proxy()->index(0, 0)).row();
    QCOMPARE(lines[1].section('\t', 2, 2).toStdString(), table->column("log2FoldChange").text(sourceRow));
  }

  void largeTablesStayLazy() {
    // 60,000 rows: the model answers for the rows on screen only; filtering touches each row once.
    std::vector<std::string> names;
    std::vector<double> x;
    for (int i = 0; i < 60000; ++i) {
      names.push_back("gene" + std::to_string(i));
      x.push_back(i % 1000 / 1000.0);
    }
    auto table = std::make_shared<data::Table>(names);
    table->addColumn(data::Column("x", x));
    TablePanel panel;
    panel.resize(800, 600);
    panel.setTable(*table, table);
    panel.show();
    QCOMPARE(panel.visibleRows(), 60000);
    QVERIFY(panel.setFilterText("x < 0.25"));
    QCOMPARE(panel.visibleRows(), 15000);
    QVERIFY(panel.setFilterText("x == 0.5"));
    QCOMPARE(panel.visibleRows(), 60);
  }
};

QTEST_MAIN(TablePanelTest)
#include "test_table_panel.moc"

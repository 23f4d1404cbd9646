// Linked selection in the window on the bulk DE demo (pasilla, DESeq2 ~ type + condition): a rectangle or a lasso
// drawn in the volcano selects exactly the genes inside it in the results table; rows selected in the table (the
// padj < 0.1 genes) are the plot's selection, in the volcano and after switching to the MA plot; the selection
// exports as a CSV of gene IDs; plots export from the panel. Double-clicking a gene in the volcano, or its row in the
// table, opens its normalised counts by condition, equal to DESeq2's counts(dds, normalized = TRUE).
#include "test_support.h"
#include "reference_tables.h"

#include <QImage>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTableView>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include "plots/plot_view.h"
#include "widgets/main_window.h"
#include "widgets/results/linked_selection.h"
#include "widgets/results/plots_panel.h"
#include "widgets/results/results_panel.h"
#include "widgets/tables/table_filter_proxy.h"
#include "widgets/tables/table_model.h"
#include "widgets/tables/table_panel.h"

using namespace diffbio;
using namespace diffbio::widgets;

Q_DECLARE_METATYPE(diffbio::widgets::RunOutcome)

namespace {

// Gene IDs of the rows selected in the table (source rows, whatever the sort).
std::set<std::string> selectedGenes(const TablePanel& table) {
  std::set<std::string> genes;
  const auto* proxy = table.proxy();
  const auto& names = proxy->tableModel()->table().rowNames();
  for (const QModelIndex& index : table.view()->selectionModel()->selectedRows())
    genes.insert(names[static_cast<std::size_t>(proxy->mapToSource(index).row())]);
  return genes;
}

std::set<std::string> pointNames(const plots::PlotView& view) {
  std::set<std::string> names;
  for (std::size_t i : view.selection()) names.insert(view.model().points.names[i].toStdString());
  return names;
}

std::vector<std::string> readLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

class LinkedSelectionTest : public QObject {
  Q_OBJECT

  MainWindow* window_ = nullptr;
  std::filesystem::path out_;

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("DiffBioTests");
    QCoreApplication::setApplicationName("linked_selection");
    qRegisterMetaType<RunOutcome>();
    out_ = test::scratchDir("widgets_linked_selection");
    window_ = new MainWindow;
    window_->setOutputFolder(QString::fromStdString(out_.string()));
    window_->setAutoRun(false);
    window_->resize(1400, 900);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_));
    window_->openDemo();
    QSignalSpy runs(window_, &MainWindow::runCompleted);
    QSignalSpy plotted(window_->results()->plots(), &PlotsPanel::plotsReady);
    window_->runPipeline();
    QVERIFY(runs.wait(180000));
    QVERIFY(qvariant_cast<RunOutcome>(runs.first().first()).summary.ok());
    QVERIFY(plotted.count() > 0 || plotted.wait(60000));
    QVERIFY(window_->results()->linkedSelection());
  }

  void cleanupTestCase() { delete window_; }

  void volcanoRectangleSelectsExactlyThoseRows() {
    PlotsPanel* plots = window_->results()->plots();
    QVERIFY(plots->selectPlot(QStringLiteral("Volcano")));
    plots::PlotView* view = plots->view();
    view->finishRendering();
    TablePanel* table = window_->results()->tableTab("results.results");
    QVERIFY(table);

    // The data rectangle log2FoldChange >= 1, -log10 p >= 8, drawn as the mouse does it in widget coordinates.
    const plots::DataRange range = view->viewRange();
    const QRectF rect = QRectF(view->widgetPosition(1.0, range.yMax), view->widgetPosition(range.xMax, 8.0)).normalized();
    view->select(view->pointsInWidgetRect(rect), plots::PlotView::SelectionMode::Replace);

    // Independently from the results table: the genes with log2FoldChange >= 1 and pvalue <= 1e-8 in the range.
    const auto& results = window_->runner()->output("results", "results")->as<data::Table>();
    std::set<std::string> expected;
    for (std::size_t i = 0; i < results.nRows(); ++i) {
      const double lfc = results.column("log2FoldChange").floats()[i];
      const double p = results.column("pvalue").floats()[i];
      if (lfc >= 1.0 && lfc <= range.xMax && -std::log10(p) >= 8.0 && -std::log10(p) <= range.yMax)
        expected.insert(results.rowNames()[i]);
    }
    qInfo("rectangle: %zu genes up by >= 2x with p <= 1e-8", expected.size());
    QVERIFY(expected.size() > 20);
    QCOMPARE(pointNames(*view), expected);
    QCOMPARE(selectedGenes(*table), expected);
    QCOMPARE(window_->results()->linkedSelection()->selectedCount(), expected.size());

    // Export selection: a CSV with the header `gene` and exactly those IDs, in table order.
    const std::string csv = (out_ / "selection.csv").string();
    QCOMPARE(plots->exportSelection(QString::fromStdString(csv)), QString());
    const auto lines = readLines(csv);
    QCOMPARE(lines.front(), std::string("gene"));
    QCOMPARE(std::set<std::string>(lines.begin() + 1, lines.end()), expected);
    QCOMPARE(lines.size(), expected.size() + 1);
  }

  void volcanoLassoSelectsTheGenesInside() {
    PlotsPanel* plots = window_->results()->plots();
    QVERIFY(plots->selectPlot(QStringLiteral("Volcano")));
    plots::PlotView* view = plots->view();
    view->finishRendering();
    TablePanel* table = window_->results()->tableTab("results.results");
    // A triangle over the down-regulated arm: (-6, 3), (-0.5, 3), (-3, 40) in data coordinates.
    QPainterPath lasso;
    lasso.moveTo(view->widgetPosition(-6, 3));
    lasso.lineTo(view->widgetPosition(-0.5, 3));
    lasso.lineTo(view->widgetPosition(-3, 40));
    lasso.closeSubpath();
    view->select(view->pointsInWidgetPath(lasso), plots::PlotView::SelectionMode::Replace);
    // Expected: every gene whose point lies inside the triangle, tested on its screen position.
    const auto& results = window_->runner()->output("results", "results")->as<data::Table>();
    std::set<std::string> expected;
    for (std::size_t i = 0; i < results.nRows(); ++i) {
      const double lfc = results.column("log2FoldChange").floats()[i];
      const double p = results.column("pvalue").floats()[i];
      if (!std::isfinite(lfc) || !std::isfinite(p) || p <= 0) continue;
      if (lasso.contains(view->widgetPosition(lfc, -std::log10(p)))) expected.insert(results.rowNames()[i]);
    }
    qInfo("lasso: %zu genes", expected.size());
    QVERIFY(expected.size() > 10);
    QCOMPARE(selectedGenes(*table), expected);
    for (const auto& gene : expected) {
      const std::size_t row = static_cast<std::size_t>(
          std::find(results.rowNames().begin(), results.rowNames().end(), gene) - results.rowNames().begin());
      QVERIFY(results.column("log2FoldChange").floats()[row] < -0.5);  // all down-regulated
    }
  }

  void tableRowsSelectTheirPointsInEveryPlot() {
    PlotsPanel* plots = window_->results()->plots();
    QVERIFY(plots->selectPlot(QStringLiteral("Volcano")));
    TablePanel* table = window_->results()->tableTab("results.results");
    QVERIFY(table->setFilterText("padj < 0.1"));
    const int significant = table->visibleRows();
    table->view()->selectAll();
    table->setFilterText({});
    std::set<std::string> expected;
    const auto& results = window_->runner()->output("results", "results")->as<data::Table>();
    for (std::size_t i = 0; i < results.nRows(); ++i)
      if (results.column("padj").floats()[i] < 0.1) expected.insert(results.rowNames()[i]);
    QCOMPARE(static_cast<int>(expected.size()), significant);
    qInfo("padj < 0.1: %d genes (DESeq2 1.38.3: 1,330)", significant);
    QVERIFY(std::abs(significant - 1330) <= 13);  // the window's DE agrees with DESeq2 (test_live_rerun: Jaccard >= 0.99)
    QCOMPARE(pointNames(*plots->view()), expected);

    // Switching plots keeps the genes selected: the MA plot shows the same ones.
    QVERIFY(plots->selectPlot(QStringLiteral("MA")));
    QCOMPARE(pointNames(*plots->view()), expected);
    QCOMPARE(window_->results()->linkedSelection()->selectedCount(), expected.size());
    plots->view()->finishRendering();
    QVERIFY(window_->grab().save(QString::fromStdString((out_ / "linked_selection.png").string())));

    // The figure exports as shown: PNG at 300 dpi (120 x 90 mm) and the plotted data as CSV, one row per point.
    const QString png = QString::fromStdString((out_ / "ma.png").string());
    auto done = plots->exportCurrentPlot(png);
    done.waitForFinished();
    QCOMPARE(done.result(), QString());
    const QImage image(png);
    QCOMPARE(image.width(), static_cast<int>(std::lround(120 / 25.4 * 300)));
    const QString csv = QString::fromStdString((out_ / "ma.csv").string());
    auto written = plots->exportCurrentPlot(csv);
    written.waitForFinished();
    QCOMPARE(written.result(), QString());
    QCOMPARE(readLines(csv.toStdString()).size(), plots->view()->model().points.count() + 1);
  }
  // The counts figure of `gene` after a double-click: one point per sample at log10(DESeq2's normalised count + 0.5),
  // in the column of its condition.
  void checkCountsFigure(const std::string& gene) {
    PlotsPanel* plots = window_->results()->plots();
    const QString name = QStringLiteral("Counts: %1").arg(QString::fromStdString(gene));
    QTRY_COMPARE_WITH_TIMEOUT(plots->currentPlotName(), name, 30000);
    const plots::PlotModel& model = plots->view()->model();
    const data::Table reference = test::readReference("pasilla/deseq2_1.38.3_reference/design_type_condition_normalized_counts.csv.gz");
    const auto& genes = reference.rowNames();
    const std::size_t row = static_cast<std::size_t>(std::find(genes.begin(), genes.end(), gene) - genes.begin());
    QVERIFY(row < genes.size());
    QCOMPARE(model.points.count(), std::size_t{7});
    QCOMPARE(model.xCategories.size(), std::size_t{2});
    for (std::size_t i = 0; i < model.points.count(); ++i) {
      const std::string sample = model.points.names[i].toStdString();
      const double want = std::log10(*reference.find(sample)->number(row) + 0.5);
      QVERIFY2(std::abs(model.points.y[i] - want) <= 1e-9, qPrintable(QString::fromStdString(sample)));
      const QString condition = sample.rfind("treated", 0) == 0 ? QStringLiteral("treated") : QStringLiteral("untreated");
      QCOMPARE(model.xCategories[static_cast<std::size_t>(std::lround(model.points.x[i]))], condition);
    }
  }

  void doubleClickOnAGeneOpensItsCounts() {
    PlotsPanel* plots = window_->results()->plots();
    QVERIFY(plots->selectPlot(QStringLiteral("Volcano")));
    plots::PlotView* view = plots->view();
    const auto& names = view->model().points.names;
    const std::string gene = "FBgn0039155";  // among the strongest changes in pasilla
    const auto found = std::find(names.begin(), names.end(), QString::fromStdString(gene));
    QVERIFY(found != names.end());
    Q_EMIT view->pointActivated(static_cast<std::size_t>(found - names.begin()));
    checkCountsFigure(gene);

    // From the table: double-click the row of another gene.
    QVERIFY(plots->selectPlot(QStringLiteral("Volcano")));
    TablePanel* table = window_->results()->tableTab("results.results");
    QVERIFY(table);
    const auto& rows = table->proxy()->tableModel()->table().rowNames();
    const std::string other = "FBgn0025111";
    const auto sourceRow = static_cast<int>(std::find(rows.begin(), rows.end(), other) - rows.begin());
    QVERIFY(sourceRow < static_cast<int>(rows.size()));
    const QModelIndex index = table->proxy()->mapFromSource(table->proxy()->tableModel()->index(sourceRow, 0));
    Q_EMIT table->view()->doubleClicked(index);
    checkCountsFigure(other);
  }
};

QTEST_MAIN(LinkedSelectionTest)
#include "test_linked_selection.moc"

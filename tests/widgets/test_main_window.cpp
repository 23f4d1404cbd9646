// The window as a whole: first start shows the demo pipeline, data files become loader nodes (read on a worker,
// with the sample sheet pairing shown), the layout, recent files and auto-run persist in QSettings, and a run of
// the demo paints a screenshot with a results table and a plot that is far from blank.
#include "test_support.h"

#include <QDockWidget>
#include <QSettings>
#include <QSignalSpy>

#include <set>

#include <QPlainTextEdit>
#include <QTableWidget>

#include "widgets/canvas/pipeline_scene.h"
#include "widgets/data/data_preview_dialog.h"
#include "widgets/document/pipeline_document.h"
#include "widgets/main_window.h"
#include "widgets/palette/operator_palette.h"
#include "widgets/resources_path.h"
#include "widgets/results/plots_panel.h"
#include "widgets/results/results_panel.h"
#include "widgets/tables/table_panel.h"

using namespace diffbio;
using namespace diffbio::widgets;

Q_DECLARE_METATYPE(diffbio::widgets::RunOutcome)

namespace {

// Distinct colours on a coarse grid, and the share of pixels that differ from the most common one.
std::pair<int, double> paintedness(const QImage& image) {
  std::map<QRgb, int> counts;
  int total = 0;
  for (int y = 0; y < image.height(); y += 3)
    for (int x = 0; x < image.width(); x += 3) {
      ++counts[image.pixel(x, y)];
      ++total;
    }
  int most = 0;
  for (const auto& [colour, n] : counts) most = std::max(most, n);
  return {static_cast<int>(counts.size()), 1.0 - static_cast<double>(most) / total};
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("DiffBioTests");  // keep the user's settings untouched
    QCoreApplication::setApplicationName("main_window");
    QSettings().clear();
    qRegisterMetaType<RunOutcome>();
  }

  void demoRunsAndTheScreenshotIsNotBlank() {
    MainWindow window;
    const auto out = test::scratchDir("widgets_main_window");
    window.setOutputFolder(QString::fromStdString(out.string()));
    window.setAutoRun(false);
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.openDemo();
    QCOMPARE(window.document()->graph().nodes().size(), std::size_t{8});
    QVERIFY(window.palette()->visibleOperatorCount() >= 10);

    QSignalSpy runs(&window, &MainWindow::runCompleted);
    QSignalSpy plotted(window.results()->plots(), &PlotsPanel::plotsReady);
    window.runPipeline();
    QVERIFY(runs.wait(120000));
    QVERIFY(qvariant_cast<RunOutcome>(runs.first().first()).summary.ok());
    QVERIFY(plotted.count() > 0 || plotted.wait(30000));
    QCOMPARE(window.results()->plots()->plotCount(), 4);

    // Tables of the sample sheet, the results, the normalised counts are tabs; the DE table has every gene.
    auto* results = window.results()->tableTab("results.results");
    QVERIFY(results);
    QCOMPARE(results->visibleRows(), 14599);
    QVERIFY(window.results()->tableTab("samples.samples"));
    QCOMPARE(window.results()->tableTab("samples.samples")->visibleRows(), 7);
    QVERIFY(std::filesystem::exists(out / "results.tsv"));  // the sink wrote into the output folder

    const QImage shot = window.grab().toImage();
    const auto [colours, painted] = paintedness(shot);
    QVERIFY2(colours > 40, qPrintable(QString::number(colours)));
    QVERIFY2(painted > 0.3, qPrintable(QString::number(painted)));
    // The plot itself is painted (not the placeholder): its canvas holds many colours too.
    const auto [plotColours, plotPainted] = paintedness(window.results()->plots()->grab().toImage());
    QVERIFY(plotColours > 10);
    QVERIFY(plotPainted > 0.02);
  }

  void previewDialogShowsFormatRowsAndPairing() {
    MainWindow window;
    window.document()->replaceGraph({}, {});
    QSignalSpy opened(&window, &MainWindow::dataOpened);
    window.openData({resourcesDir() + "/demo/pasilla_gene_counts.tsv.gz", resourcesDir() + "/demo/pasilla_sample_annotation.csv"});
    DataPreviewDialog* dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((dialog = window.findChild<DataPreviewDialog*>()) != nullptr, 60000);
    QVERIFY(window.document()->graph().nodes().empty());  // nothing is added before the user accepts
    const auto texts = dialog->findChildren<QPlainTextEdit*>();
    QString all;
    for (auto* text : texts) all += text->toPlainText() + "\n";
    QVERIFY2(all.contains("14599 genes x 7 samples"), qPrintable(all));
    QVERIFY(all.contains("treated1fb"));  // the pairing of sheet rows with count columns
    // First rows of both files: the count table's header line and the sample sheet's.
    QStringList firstCells;
    for (auto* rows : dialog->findChildren<QTableWidget*>()) firstCells << rows->item(0, 0)->text() + "|" + rows->item(0, 1)->text();
    QVERIFY2(firstCells.contains("gene_id|untreated1"), qPrintable(firstCells.join(", ")));
    QVERIFY2(firstCells.contains("file|condition"), qPrintable(firstCells.join(", ")));
    dialog->setSamplesAsRows(true);
    dialog->accept();
    QVERIFY(opened.count() == 1 || opened.wait(5000));
    QCOMPARE(opened.first().first().toBool(), true);
    const auto& graph = window.document()->graph();
    QCOMPARE(graph.nodes().size(), std::size_t{2});
    QCOMPARE(graph.node("load_counts").parameters.flag("samples_as_rows"), true);
  }

  void dataFilesBecomeLoaderNodes() {
    MainWindow window;
    window.setDataPreview(false);
    window.document()->replaceGraph({}, {});
    QSignalSpy opened(&window, &MainWindow::dataOpened);
    window.openData({resourcesDir() + "/demo/pasilla_gene_counts.tsv.gz", resourcesDir() + "/demo/pasilla_sample_annotation.csv"});
    QVERIFY(opened.wait(60000));
    QCOMPARE(opened.first().first().toBool(), true);
    const auto& graph = window.document()->graph();
    QCOMPARE(graph.nodes().size(), std::size_t{2});
    QCOMPARE(graph.node("load_counts").operatorId, std::string("io.load_counts"));
    QCOMPARE(graph.node("load_samples").operatorId, std::string("io.load_samples"));
    QVERIFY(window.logText().contains("14599 genes x 7 samples"));
    QVERIFY2(window.logText().contains("Sample sheet pairing") && window.logText().contains("treated1fb"), qPrintable(window.logText()));
    // One undo step removes both.
    window.document()->undoStack()->undo();
    QVERIFY(graph.nodes().empty());

    // A file that does not exist is reported, and adds nothing.
    QSignalSpy failed(&window, &MainWindow::dataOpened);
    window.openData({"/nonexistent/file.tsv"});
    QVERIFY(failed.wait(60000));
    QCOMPARE(failed.first().first().toBool(), false);
    QVERIFY(window.logText().contains("/nonexistent/file.tsv"));
    QVERIFY(graph.nodes().empty());
  }

  void layoutRecentFilesAndSettingsPersist() {
    const auto dir = test::scratchDir("widgets_main_window_settings");
    const QString pipelineFile = QString::fromStdString((dir / "saved.json").string());
    {
      MainWindow window;
      window.show();
      window.openDemo();
      QVERIFY(window.savePipeline(pipelineFile));
      window.setAutoRun(false);
      auto* plots = window.findChild<QDockWidget*>("plotsDock");
      QVERIFY(plots);
      plots->setFloating(true);
      window.close();
    }
    QSettings settings;
    QCOMPARE(settings.value("recentFiles").toStringList().value(0), pipelineFile);
    QCOMPARE(settings.value("session/lastPipeline").toString(), pipelineFile);
    QCOMPARE(settings.value("run/auto").toBool(), false);
    MainWindow again;
    again.show();
    QVERIFY(again.findChild<QDockWidget*>("plotsDock")->isFloating());
    QVERIFY(!again.autoRun());
    QVERIFY(again.openPipeline(pipelineFile));
    QCOMPARE(again.document()->graph().nodes().size(), std::size_t{8});
  }
};

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"

// Interactive tuning: the window runs the bulk DE demo on a worker (the GUI thread keeps serving events), its
// results agree with DESeq2's, an inspector edit re-runs only the stale nodes, a superseded run's results are
// dropped, and Cancel stops a long job.
#include "test_support.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QToolButton>

#include <cmath>
#include <set>

#include "core/io/sample_sheet.h"
#include "gui_test_operators.h"
#include "widgets/canvas/pipeline_scene.h"
#include "widgets/document/pipeline_document.h"
#include "widgets/inspector/inspector.h"
#include "widgets/inspector/parameter_editors.h"
#include "widgets/main_window.h"

using namespace diffbio;
using namespace diffbio::widgets;

Q_DECLARE_METATYPE(diffbio::widgets::RunOutcome)

namespace {

RunOutcome waitForRun(QSignalSpy& spy, int timeoutMs = 120000) {
  if (spy.isEmpty()) spy.wait(timeoutMs);
  if (spy.isEmpty()) {
    RunOutcome none;
    none.error = "no run finished in time";
    return none;
  }
  return qvariant_cast<RunOutcome>(spy.takeFirst().first());
}

// Types a value into the inspector's number field for `parameter` and finishes the edit, as a user does.
void typeInto(Inspector& inspector, const std::string& parameter, const QString& text) {
  auto* editor = inspector.editor(parameter);
  QVERIFY(editor);
  auto* field = editor->findChild<QLineEdit*>();
  QVERIFY(field);
  field->setText(text);
  Q_EMIT field->editingFinished();
}

}  // namespace

class LiveRerunTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("DiffBioTests");
    QCoreApplication::setApplicationName("live_rerun");
    qRegisterMetaType<RunOutcome>();
    test::registerGuiTestOperators();
  }

  void inspectorEditRerunsOnlyStaleNodes() {
    MainWindow window;
    window.setOutputFolder(QString::fromStdString(test::scratchDir("widgets_live_rerun").string()));
    window.setAutoRun(false);
    window.show();
    window.openDemo();
    QSignalSpy runs(&window, &MainWindow::runCompleted);
    window.runPipeline();
    const RunOutcome first = waitForRun(runs);
    QVERIFY2(first.error.isEmpty(), qPrintable(first.error));
    QVERIFY(first.summary.ok());
    QCOMPARE(first.summary.executed, 8);

    // The window's results equal DESeq2 1.38.3's on pasilla (~ type + condition), with the tolerances of
    // tests/core/stats/test_deseq_pasilla.cpp: the same NA pattern and Jaccard >= 0.99 of the padj < 0.1 sets.
    const auto value = window.runner()->output("results", "results");
    QVERIFY(value);
    const auto& ours = value->as<data::Table>();
    const auto reference = io::readSampleSheet(
        test::sharedData("pasilla/deseq2_1.38.3_reference/design_type_condition_results_wald.csv.gz"));
    QCOMPARE(ours.nRows(), reference.nRows());
    std::set<std::string> sigOurs, sigRef;
    int naMismatch = 0;
    for (std::size_t i = 0; i < ours.nRows(); ++i) {
      QCOMPARE(ours.rowNames()[i], reference.rowNames()[i]);
      const double a = ours.column("padj").floats()[i];
      const double b = reference.column("padj").number(i).value_or(std::nan(""));
      naMismatch += std::isnan(a) != std::isnan(b);
      if (a < 0.1) sigOurs.insert(ours.rowNames()[i]);
      if (b < 0.1) sigRef.insert(ours.rowNames()[i]);
    }
    QCOMPARE(naMismatch, 0);
    QCOMPARE(static_cast<int>(sigRef.size()), 1330);  // DESeq2's summary.txt
    std::size_t both = 0;
    for (const auto& gene : sigOurs) both += sigRef.count(gene);
    const double jaccard = static_cast<double>(both) / static_cast<double>(sigOurs.size() + sigRef.size() - both);
    QVERIFY2(jaccard >= 0.99, qPrintable(QString::number(jaccard)));

    // With auto-run on, typing a new FDR level into the inspector re-runs `results` and its sink only.
    window.setAutoRun(true);
    window.scene()->selectNodes({"results"});
    QCOMPARE(window.inspector()->nodeId(), QString("results"));
    typeInto(*window.inspector(), "alpha", "0.05");
    QCOMPARE(window.document()->graph().node("results").parameters.real("alpha"), 0.05);
    QCOMPARE(window.scene()->nodeStatus("results").state, pipeline::NodeState::Stale);
    QCOMPARE(window.scene()->nodeStatus("write_results").state, pipeline::NodeState::Stale);
    QCOMPARE(window.scene()->nodeStatus("wald").state, pipeline::NodeState::Done);
    const RunOutcome second = waitForRun(runs);
    QVERIFY(second.summary.ok());
    QCOMPARE(second.summary.executed, 2);
    QCOMPARE(second.summary.reused, 6);
    for (const char* id : {"counts", "samples", "design", "size_factors", "dispersions", "wald"})
      QVERIFY2(window.runner()->status(id).reused, id);
    QCOMPARE(window.scene()->nodeStatus("results").state, pipeline::NodeState::Done);
    QVERIFY(window.runner()->output("results", "results")->serial() != value->serial());

    // A value outside the range is refused with the reason, and nothing runs.
    typeInto(*window.inspector(), "alpha", "1.5");
    QVERIFY2(window.inspector()->refusal("alpha").contains("maximum"), qPrintable(window.inspector()->refusal("alpha")));
    QCOMPARE(window.document()->graph().node("results").parameters.real("alpha"), 0.05);
    typeInto(*window.inspector(), "alpha", "abc");
    QVERIFY(window.inspector()->refusal("alpha").contains("not a number"));
    QVERIFY(!runs.wait(500));

    // Undo is a parameter edit too: back to 0.1, and again only two nodes run.
    window.document()->undoStack()->undo();
    QCOMPARE(window.document()->graph().node("results").parameters.real("alpha"), 0.1);
    const RunOutcome third = waitForRun(runs);
    QCOMPARE(third.summary.executed, 2);
  }

  void supersededRunIsDropped() {
    MainWindow window;
    window.setAutoRun(true);
    window.document()->replaceGraph({}, {});
    QSignalSpy runs(&window, &MainWindow::runCompleted);
    window.document()->addNode("test.slow", {0, 0}, {{"seconds", 0.6}, {"tag", 1.0}});
    // Wait until the first run is under way, then edit: the first run is cancelled and its outcome never shown.
    QTRY_VERIFY_WITH_TIMEOUT(window.scene()->nodeStatus("slow").state == pipeline::NodeState::Running, 10000);
    const quint64 firstGeneration = window.runner()->generation();
    window.document()->setParameter("slow", "tag", ops::ParameterValue(2.0));
    const RunOutcome outcome = waitForRun(runs, 30000);
    QVERIFY(outcome.generation > firstGeneration);
    QVERIFY(outcome.summary.ok());
    QCOMPARE(window.runner()->output("slow", "table")->as<data::Table>().column("tag").floats()[0], 2.0);
    QVERIFY(!runs.wait(300));  // exactly one outcome: the superseded run reported nothing
  }

  void cancelStopsALongJob() {
    MainWindow window;
    window.setAutoRun(false);
    window.show();
    window.document()->replaceGraph({}, {});
    window.document()->addNode("test.slow", {0, 0}, {{"seconds", 120.0}});
    QSignalSpy runs(&window, &MainWindow::runCompleted);
    window.runPipeline();
    QTRY_VERIFY_WITH_TIMEOUT(window.scene()->nodeStatus("slow").state == pipeline::NodeState::Running, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(window.cancelButton()->isVisible(), 5000);
    QTest::mouseClick(window.cancelButton(), Qt::LeftButton);
    // The job would take two minutes; the outcome arrives long before (the wait is a failure bound, not a timing).
    const RunOutcome outcome = waitForRun(runs, 60000);
    QVERIFY(outcome.summary.cancelled);
    QCOMPARE(window.runner()->status("slow").state, pipeline::NodeState::Stale);
    QVERIFY(!window.runner()->output("slow", "table"));
    QVERIFY(!window.runner()->isBusy());
    QTRY_VERIFY(!window.cancelButton()->isVisible());
  }

  void sliderMapsLogarithmically() {
    QCOMPARE(valueToSlider(1e-6, 1e-6, 1, true), 0);
    QCOMPARE(valueToSlider(1, 1e-6, 1, true), kSliderSteps);
    QCOMPARE(valueToSlider(1e-3, 1e-6, 1, true), kSliderSteps / 2);  // halfway in log space
    QVERIFY(std::abs(sliderToValue(kSliderSteps / 2, 1e-6, 1, true) - 1e-3) < 1e-12);
    QCOMPARE(sliderToValue(kSliderSteps / 4, 0, 8, false), 2.0);
    QCOMPARE(parseGeneList("a, b  c\nd;e"), (ops::GeneList{"a", "b", "c", "d", "e"}));
  }
};

QTEST_MAIN(LiveRerunTest)
#include "test_live_rerun.moc"

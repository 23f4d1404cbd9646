// The training panel (offscreen) on the seed-000 DE demo: a short training fills the live curve and the metrics
// table from a worker thread; a validation split adds the validation curve, metrics and traces; Pause holds the
// steps; after Stop at most the step in flight is reported (the latency is measured and printed, not asserted:
// bench/train_bench measures it); the checkpoint saved after a stop resumes where it stopped.
#include "test_support.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>

#include "widgets/training/loss_curve_view.h"
#include "widgets/training/training_panel.h"

using diffbio::widgets::TrainingPanel;

namespace {

// Waits for trainingFinished and returns its text.
QString waitFinished(TrainingPanel& panel, int timeoutMs = 300000) {
  QSignalSpy finished(&panel, &TrainingPanel::trainingFinished);
  if (!panel.isTraining()) return QStringLiteral("not running");
  if (!finished.wait(timeoutMs)) return QStringLiteral("timed out");
  return finished.takeFirst().at(0).toString();
}

bool waitForSteps(TrainingPanel& panel, std::size_t steps, int timeoutMs = 300000) {
  QElapsedTimer clock;
  clock.start();
  while (panel.lossValues().size() < steps && panel.isTraining() && clock.elapsed() < timeoutMs)
    QTest::qWait(10);
  return panel.lossValues().size() >= steps;
}

}  // namespace

class TrainingPanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void shortTrainingFillsCurveAndMetrics() {
    TrainingPanel panel;
    panel.resize(600, 900);
    panel.show();
    panel.loadDemo();
    panel.setEpochs(4);
    QSignalSpy started(&panel, &TrainingPanel::trainingStarted);
    panel.train();
    QCOMPARE(started.count(), 1);
    QVERIFY(panel.isTraining());
    const QString result = waitFinished(panel);
    QCOMPARE(result, QStringLiteral("completed 4 steps"));

    // One curve point per step, finite and falling (the seed's label loss from the exact fit).
    QCOMPARE(panel.lossValues().size(), std::size_t{4});
    QVERIFY(panel.lossValues().back() < panel.lossValues().front());
    const auto& curve = panel.lossView()->model();
    QCOMPARE(curve.curves.size(), std::size_t{1});
    QCOMPARE(curve.curves.front().points.size(), std::size_t{4});
    QCOMPARE(curve.curves.front().points.back().y(), panel.lossValues().back());
    // Coalesced: never more redraws than steps + the initial and final ones.
    QVERIFY2(panel.curveRedraws() <= 4 + 3, qPrintable(QString::number(panel.curveRedraws())));

    // Metrics table: rows loss, calls, f1, labels, precision, recall; columns before, after, exact pipeline.
    QTableWidget* table = panel.metricsTable();
    QCOMPARE(table->columnCount(), 3);
    QCOMPARE(table->horizontalHeaderItem(2)->text(), QStringLiteral("exact pipeline (padj < 0.05)"));
    int f1Row = -1;
    for (int r = 0; r < table->rowCount(); ++r)
      if (table->verticalHeaderItem(r)->text() == "f1") f1Row = r;
    QVERIFY(f1Row >= 0);
    const double before = table->item(f1Row, 0)->text().toDouble(), after = table->item(f1Row, 1)->text().toDouble();
    qInfo("F1 before %.4f, after 4 steps %.4f, exact pipeline %s", before, after,
          qPrintable(table->item(f1Row, 2)->text()));
    QVERIFY(after > before);

    // Traces: every size factor and six watched genes, plus the metrics; the first metric is drawn.
    QVERIFY(panel.traceNames().contains("size_factor[control_1]"));
    QVERIFY(panel.traceNames().contains("metric: f1"));
    QCOMPARE(panel.traceView()->model().categories.size(), std::size_t{1});  // F1 is drawn by default
    QCOMPARE(panel.traceView()->model().categories.front().name, QStringLiteral("metric: f1"));
    panel.setShownTraces({"size_factor[control_1]", "size_factor[treatment_1]"});
    QCOMPARE(panel.traceView()->model().curves.size(), std::size_t{2});
    QCOMPARE(panel.traceView()->model().curves.front().points.size(), std::size_t{4});
    // For people reviewing the panel: build-*/test-scratch/training_panel/panel.png.
    panel.grab().save(QString::fromStdString((diffbio::test::scratchDir("training_panel") / "panel.png").string()));
  }

  void validationSplitAddsCurveMetricsAndTraces() {
    TrainingPanel panel;
    panel.loadDemo();
    panel.setEpochs(3);
    panel.setValidation(0.2, 5);
    panel.train();
    QCOMPARE(waitFinished(panel).left(18), QStringLiteral("completed 3 steps;"));
    // Loss and validation loss curves.
    QCOMPARE(panel.lossView()->model().curves.size(), std::size_t{2});
    QVERIFY(panel.traceNames().contains("metric: validation_f1"));
    // Rows validation_f1 etc. with before, after and the exact pipeline on the same 400 held-out genes.
    QTableWidget* table = panel.metricsTable();
    int row = -1;
    for (int r = 0; r < table->rowCount(); ++r)
      if (table->verticalHeaderItem(r)->text() == "validation_f1") row = r;
    QVERIFY(row >= 0);
    qInfo("validation F1 before %s, after 3 epochs %s, exact pipeline %s", qPrintable(table->item(row, 0)->text()),
          qPrintable(table->item(row, 1)->text()), qPrintable(table->item(row, 2)->text()));
    QVERIFY(table->item(row, 2)->text() != QStringLiteral("–"));
  }

  void pauseHoldsAndStopIsPrompt() {
    TrainingPanel panel;
    panel.loadDemo();
    panel.setEpochs(100000);
    panel.train();
    QVERIFY(waitForSteps(panel, 2));

    // Pause: at most the step in flight completes, then nothing for half a second.
    panel.togglePause();
    QTest::qWait(700);
    const std::size_t paused = panel.lossValues().size();
    QTest::qWait(500);
    QCOMPARE(panel.lossValues().size(), paused);
    panel.togglePause();
    QVERIFY(waitForSteps(panel, paused + 1));

    // Stop: measured from the click to the panel's report that the run has ended.
    QSignalSpy finished(&panel, &TrainingPanel::trainingFinished);
    QElapsedTimer clock;
    clock.start();
    panel.stop();
    QVERIFY(finished.wait(10000));
    const qint64 untilReported = clock.elapsed();
    const double onWorker = panel.lastStopLatencyMs().value_or(-1);
    qInfo("Stop -> run ended on the worker after %.0f ms; reported in the panel after %lld ms", onWorker,
          static_cast<long long>(untilReported));
    QVERIFY2(finished.takeFirst().at(0).toString().startsWith("cancelled after step"), "not cancelled");
    // Structural, not timed: the trainer checks the token before each step and between forward, backward and
    // update, so at most one step (one whose update was under way) is reported after Stop.
    QVERIFY2(panel.stepsAfterStop() <= 1, qPrintable(QString::number(panel.stepsAfterStop())));
    QVERIFY(!panel.isTraining());

    // The stopped run's checkpoint resumes where it stopped.
    const std::size_t done = panel.lossValues().size();
    QTemporaryDir dir;
    const QString saved = dir.path() + "/stopped.pt";
    QVERIFY(panel.saveCheckpoint(saved));
    QVERIFY(panel.loadCheckpoint(saved));
    panel.setEpochs(int(done) + 2);
    panel.train();
    QCOMPARE(waitFinished(panel), QStringLiteral("completed %1 steps").arg(done + 2));
    QCOMPARE(panel.lossValues().size(), std::size_t{2});  // only the new steps are drawn
  }
};

QTEST_MAIN(TrainingPanelTest)
#include "test_training_panel.moc"

// `diffbio train --demo de` end to end: the real binary, a short run, its files, its summary, and a resume.
#include "test_support.h"
#include "cli_runner.h"

#include <QProcess>

#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

using Run = diffbio::test::CliRun;
using diffbio::test::runDiffbio;

int lineCount(const fs::path& path) {
  std::ifstream in(path);
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  return lines;
}

}  // namespace

class CliTrainTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void demoTrainsWritesAndResumes() {
    const fs::path dir = diffbio::test::scratchDir("cli_train");
    const QString out = QString::fromStdString(dir.string());
    const Run run = runDiffbio({"train", "--demo", "de", "--epochs", "5", "--out", out});
    qInfo("%s", qPrintable(run.out));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(fs::exists(dir / "checkpoint.pt"));
    QCOMPARE(lineCount(dir / "training_log.tsv"), 6);  // header + 5 steps
    for (const char* line : {"before training", "after training", "exact pipeline", "precision", "F1"})
      QVERIFY2(run.out.contains(line), line);
    QVERIFY(run.out.contains("step    5/5"));

    // Resume to 10 epochs: starts at step 5, logs only the new steps.
    const Run resumed = runDiffbio({"train", "--demo", "de", "--epochs", "10", "--out", out, "--resume",
                                    out + "/checkpoint.pt"});
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    QVERIFY(resumed.out.contains("resumed at step 5 of 10"));
    QCOMPARE(lineCount(dir / "training_log.tsv"), 6);

    // Another seed's checkpoint is refused; usage errors exit 2.
    const Run mismatch = runDiffbio({"train", "--demo", "de", "--seed", "7", "--epochs", "6", "--out", out,
                                     "--resume", out + "/checkpoint.pt"});
    QCOMPARE(mismatch.exitCode, 2);
    QVERIFY2(mismatch.err.contains("another experiment"), qPrintable(mismatch.err));
    QCOMPARE(runDiffbio({"train", "pipeline.json"}).exitCode, 2);
    QCOMPARE(runDiffbio({"train", "--demo", "de", "--epochs", "x"}).exitCode, 2);
  }
};

QTEST_GUILESS_MAIN(CliTrainTest)
#include "test_cli_train.moc"

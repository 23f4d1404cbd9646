// `diffbio train` end to end with the real binary: the seed-000 demo (the bundled template's graph) for a few
// epochs, its files and before/after/exact summary; a resume that continues the log and equals an uninterrupted
// run byte for byte; a checkpoint of another problem refused; usage errors; and the template run by `diffbio run`.
#include "test_support.h"
#include "cli_runner.h"

#include <QProcess>

#include <fstream>
#include <sstream>
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

std::string fileText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

QString templatePath() {
  return QString(DIFFBIO_TEST_DATA) + "/../../resources/pipelines/de_training_demo.json";
}

}  // namespace

class CliTrainTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void demoTrainsWritesAndResumes() {
    const fs::path dir = diffbio::test::scratchDir("cli_train");
    const QString out = QString::fromStdString(dir.string());
    const Run run = runDiffbio({"train", "--demo", "de", "--epochs", "3", "--out", out});
    qInfo("%s", qPrintable(run.out));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(fs::exists(dir / "checkpoint.pt"));
    QCOMPARE(lineCount(dir / "training_log.tsv"), 4);  // header + 3 steps
    for (const char* line : {"before training", "after training", "exact pipeline (padj < 0.05)", "precision",
                             "recall", "f1", "step    3/3", "steps/s"})
      QVERIFY2(run.out.contains(line), line);

    // Resume to 6 epochs: starts at step 3 and the log continues; it equals an uninterrupted 6-epoch run's log.
    const Run resumed = runDiffbio({"train", "--demo", "de", "--epochs", "6", "--out", out, "--resume",
                                    out + "/checkpoint.pt"});
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    QVERIFY2(resumed.out.contains("resumed at step 3 of 6"), qPrintable(resumed.out));
    QCOMPARE(lineCount(dir / "training_log.tsv"), 7);
    const fs::path whole = diffbio::test::scratchDir("cli_train_whole");
    const Run uninterrupted =
        runDiffbio({"train", "--demo", "de", "--epochs", "6", "--out", QString::fromStdString(whole.string())});
    QVERIFY2(uninterrupted.exitCode == 0, qPrintable(uninterrupted.err));
    QCOMPARE(fileText(dir / "training_log.tsv"), fileText(whole / "training_log.tsv"));
    QCOMPARE(fileText(dir / "trained_results.tsv"), fileText(whole / "trained_results.tsv"));

    // The template with fewer genes is another problem: its node refuses the checkpoint (the node fails: exit 1).
    std::string text = fileText(templatePath().toStdString());
    const auto at = text.find("\"genes\": 2000");
    QVERIFY(at != std::string::npos);
    text.replace(at, 13, "\"genes\": 500");
    {
      std::ofstream smaller(dir / "smaller.json");
      smaller << text;
    }
    const Run mismatch = runDiffbio({"train", out + "/smaller.json", "--epochs", "6", "--out", out + "/other",
                                     "--resume", out + "/checkpoint.pt"});
    QCOMPARE(mismatch.exitCode, 1);
    QVERIFY2(mismatch.err.contains("another problem"), qPrintable(mismatch.err));
  }

  void usageErrors() {
    QCOMPARE(runDiffbio({"train", "no_such_pipeline.json"}).exitCode, 2);
    QCOMPARE(runDiffbio({"train", "--demo", "de", "--epochs", "x"}).exitCode, 2);
    QCOMPARE(runDiffbio({"train", "--demo", "de", "--lr", "-1"}).exitCode, 2);
    QCOMPARE(runDiffbio({"train", "--demo", "vae"}).exitCode, 2);
    const Run invalid = runDiffbio({"train", "--demo", "de", "--optimizer", "adagrad"});
    QCOMPARE(invalid.exitCode, 2);
    QVERIFY2(invalid.err.contains("optimizer"), qPrintable(invalid.err));
    const Run noTrainer = runDiffbio({"train", QString(DIFFBIO_TEST_DATA) + "/../../resources/pipelines/bulk_de.json"});
    QCOMPARE(noTrainer.exitCode, 2);
    QVERIFY2(noTrainer.err.contains("no training node"), qPrintable(noTrainer.err));
  }

  void templateRunsWithDiffbioRun() {
    const fs::path dir = diffbio::test::scratchDir("cli_train_run");
    const Run run = runDiffbio({"run", templatePath(), "--set", "train.epochs=2", "--out",
                                QString::fromStdString(dir.string())});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    QCOMPARE(lineCount(dir / "training_log.tsv"), 3);
    QVERIFY(fs::exists(dir / "checkpoint.pt"));
    QCOMPARE(lineCount(dir / "trained_results.tsv"), 2001);
  }
};

QTEST_GUILESS_MAIN(CliTrainTest)
#include "test_cli_train.moc"

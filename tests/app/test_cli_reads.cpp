// `diffbio reads trim` end to end: the real binary on the Trim Galore test reads against cutadapt 4.2's output, its
// JSON report, usage errors and bad input (exit 2, no output left behind).
#include "test_support.h"
#include "cli_runner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

using diffbio::test::readWholeFile;

using diffbio::test::runDiffbio;

QJsonObject readJson(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return QJsonDocument::fromJson(QByteArray::fromStdString(text.str())).object();
}

QString q(const fs::path& path) { return QString::fromStdString(path.string()); }

}  // namespace

class CliReadsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void trimMatchesCutadaptAndReports() {
    const fs::path dir = diffbio::test::scratchDir("cli_reads_trim");
    const std::string input = diffbio::test::sharedData("fastq_trimgalore_tests/illumina_10K.fastq.gz");
    const auto run = runDiffbio({"reads", "trim", "--in", QString::fromStdString(input), "--out", q(dir / "out.fq.gz"),
                                 "--quality", "20", "--adapter", "AGATCGGAAGAGC", "--error-rate", "0.1",
                                 "--min-overlap", "1", "--min-length", "20", "--threads", "2", "--report",
                                 q(dir / "report.json")});
    qInfo("%s", qPrintable(run.out));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const std::string reference = diffbio::test::sharedData(
        "fastq_trimgalore_tests/reference_debian_fastp_cutadapt/cutadapt_trimgalore_params.fq.gz");
    QVERIFY(readWholeFile((dir / "out.fq.gz").string()) == readWholeFile(reference));
    QVERIFY(run.out.contains("reads written: 9923"));

    const QJsonObject report = readJson(dir / "report.json");
    QCOMPARE(report["reads_in"].toInteger(), 10000);
    QCOMPARE(report["reads_out"].toInteger(), 9923);
    QCOMPARE(report["too_short"].toInteger(), 77);
    QCOMPARE(report["bases_in"].toInteger(), 1500000);
    QCOMPARE(report["bases_quality_trimmed"].toInteger(), 13264);
    QCOMPARE(report["bases_out"].toInteger(), 1300218);
    const QJsonObject read1 = report["read1"].toObject();
    QCOMPARE(read1["reads_with_adapter"].toInteger(), 6382);
    const QJsonArray removed = read1["adapter"].toObject()["removed_lengths"].toArray();
    QCOMPARE(removed.first().toObject()["length"].toInteger(), 1);
    QCOMPARE(removed.first().toObject()["count"].toInteger(), 2549);
    // Per-position quality of the 150 input positions; trimming raises the mean quality of what is written.
    const QJsonObject in = read1["quality_in"].toObject(), out = read1["quality_out"].toObject();
    QCOMPARE(in["per_position_mean"].toArray().size(), 150);
    QVERIFY(out["fraction_q20"].toDouble() > in["fraction_q20"].toDouble());
  }

  void pairedTrim() {
    const fs::path dir = diffbio::test::scratchDir("cli_reads_pair");
    const std::string base = diffbio::test::sharedData("fastq_trimgalore_tests/");
    const auto run = runDiffbio({"reads", "trim", "--in", QString::fromStdString(base + "clock_10K_R1.fastq.gz"),
                                 "--in2", QString::fromStdString(base + "clock_10K_R2.fastq.gz"), "--out",
                                 q(dir / "r1.fq.gz"), "--out2", q(dir / "r2.fq.gz"), "--quality", "20", "--adapter",
                                 "AGATCGGAAGAGC", "--adapter2", "AGATCGGAAGAGC", "--min-overlap", "1",
                                 "--min-length", "20", "--threads", "2", "--qc-dir", q(dir / "qc")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    for (const char* png : {"quality_before_r1.png", "quality_after_r2.png", "lengths_r1.png", "adapter_content_r2.png",
                            "retention.png"})
      QVERIFY2(fs::file_size(dir / "qc" / png) > 1000, png);
    const std::string ref = base + "reference_debian_fastp_cutadapt/";
    QVERIFY(readWholeFile((dir / "r1.fq.gz").string()) == readWholeFile(ref + "cutadapt_pe.R1.fq.gz"));
    QVERIFY(readWholeFile((dir / "r2.fq.gz").string()) == readWholeFile(ref + "cutadapt_pe.R2.fq.gz"));
    QVERIFY(run.out.contains("pairs written: 9959"));
  }

  // The template of seed 003's pipeline validates and runs headless, including the threshold-learning node.
  void templateRuns() {
    const fs::path dir = diffbio::test::scratchDir("cli_reads_template");
    const fs::path pipeline =
        fs::path(DIFFBIO_TEST_DATA).parent_path().parent_path() / "resources" / "pipelines" / "reads_preprocessing.json";
    const auto run = runDiffbio({"run", q(pipeline), "--out", q(dir)});
    qInfo("%s", qPrintable(run.out));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err + run.out));
    auto lines = [](const fs::path& path) {
      std::ifstream in(path);
      int count = 0;
      for (std::string line; std::getline(in, line);) ++count;
      return count;
    };
    QCOMPARE(lines(dir / "read_summary.tsv"), 101);   // header + 100 reads
    QCOMPARE(lines(dir / "training_log.tsv"), 51);    // header + 50 steps
  }

  void usageErrors() {
    QCOMPARE(runDiffbio({"reads", "trim", "--out", "x.fq"}).exitCode, 2);                // no --in
    QCOMPARE(runDiffbio({"reads", "trim", "--in", "a.fq", "--out", "b.fq", "--adapter", "^ACGT"}).exitCode, 2);
    QCOMPARE(runDiffbio({"reads", "trim", "--in", "a.fq", "--out", "b.fq", "--threads", "0"}).exitCode, 2);
    QCOMPARE(runDiffbio({"reads", "polish"}).exitCode, 2);
    const auto help = runDiffbio({"reads", "trim", "--help"});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("--adapter2"));
  }

  void badInputExitsTwoWithoutOutput() {
    const fs::path dir = diffbio::test::scratchDir("cli_reads_bad");
    const std::string bad = diffbio::test::testData("bad/fastq/");
    auto run = runDiffbio({"reads", "trim", "--in", QString::fromStdString(bad + "seq_qual_length_mismatch.fq"),
                           "--out", q(dir / "out.fq.gz"), "--adapter", "AGATCGGAAGAGC"});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("read 3 (line 12)"), qPrintable(run.err));
    run = runDiffbio({"reads", "trim", "--in", QString::fromStdString(bad + "pair_names_R1.fq"), "--in2",
                      QString::fromStdString(bad + "pair_names_R2.fq"), "--out", q(dir / "o1.fq"), "--out2",
                      q(dir / "o2.fq"), "--report", q(dir / "report.json")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("does not match its mate"), qPrintable(run.err));
    QVERIFY(fs::is_empty(dir));
  }
};

QTEST_GUILESS_MAIN(CliReadsTest)
#include "test_cli_reads.moc"

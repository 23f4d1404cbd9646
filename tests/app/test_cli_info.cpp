// `diffbio info` end to end: the real binary on real files, its exit codes and its error messages.
#include "test_support.h"
#include "cli_runner.h"

#include <QProcess>

using diffbio::test::sharedData;

namespace {

using Run = diffbio::test::CliRun;
using diffbio::test::runDiffbio;

}  // namespace

class CliInfoTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void describesPasilla() {
    const Run run = runDiffbio({"info", QString::fromStdString(sharedData("pasilla/pasilla_gene_counts.tsv"))});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("14599 genes x 7 samples"), qPrintable(run.out));
    QVERIFY(run.out.contains("integer counts"));
    QVERIFY(run.out.contains("untreated1"));
    QVERIFY(run.out.contains("FBgn0000003"));
  }

  void describesAnH5adWithItsAnnotations() {
    const Run run = runDiffbio(
        {"info", QString::fromStdString(sharedData("sc_pbmc68k_reduced_scanpy/10x_pbmc68k_reduced.h5ad"))});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("765 genes x 700 cells"), qPrintable(run.out));
    QVERIFY(run.out.contains("bulk_labels"));
    QVERIFY(run.out.contains("X_umap (700 x 2)"));
  }

  void describesReads() {
    const Run run =
        runDiffbio({"info", QString::fromStdString(sharedData("fastq_trimgalore_tests/illumina_10K.fastq.gz"))});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("reads:     10000"), qPrintable(run.out));
    QVERIFY(run.out.contains("Phred+33"));
  }

  void describesAPair() {
    const Run run = runDiffbio({"info", QString::fromStdString(sharedData("fastq_fastp_testdata/R1.fq")),
                                QString::fromStdString(sharedData("fastq_fastp_testdata/R2.fq"))});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("9 pairs"), qPrintable(run.out));
  }

  void badInputExitsWithCodeTwoAndNamesTheFile() {
    const Run missing = runDiffbio({"info", "/nonexistent/counts.tsv"});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY(missing.err.contains("/nonexistent/counts.tsv"));
    QVERIFY(missing.err.contains("fix:"));
    const Run usage = runDiffbio({"info", "--no-such-option", "x"});
    QCOMPARE(usage.exitCode, 2);
    QVERIFY(usage.err.contains("unknown option --no-such-option"));
  }
};

QTEST_GUILESS_MAIN(CliInfoTest)
#include "test_cli_info.moc"

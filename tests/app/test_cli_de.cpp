// `diffbio de` end to end: the real binary on the bundled pasilla demo, and its errors for bad input.
#include "test_support.h"
#include "cli_runner.h"

#include <QProcess>

#include <fstream>
#include <random>

namespace fs = std::filesystem;

namespace {

using Run = diffbio::test::CliRun;
using diffbio::test::runDiffbio;

QString resource(const char* name) { return QString(DIFFBIO_TEST_DATA) + "/../../resources/demo/" + name; }

// A small experiment: 200 genes x 6 samples of overdispersed counts (gamma-Poisson), the first 20 genes up in
// s4-s6, written as TSV.
void writeCounts(const fs::path& path, bool fractional = false) {
  std::mt19937 rng(5);
  std::ofstream out(path);
  out << "gene_id\ts1\ts2\ts3\ts4\ts5\ts6\n";
  for (int g = 0; g < 200; ++g) {
    out << "g" << g;
    const double mean = 10.0 + 5.0 * (g % 37);
    for (int j = 0; j < 6; ++j) {
      const double mu = mean * (j >= 3 && g < 20 ? 4.0 : 1.0);
      const double rate = std::gamma_distribution<double>(10.0, mu / 10.0)(rng);
      out << '\t' << std::poisson_distribution<int>(rate)(rng) << (fractional && g == 3 && j == 2 ? ".5" : "");
    }
    out << '\n';
  }
}

void writeSheet(const fs::path& path, const std::vector<std::string>& rows) {
  std::ofstream out(path);
  out << "sample,condition,batch\n";
  for (const auto& row : rows) out << row << '\n';
}

const std::vector<std::string> kGoodSheet = {"s1,ctrl,a", "s2,ctrl,b", "s3,ctrl,a", "s4,trt,b", "s5,trt,a", "s6,trt,b"};

}  // namespace

class CliDeTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pasillaDemoReproducesDeseq2Summary() {
    const auto dir = diffbio::test::scratchDir("cli_de_pasilla");
    const QString out = QString::fromStdString((dir / "results.tsv").string());
    const Run run = runDiffbio({"de", "--counts", resource("pasilla_gene_counts.tsv.gz"), "--samples",
                             resource("pasilla_sample_annotation.csv"), "--design", "~ type + condition",
                             "--contrast", "condition,treated,untreated", "--out", out, "--vst-out",
                             QString::fromStdString((dir / "vst.tsv").string())});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    // DESeq2 1.38.3 summary.txt for ~type+condition: 1330 genes padj < 0.1 (613 up, 717 down), 3560 low counts.
    QVERIFY2(run.out.contains("genes with padj < 0.1: 1330 (613 up, 717 down)"), qPrintable(run.out));
    QVERIFY(run.out.contains("low counts (independent filtering): 3560"));
    QVERIFY(run.err.contains("untreated1fb -> untreated1"));  // the sample-sheet mapping is shown
    std::ifstream results(out.toStdString());
    std::string header;
    std::getline(results, header);
    QCOMPARE(header, std::string("gene_id\tbaseMean\tlog2FoldChange\tlfcSE\tstat\tpvalue\tpadj\tnote"));
    QVERIFY(fs::exists(dir / "vst.tsv"));
  }

  void likelihoodRatioTestWithReducedDesign() {
    const auto dir = diffbio::test::scratchDir("cli_de_lrt");
    const QString out = QString::fromStdString((dir / "results.tsv").string());
    const Run run = runDiffbio({"de", "--counts", resource("pasilla_gene_counts.tsv.gz"), "--samples",
                             resource("pasilla_sample_annotation.csv"), "--design", "~ type + condition",
                             "--reduced", "~ type", "--contrast", "condition,treated,untreated", "--out", out});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    // DESeq2 1.38.3, nbinomLRT(reduced = ~type), results(alpha = 0.1) counted from
    // design_type_condition_results_LRT_reduced_type.csv.gz: 1335 genes padj < 0.1 (618 up, 717 down), 3797 genes
    // with a p-value but padj NA (independent filtering).
    QVERIFY2(run.out.contains("genes with padj < 0.1: 1335 (618 up, 717 down)"), qPrintable(run.out));
    QVERIFY(run.out.contains("low counts (independent filtering): 3797"));
    QVERIFY2(run.out.contains("(LRT test;"), qPrintable(run.out));  // the summary names the test that ran
  }

  void nonIntegerCountsAreRefusedUnlessRounded() {
    const auto dir = diffbio::test::scratchDir("cli_de_round");
    writeCounts(dir / "counts.tsv", true);
    writeSheet(dir / "samples.csv", kGoodSheet);
    const QStringList common = {"de", "--counts", QString::fromStdString((dir / "counts.tsv").string()), "--samples",
                                QString::fromStdString((dir / "samples.csv").string()), "--design", "~ condition",
                                "--contrast", "condition,trt,ctrl", "--out",
                                QString::fromStdString((dir / "out.tsv").string())};
    const Run refused = runDiffbio(common);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(refused.err.contains("not whole numbers") && refused.err.contains("--round"), qPrintable(refused.err));
    QVERIFY(!fs::exists(dir / "out.tsv"));
    const Run rounded = runDiffbio(QStringList(common) << "--round");
    QVERIFY2(rounded.exitCode == 0, qPrintable(rounded.err));
    QVERIFY(rounded.err.contains("rounded"));
    QVERIFY(fs::exists(dir / "out.tsv"));
  }

  void designProblemsAreExplained_data() {
    QTest::addColumn<QString>("design");
    QTest::addColumn<QStringList>("sheet");
    QTest::addColumn<QString>("expected");
    QTest::newRow("one level") << "~ condition"
                               << QStringList{"s1,ctrl,a", "s2,ctrl,b", "s3,ctrl,a", "s4,ctrl,b", "s5,ctrl,a",
                                              "s6,ctrl,b"}
                               << "single level";
    QTest::newRow("confounded") << "~ batch + condition"
                                << QStringList{"s1,ctrl,a", "s2,ctrl,a", "s3,ctrl,a", "s4,trt,b", "s5,trt,b",
                                               "s6,trt,b"}
                                << "confounded";
    QTest::newRow("missing sample") << "~ condition"
                                    << QStringList{"s1,ctrl,a", "s2,ctrl,b", "s3,ctrl,a", "s4,trt,b", "s5,trt,a"}
                                    << "s6";
  }

  void designProblemsAreExplained() {
    QFETCH(QString, design);
    QFETCH(QStringList, sheet);
    QFETCH(QString, expected);
    const auto dir = diffbio::test::scratchDir("cli_de_design");
    writeCounts(dir / "counts.tsv");
    std::vector<std::string> rows;
    for (const auto& r : sheet) rows.push_back(r.toStdString());
    writeSheet(dir / "samples.csv", rows);
    const Run run = runDiffbio({"de", "--counts", QString::fromStdString((dir / "counts.tsv").string()), "--samples",
                             QString::fromStdString((dir / "samples.csv").string()), "--design", design, "--contrast",
                             "condition,trt,ctrl", "--out", QString::fromStdString((dir / "out.tsv").string())});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(expected, Qt::CaseInsensitive), qPrintable(run.err));
    QVERIFY2(run.err.contains("samples.csv"), qPrintable(run.err));
    QVERIFY(!fs::exists(dir / "out.tsv"));
  }
};

QTEST_GUILESS_MAIN(CliDeTest)
#include "test_cli_de.moc"

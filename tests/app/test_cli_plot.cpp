// `diffbio plot` end to end on reference data: dispersion and PCA figures from DESeq2's pasilla outputs, an
// embedding from scanpy's pbmc68k UMAP coloured by a column, and usage errors that exit 2 without writing.
#include <QtTest/QtTest>

#include "cli_runner.h"
#include "test_support.h"

using namespace diffbio::test;

namespace {
const std::string kReference = "pasilla/deseq2_1.38.3_reference/";
const std::string kPbmc = "sc_pbmc68k_reduced_scanpy/plain_export/";
}  // namespace

class CliPlotTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void dispersionFigure() {
    const auto dir = scratchDir("cli_plot_dispersion");
    const auto out = dir / "dispersion.svg";
    const CliRun run = runDiffbio({"plot", "dispersion",
                                   QString::fromStdString(sharedData(kReference + "design_condition_dispersions.csv.gz")),
                                   "--out", QString::fromStdString(out.string())});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("12359 genes"), qPrintable(run.out));
    const QByteArray svg = diffbio::test::readFileBytes(out);
    // Every gene twice (gene-wise and final) plus the three legend markers.
    QCOMPARE(svg.count("<ellipse") + svg.count("<circle"), qsizetype(2 * 12359 + 3));
    QVERIFY(svg.contains("outlier (108)"));
  }

  void pcaFigureColouredByCondition() {
    const auto dir = scratchDir("cli_plot_pca");
    const auto out = dir / "pca.png";
    const CliRun run = runDiffbio({"plot", "pca", QString::fromStdString(sharedData(kReference + "vst_blind.csv.gz")),
                                   "--samples", QString::fromStdString(sharedData(kReference + "coldata_used.csv")),
                                   "--color", "condition", "--out", QString::fromStdString(out.string()), "--dpi",
                                   "150", "--size", "100x80mm"});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains("7 samples; PC1: ") && run.out.contains("% variance, PC2: "), qPrintable(run.out));
    // The PNG header (IHDR: big-endian width and height at bytes 16 and 20): 100 x 80 mm at 150 dpi.
    const QByteArray png = diffbio::test::readFileBytes(out);
    QVERIFY(png.startsWith("\x89PNG"));
    auto be32 = [&](int at) {
      return (quint32(quint8(png[at])) << 24) | (quint32(quint8(png[at + 1])) << 16) |
             (quint32(quint8(png[at + 2])) << 8) | quint32(quint8(png[at + 3]));
    };
    QCOMPARE(be32(16), quint32(591));
    QCOMPARE(be32(20), quint32(472));

    const CliRun bad = runDiffbio({"plot", "pca", QString::fromStdString(sharedData(kReference + "vst_blind.csv.gz")),
                                   "--samples", QString::fromStdString(sharedData(kReference + "coldata_used.csv")),
                                   "--color", "batch", "--out", QString::fromStdString((dir / "bad.png").string())});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("no column 'batch'") && bad.err.contains("condition, type"), qPrintable(bad.err));
    QVERIFY(!std::filesystem::exists(dir / "bad.png"));
  }

  void embeddingFigureAndCsv() {
    const auto dir = scratchDir("cli_plot_embedding");
    const auto out = dir / "umap.csv";
    const CliRun run = runDiffbio({"plot", "embedding", QString::fromStdString(sharedData(kPbmc + "X_umap.csv")),
                                   "--samples", QString::fromStdString(sharedData(kPbmc + "obs.csv")), "--color",
                                   "louvain", "--out", QString::fromStdString(out.string())});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.contains("700 points"));
    const QList<QByteArray> lines = diffbio::test::readFileBytes(out).trimmed().split('\n');
    QCOMPARE(lines.size(), 701);
    QCOMPARE(lines[0], QByteArray("name,UMAP1,UMAP2,category"));
    QCOMPARE(lines[1], QByteArray("AAAGCCTGGCTAAC-1,-1.991863,8.576417,1"));  // louvain cluster 1 in obs.csv

    const CliRun unknown = runDiffbio({"plot", "heatmap", "x.tsv", "--out", "x.png"});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains("unknown plot 'heatmap'"));
  }

  void runWritesFiguresNextToTables() {
    const auto dir = scratchDir("cli_plot_run_figures");
    const QString pipeline = QString(DIFFBIO_TEST_DATA) + "/../../resources/pipelines/bulk_de_figures.json";
    const CliRun run = runDiffbio({"run", pipeline, "--out", QString::fromStdString(dir.string())});
    QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
    for (const char* file : {"results.tsv", "volcano.pdf", "ma.pdf", "qq.pdf", "pvalue_histogram.pdf", "pca.pdf"})
      QVERIFY2(diffbio::test::readFileBytes(dir / file).size() > 1000, file);
    QVERIFY(diffbio::test::readFileBytes(dir / "volcano.pdf").startsWith("%PDF-"));
    QVERIFY(diffbio::test::readFileBytes(dir / "dispersion.png").startsWith("\x89PNG"));
  }
};

QTEST_MAIN(CliPlotTest)
#include "test_cli_plot.moc"

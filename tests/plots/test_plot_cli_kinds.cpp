// The `diffbio plot` kinds added for count tables, training and reads, through the real binary: countdist with
// DESeq2's size factors equals countdist with our median of ratios (DESeq2's default) to 1e-6; counts gives DESeq2's
// normalised counts of one gene on plotCounts' scale; libsizes the column sums; training-comparison and
// quality-heatmap write their figures; usage errors exit 2.
#include <QtTest/QtTest>

#include <cmath>
#include <fstream>

#include "cli_runner.h"
#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "test_support.h"

using namespace diffbio;
using namespace diffbio::test;

namespace {

const std::string kReference = "pasilla/deseq2_1.38.3_reference/";

QString shared(const std::string& relative) { return QString::fromStdString(sharedData(relative)); }

std::vector<QList<QByteArray>> csvRows(const std::filesystem::path& path) {
  QFile file(QString::fromStdString(path.string()));
  std::vector<QList<QByteArray>> rows;
  if (!file.open(QIODevice::ReadOnly)) return rows;
  for (const QByteArray& line : file.readAll().trimmed().split('\n')) rows.push_back(line.split(','));
  return rows;
}

QString path(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

}  // namespace

class PlotCliKindsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void countKinds() {
    const auto dir = scratchDir("plot_cli_counts");
    const QString counts = shared("pasilla/pasilla_gene_counts.tsv");
    const QString sheet = shared("pasilla/pasilla_sample_annotation.csv");
    CliRun run = runDiffbio({"plot", "countdist", counts, "--samples", sheet, "--color", "condition", "--size-factors",
                             shared(kReference + "design_condition_size_factors.csv"), "--out", path(dir / "a.csv")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    run = runDiffbio({"plot", "countdist", counts, "--samples", sheet, "--color", "condition", "--out",
                      path(dir / "b.csv")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains("7 samples; 12,359 genes (2,240 with no counts left out)"), qPrintable(run.out));
    const auto a = csvRows(dir / "a.csv"), b = csvRows(dir / "b.csv");
    QCOMPARE(a.size(), std::size_t(8));
    QCOMPARE(a[1][1], QByteArray("untreated"));
    QCOMPARE(a[7][1], QByteArray("treated"));
    for (std::size_t r = 1; r < a.size(); ++r)
      for (int c = 2; c <= 6; ++c) QVERIFY(std::abs(a[r][c].toDouble() - b[r][c].toDouble()) < 1e-6);
    QVERIFY(!run.err.contains("error"));
    run = runDiffbio({"plot", "countdist", counts, "--out", path(dir / "c.png"), "--size", "100x70mm", "--dpi", "150"});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(QImage(path(dir / "c.png")).width(), int(std::lround(100 / 25.4 * 150)));

    // One gene: log10(DESeq2's normalised count + 0.5) per sample.
    run = runDiffbio({"plot", "counts", counts, "--gene", "FBgn0000008", "--samples", sheet, "--color", "condition",
                      "--size-factors", shared(kReference + "design_condition_size_factors.csv"), "--out",
                      path(dir / "gene.csv")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const data::Table normalised = io::readSampleSheet(sharedData(kReference + "design_condition_normalized_counts.csv.gz"));
    const auto& genes = normalised.rowNames();
    const auto gene = std::size_t(std::find(genes.begin(), genes.end(), "FBgn0000008") - genes.begin());
    const auto rows = csvRows(dir / "gene.csv");
    QCOMPARE(rows.size(), std::size_t(8));
    for (std::size_t r = 1; r < rows.size(); ++r)
      QVERIFY(std::abs(rows[r][2].toDouble() -
                       std::log10(*normalised.column(rows[r][0].toStdString()).number(gene) + 0.5)) < 1e-9);

    run = runDiffbio({"plot", "libsizes", counts, "--out", path(dir / "lib.csv")});
    QCOMPARE(run.exitCode, 0);
    const io::LoadedCounts loaded = io::readCounts(sharedData("pasilla/pasilla_gene_counts.tsv"));
    QVERIFY(std::abs(csvRows(dir / "lib.csv")[1][2].toDouble() - loaded.matrix.obsSums()(0) / 1e6) < 1e-12);

    QCOMPARE(runDiffbio({"plot", "counts", counts, "--out", path(dir / "x.png")}).exitCode, 2);  // no --gene
    run = runDiffbio({"plot", "counts", counts, "--gene", "NOPE", "--out", path(dir / "x.png")});
    QCOMPARE(run.exitCode, 2);  // bad input, like a bad option: nothing written
    QVERIFY(run.err.contains("NOPE"));
    QVERIFY(!std::filesystem::exists(dir / "x.png"));
  }

  void trainingComparisonAndQualityHeatmap() {
    const auto dir = scratchDir("plot_cli_other");
    // "Trained" results with labels: pasilla's ~type + condition results, labelled by their own padj < 0.01.
    const data::Table after = io::readSampleSheet(sharedData(kReference + "design_type_condition_results_wald.csv.gz"));
    {
      std::ofstream out(dir / "trained.tsv");
      out.precision(17);
      out << "gene_id\tlog2FoldChange\tpvalue\tlabel\n";
      for (std::size_t g = 0; g < after.nRows(); ++g) {
        const auto lfc = after.column("log2FoldChange").number(g), p = after.column("pvalue").number(g);
        out << after.rowNames()[g] << '\t';
        if (lfc) out << *lfc; else out << "NA";
        out << '\t';
        if (p) out << *p; else out << "NA";
        out << '\t'
            << (after.column("padj").number(g).value_or(1) < 0.01 ? "TRUE" : "FALSE") << '\n';
      }
    }
    CliRun run = runDiffbio({"plot", "training-comparison", path(dir / "trained.tsv"), "--before",
                             shared(kReference + "design_condition_results_wald.csv.gz"), "--out", path(dir / "t.png"),
                             "--dpi", "100"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(run.out.contains("F1"));
    QCOMPARE(QImage(path(dir / "t.png")).width(), int(std::lround(180 / 25.4 * 100)));
    QCOMPARE(runDiffbio({"plot", "training-comparison", path(dir / "trained.tsv"), "--out", path(dir / "u.png")}).exitCode,
             2);  // no --before

    run = runDiffbio({"plot", "quality-heatmap", shared("fastq_trimgalore_tests/illumina_10K.fastq.gz"), "--reads", "500",
                      "--out", path(dir / "q.svg")});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains("500 of 10000 reads"), qPrintable(run.out));
    QFile svg(path(dir / "q.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    QCOMPARE(svg.readAll().count("<image"), qsizetype(1));
  }
};

QTEST_MAIN(PlotCliKindsTest)
#include "test_plot_cli_kinds.moc"

// Dispersion plot and sample PCA from DESeq2's own pasilla outputs: the dispersion plot holds every gene DESeq2
// estimated (12,359 with a non-zero count) twice (gene-wise, final), flags DESeq2's 108 dispersion outliers and
// draws the fitted trend; the PCA of the blind VST reproduces plotPCA's construction (top-500 rowVars, centred,
// unscaled) checked against sums computed independently here.
#include <QtTest/QtTest>

#include "core/io/sample_sheet.h"
#include "plots/bulk_qc_plots.h"
#include "test_support.h"

using namespace diffbio;
using namespace diffbio::plots;

namespace {
const std::string kReference = "pasilla/deseq2_1.38.3_reference/";
}

class BulkQcPlotsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void dispersionPlotOfDeseq2Estimates() {
    const data::Table table = io::readSampleSheet(test::sharedData(kReference + "design_condition_dispersions.csv.gz"));
    const PlotModel model = dispersionPlot(table);
    std::size_t geneWise = 0, final = 0, outliers = 0;
    for (int c : model.points.category) (c == kGeneWise ? geneWise : c == kFinal ? final : outliers)++;
    QCOMPARE(geneWise, std::size_t(12359));
    QCOMPARE(final + outliers, std::size_t(12359));
    QCOMPARE(outliers, std::size_t(108));
    // The trend: one point per gene, increasing mean, and the value DESeq2 stored (dispFit) on a log10 scale.
    const Curve& trend = model.curves.at(0);
    QCOMPARE(trend.points.size(), std::size_t(12359));
    for (std::size_t i = 1; i < trend.points.size(); ++i) QVERIFY(trend.points[i].x() >= trend.points[i - 1].x());
    const auto& fit = table.column("dispFit").floats();
    const auto& mean = table.column("baseMean").floats();
    const std::size_t fbgn8 = 1;  // FBgn0000008: baseMean 95.144, dispFit 0.042578
    QCOMPARE(table.rowNames()[fbgn8], std::string("FBgn0000008"));
    bool found = false;
    for (const auto& p : trend.points)
      if (std::abs(p.x() - std::log10(mean[fbgn8])) < 1e-12) {
        QVERIFY(std::abs(p.y() - std::log10(fit[fbgn8])) < 1e-12);
        found = true;
      }
    QVERIFY(found);
    DIFFBIO_EXPECT_INPUT_ERROR(
        dispersionPlot(io::readSampleSheet(test::sharedData(kReference + "design_condition_size_factors.csv")), "sf"),
        "no column 'baseMean'");
  }

  void samplePcaAsPlotPca() {
    const data::Table vst = io::readSampleSheet(test::sharedData(kReference + "vst_blind.csv.gz"));
    const SamplePca pca = samplePca(vst, 500);
    QCOMPARE(pca.samples.size(), std::size_t(7));
    QCOMPARE(pca.genes.size(), std::size_t(500));
    QCOMPARE(pca.scores.size(), std::size_t(7));
    // Independent rowVars: the 500 chosen genes have the largest variances, and their sum times (n - 1) is the
    // total of the components' sums of squares.
    std::vector<double> variance(vst.nRows());
    for (std::size_t g = 0; g < vst.nRows(); ++g) {
      double m = 0;
      for (const auto& c : vst.columns()) m += c.floats()[g] / 7;
      for (const auto& c : vst.columns()) variance[g] += (c.floats()[g] - m) * (c.floats()[g] - m) / 6;
    }
    std::vector<double> sorted = variance;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    double top = 0;
    for (std::size_t g : pca.genes) top += variance[g];
    double expectedTop = 0;
    for (std::size_t k = 0; k < 500; ++k) expectedTop += sorted[k];
    QVERIFY(std::abs(top - expectedTop) < 1e-9 * expectedTop);
    double totalSquares = 0, fractions = 0;
    for (std::size_t k = 0; k < 7; ++k) {
      double sum = 0, squares = 0;
      for (double s : pca.scores[k]) sum += s, squares += s * s;
      QVERIFY(std::abs(sum) < 1e-8);  // centred
      totalSquares += squares;
      fractions += pca.varianceFraction[k];
      if (k) QVERIFY(pca.varianceFraction[k] <= pca.varianceFraction[k - 1] + 1e-12);
    }
    QVERIFY(std::abs(totalSquares - 6 * expectedTop) < 1e-8 * totalSquares);
    QVERIFY(std::abs(fractions - 1) < 1e-12);
    for (std::size_t a = 0; a < 3; ++a)  // components are orthogonal
      for (std::size_t b = a + 1; b < 3; ++b) {
        double dot = 0;
        for (std::size_t s = 0; s < 7; ++s) dot += pca.scores[a][s] * pca.scores[b][s];
        QVERIFY(std::abs(dot) < 1e-8 * totalSquares);
      }

    const data::Table coldata = io::readSampleSheet(test::sharedData(kReference + "coldata_used.csv"));
    std::vector<std::string> condition;
    for (std::size_t s = 0; s < 7; ++s) condition.push_back(coldata.column("condition").text(s));
    QCOMPARE(coldata.rowNames(), pca.samples);
    const PlotModel model = pcaPlot(pca, condition, "condition");
    QVERIFY(model.xLabel.startsWith("PC1: ") && model.xLabel.endsWith("% variance"));
    QCOMPARE(model.xLabel, QStringLiteral("PC1: %1% variance").arg(std::lround(100 * pca.varianceFraction[0])));
    QCOMPARE(model.categories.size(), std::size_t(2));
    QCOMPARE(model.labelled.size(), std::size_t(7));
    QCOMPARE(model.points.names[4], QStringLiteral("treated1"));
  }

  void geneCountsByGroupAsPlotCounts() {
    const data::Table normalised =
        io::readSampleSheet(test::sharedData(kReference + "design_condition_normalized_counts.csv.gz"));
    const data::Table coldata = io::readSampleSheet(test::sharedData(kReference + "coldata_used.csv"));
    std::vector<std::string> condition;
    for (std::size_t s = 0; s < coldata.nRows(); ++s) condition.push_back(coldata.column("condition").text(s));
    const PlotModel model = geneCountsPlot(normalised, "FBgn0039155", condition);
    QCOMPARE(model.xCategories, (std::vector<QString>{"untreated", "treated"}));
    QCOMPARE(model.points.count(), std::size_t(7));
    const auto& rows = normalised.rowNames();
    const std::size_t row = std::size_t(std::find(rows.begin(), rows.end(), "FBgn0039155") - rows.begin());
    for (std::size_t s = 0; s < 7; ++s) {
      QCOMPARE(model.points.y[s], std::log10(normalised.column(s).floats()[row] + 0.5));
      const double group = s < 4 ? 0 : 1;  // untreated1-4, then treated1-3
      QVERIFY(std::abs(model.points.x[s] - group) <= 0.2 + 1e-12);
    }
    // The most significant gene of pasilla: every treated sample far below every untreated one.
    for (std::size_t a = 0; a < 4; ++a)
      for (std::size_t b = 4; b < 7; ++b) QVERIFY(model.points.y[a] > model.points.y[b] + 0.5);
    DIFFBIO_EXPECT_INPUT_ERROR(geneCountsPlot(normalised, "FBgn_missing", condition, "n.csv"), "no gene");
  }

  void librarySizesAndSeedExploration() {
    const data::Table counts = io::readSampleSheet(test::sharedData("pasilla/pasilla_gene_counts.tsv"));
    std::vector<std::string> samples;
    std::vector<double> totals;
    for (const auto& column : counts.columns()) {
      samples.push_back(column.name());
      double total = 0;
      for (std::size_t g = 0; g < counts.nRows(); ++g) total += *column.number(g);
      totals.push_back(total);
    }
    const PlotModel sizes = librarySizesPlot(samples, totals);
    QCOMPARE(sizes.xCategories.size(), std::size_t(7));
    QCOMPARE(sizes.bars.heights.front(), totals.front() / 1e6);
    QCOMPARE(sizes.bars.heights.back(), totals.back() / 1e6);
    QCOMPARE(sizes.bars.edges.size(), sizes.bars.heights.size() + 1);

    const data::Table normalised =
        io::readSampleSheet(test::sharedData(kReference + "design_condition_normalized_counts.csv.gz"));
    std::vector<double> control(normalised.nRows()), treatment(normalised.nRows()), lfc;
    for (std::size_t g = 0; g < normalised.nRows(); ++g) {
      for (std::size_t s = 0; s < 4; ++s) control[g] += normalised.column(s).floats()[g] / 4;
      for (std::size_t s = 4; s < 7; ++s) treatment[g] += normalised.column(s).floats()[g] / 3;
      if (control[g] > 0 && treatment[g] > 0) lfc.push_back(std::log2(treatment[g] / control[g]));
    }
    const PlotModel means = groupMeansPlot(control, treatment, normalised.rowNames());
    QCOMPARE(means.points.count(), normalised.nRows());
    QCOMPARE(means.points.y[1], std::log10(treatment[1] + 1));
    const PlotModel histogram = foldChangeHistogram(lfc, 0.25);
    double binned = 0;
    for (double h : histogram.bars.heights) binned += h;
    QCOMPARE(binned, double(lfc.size()));
    QCOMPARE(histogram.note, QStringLiteral("%1 genes").arg(lfc.size()));
  }
};

QTEST_MAIN(BulkQcPlotsTest)
#include "test_bulk_qc_plots.moc"

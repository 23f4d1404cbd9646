// DE plots from results: categories and counts, thresholds, labels, the p-value histogram, and the Q-Q statistics.
#include "test_support.h"

#include <cmath>
#include <random>

#include "core/io/sample_sheet.h"
#include "plots/de_plots.h"
#include "plots/qq_statistics.h"

using namespace diffbio::plots;

namespace {

DeResults fiveGenes() {
  DeResults r;
  r.genes = {"up1", "down1", "smallFold", "notSig", "untested"};
  r.baseMean = {100, 50, 200, 10, 0};
  r.log2FoldChange = {2.5, -3, 0.4, 4, std::nan("")};
  r.pvalue = {1e-10, 1e-6, 1e-8, 0.2, std::nan("")};
  r.padj = {1e-9, 1e-5, 1e-7, 0.4, std::nan("")};
  return r;
}

}  // namespace

class DePlotsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void volcanoCategoriesAndThresholds() {
    DePlotOptions options;
    options.labelTop = 2;
    const PlotModel m = volcanoPlot(fiveGenes(), options);
    QCOMPARE(m.points.category, (std::vector<int>{kUp, kDown, kNotSignificant, kNotSignificant, kNotSignificant}));
    QCOMPARE(m.points.y[0], 10.0);
    QVERIFY(std::isnan(m.points.y[4]));
    // Lines at ±1 and at -log10 of the largest p still called significant (1e-6, down1).
    int vertical = 0;
    for (const auto& line : m.lines) {
      if (line.orientation == ReferenceLine::Orientation::Vertical) {
        QCOMPARE(std::abs(line.value), 1.0);
        ++vertical;
      } else {
        QCOMPARE(line.value, 6.0);
      }
    }
    QCOMPARE(vertical, 2);
    QCOMPARE(m.labelled, (std::vector<std::size_t>{0, 2}));  // smallest p first
  }

  void volcanoOnPadjDrawsTheCutAtAlpha() {
    DePlotOptions options;
    options.volcanoUsesPadj = true;
    options.alpha = 0.01;
    const PlotModel m = volcanoPlot(fiveGenes(), options);
    QCOMPARE(m.lines.back().value, 2.0);
    QCOMPARE(m.yLabel, QString("-log10 adjusted p-value"));
  }

  void pZeroIsKeptAtTheTop() {
    DeResults r = fiveGenes();
    r.pvalue[0] = 0;
    const PlotModel m = volcanoPlot(r);
    QCOMPARE(m.points.y[0], 8.0);  // at the smallest positive p (1e-8)
    QVERIFY(m.note.contains("1 genes with p = 0"));
  }

  void maPlotDropsZeroMeans() {
    const PlotModel m = maPlot(fiveGenes());
    QCOMPARE(m.points.x[0], 2.0);
    QVERIFY(std::isnan(m.points.x[4]));
    QCOMPARE(m.points.category[2], int(kUp));  // the MA plot colours by padj alone
  }

  void histogramCountsEveryTestedGene() {
    DeResults r;
    for (int i = 0; i <= 100; ++i) {
      r.genes.push_back("g" + std::to_string(i));
      r.pvalue.push_back(i / 100.0);  // 0, 0.01, ..., 1
    }
    r.pvalue.push_back(std::nan(""));
    r.genes.push_back("na");
    r.baseMean = r.log2FoldChange = r.padj = std::vector<double>(r.genes.size(), 1);
    const PlotModel m = pvalueHistogram(r);
    QCOMPARE(int(m.bars.heights.size()), 20);
    double total = 0;
    for (double h : m.bars.heights) total += h;
    QCOMPARE(total, 101.0);
    QCOMPARE(m.bars.heights.back(), 6.0);  // 0.95 .. 1.00 inclusive of p = 1
  }

  void lambdaOfUniformPValuesIsOne() {
    std::mt19937_64 random(20261121);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::vector<double> p(100000);
    for (double& v : p) v = uniform(random);
    const double lambda = genomicInflation(p);
    QVERIFY2(std::abs(lambda - 1) < 0.05, qPrintable(QString::number(lambda)));
  }

  void lambdaKnownValues() {
    QVERIFY(std::abs(genomicInflation({0.5}) - 1) < 1e-12);  // the χ²₁ median is the χ² of p = 0.5
    // p = 0.05 has χ²₁ = 3.8415 (the 5 % critical value).
    QVERIFY(std::abs(genomicInflation({0.05, std::nan("")}) - 3.841459 / 0.4549364) < 1e-5);
    // Inflated statistics (χ² scaled by 1.5) give λ ≈ 1.5.
    std::mt19937_64 random(7);
    std::normal_distribution<double> normal(0, std::sqrt(1.5));
    std::vector<double> p(50000);
    for (double& v : p) v = std::erfc(std::abs(normal(random)) / std::sqrt(2.0));
    QVERIFY(std::abs(genomicInflation(p) - 1.5) < 0.05);
  }

  void qqBandHoldsUniformPValues() {
    std::mt19937_64 random(11);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::vector<double> p(20000);
    for (double& v : p) v = uniform(random);
    std::sort(p.begin(), p.end());
    const QqBand band = qqBand(p.size(), 400);
    QVERIFY(band.expected.size() > 100);
    // At each sampled rank the band contains the observed order statistic about 95 % of the time.
    int inside = 0;
    for (std::size_t k = 0; k < band.expected.size(); ++k) {
      const std::size_t rank = std::size_t(std::llround(p.size() * std::pow(10.0, -band.expected[k]) + 0.5));
      const double observed = -std::log10(p[rank - 1]);
      QVERIFY(band.low[k] < band.expected[k] && band.expected[k] < band.high[k]);
      inside += observed >= band.low[k] && observed <= band.high[k];
    }
    QVERIFY(inside > 0.85 * band.expected.size());
  }

  void realResultsTable() {
    // 40 genes of the pasilla result (DiffBio `de`, ~ type + condition, treated vs untreated).
    const std::string path = std::string(DIFFBIO_TEST_DATA) + "/../plots/data/pasilla_results_40.tsv";
    const DeResults r = deResultsFromTable(diffbio::io::readSampleSheet(path), path);
    QCOMPARE(int(r.size()), 40);
    const PlotModel m = volcanoPlot(r);
    int up = 0, down = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
      const bool sig = r.padj[i] < 0.05 && std::abs(r.log2FoldChange[i]) >= 1;
      QCOMPARE(m.points.category[i], sig ? (r.log2FoldChange[i] > 0 ? int(kUp) : int(kDown)) : int(kNotSignificant));
      up += m.points.category[i] == kUp;
      down += m.points.category[i] == kDown;
    }
    QVERIFY(up > 0 && down > 0);
  }

  void missingColumnIsAnInputError() {
    diffbio::data::Table table(std::vector<std::string>{"a"});
    table.addColumn(diffbio::data::Column("pvalue", std::vector<double>{0.1}));
    DIFFBIO_EXPECT_INPUT_ERROR(deResultsFromTable(table, "x.tsv"), "no column 'baseMean'");
  }
};

QTEST_GUILESS_MAIN(DePlotsTest)
#include "test_de_plots.moc"

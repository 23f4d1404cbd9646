// Count distribution on pasilla: the boxes of log2(count / sizeFactor + 1) per sample, from the raw counts and
// DESeq2's size factors, equal type-7 quartiles computed here from DESeq2's own normalised counts; whiskers and
// outliers follow the 1.5 IQR rule; the picture has each box where the frame puts it, in its condition's colour;
// SVG/PDF/CSV hold every outlier and every box.
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "plots/count_distribution_plot.h"
#include "plots/figure_export.h"
#include "plots/plot_painter.h"
#include "test_support.h"

using namespace diffbio;
using namespace diffbio::plots;

namespace {

const std::string kReference = "pasilla/deseq2_1.38.3_reference/";

// R's quantile(type = 7) on sorted values, written out here independently of core/stats.
double type7(const std::vector<double>& sorted, double p) {
  const double h = (double(sorted.size()) - 1) * p;
  const auto lo = std::size_t(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

Eigen::VectorXd referenceSizeFactors(const std::vector<std::string>& samples) {
  const data::Table table = io::readSampleSheet(test::sharedData(kReference + "design_condition_size_factors.csv"));
  Eigen::VectorXd factors(Eigen::Index(samples.size()));
  for (std::size_t s = 0; s < samples.size(); ++s) {
    const auto& rows = table.rowNames();
    const auto at = std::size_t(std::find(rows.begin(), rows.end(), samples[s]) - rows.begin());
    factors(Eigen::Index(s)) = *table.column("sizeFactor").number(at);
  }
  return factors;
}

}  // namespace

class CountDistributionPlotTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void boxesEqualQuartilesOfDeseq2NormalisedCounts() {
    const io::LoadedCounts loaded = io::readCounts(test::sharedData("pasilla/pasilla_gene_counts.tsv"));
    const auto& samples = loaded.matrix.obsNames();
    QCOMPARE(samples.size(), std::size_t(7));
    const CountDistribution d = countDistribution(loaded.matrix, referenceSizeFactors(samples));
    const data::Table normalised =
        io::readSampleSheet(test::sharedData(kReference + "design_condition_normalized_counts.csv.gz"));
    // Genes with a count anywhere: the same set from the reference's normalised values.
    std::vector<std::size_t> kept;
    for (std::size_t g = 0; g < normalised.nRows(); ++g) {
      bool any = false;
      for (const auto& column : normalised.columns()) any = any || *column.number(g) != 0;
      if (any) kept.push_back(g);
    }
    QCOMPARE(d.genes.size(), kept.size());
    QCOMPARE(d.droppedAllZero, normalised.nRows() - kept.size());
    for (std::size_t s = 0; s < samples.size(); ++s) {
      const data::Column& column = normalised.column(samples[s]);
      std::vector<double> values;
      for (std::size_t g : kept) values.push_back(std::log2(*column.number(g) + 1));
      std::sort(values.begin(), values.end());
      const BoxStatistics& b = d.boxes[s];
      // DESeq2 wrote its normalised counts with 15 significant digits: 1e-9 on log2 values is far above that.
      QVERIFY2(std::abs(b.q1 - type7(values, 0.25)) < 1e-9, samples[s].c_str());
      QVERIFY(std::abs(b.median - type7(values, 0.5)) < 1e-9);
      QVERIFY(std::abs(b.q3 - type7(values, 0.75)) < 1e-9);
      const double reach = 1.5 * (b.q3 - b.q1);
      std::size_t beyond = 0;
      double highestInside = -1;
      for (double v : values) {
        if (v > b.q3 + reach + 1e-9 || v < b.q1 - reach - 1e-9) ++beyond;
        else highestInside = std::max(highestInside, v);
      }
      QCOMPARE(b.outliers.size(), beyond);
      QVERIFY(std::abs(b.whiskerHigh - highestInside) < 1e-9);
      QVERIFY(b.q1 <= b.median && b.median <= b.q3 && b.q3 <= b.whiskerHigh);
    }
  }

  void boxesArePaintedInTheirConditionsColour() {
    const io::LoadedCounts loaded = io::readCounts(test::sharedData("pasilla/pasilla_gene_counts.tsv"));
    const auto& samples = loaded.matrix.obsNames();
    const CountDistribution d = countDistribution(loaded.matrix, referenceSizeFactors(samples));
    const io::SampleMatch match = io::matchSamples(
        io::readSampleSheet(test::sharedData("pasilla/pasilla_sample_annotation.csv")), samples);
    std::vector<std::string> groups;
    for (std::size_t s = 0; s < samples.size(); ++s) groups.push_back(match.sheet.column("condition").text(s));
    const PlotModel model = countDistributionPlot(d, groups);
    QCOMPARE(model.categories.size(), std::size_t(2));
    QCOMPARE(model.shapes.size(), std::size_t(7));
    QCOMPARE(model.xCategories.front(), QStringLiteral("untreated1"));
    std::size_t outliers = 0;
    for (const auto& b : d.boxes) outliers += b.outliers.size();
    QCOMPARE(model.points.count(), outliers);

    // 900 x 600 layout units at 3 pixels per unit: the 0.8-unit median line covers whole pixels.
    constexpr double kScale = 3;
    QImage image(int(900 * kScale), int(600 * kScale), QImage::Format_RGB32);
    QPainter painter(&image);
    painter.scale(kScale, kScale);
    const PlotFrame frame = paintPlot(painter, model, QRectF(0, 0, 900, 600));
    painter.end();
    const auto at = [&](double x, double y) { return (frame.map(x, y) * kScale).toPoint(); };
    for (std::size_t s = 0; s < samples.size(); ++s) {
      const BoxStatistics& b = d.boxes[s];
      const int l = groups[s] == "untreated" ? 0 : 1;
      QCOMPARE(model.categories[std::size_t(l)].name, QString::fromStdString(groups[s]));
      // Inside the box, between the median and q3, left of centre (away from the whisker line).
      const QPoint inside = at(double(s) - 0.15, (b.median + b.q3) / 2);
      QColor expected = model.categories[std::size_t(l)].colour;  // alpha 150 over white
      const auto blend = [](int c) { return (c * 150 + 255 * 105) / 255; };
      const QColor seen = image.pixelColor(inside);
      QVERIFY2(std::abs(seen.red() - blend(expected.red())) < 6 && std::abs(seen.green() - blend(expected.green())) < 6 &&
                   std::abs(seen.blue() - blend(expected.blue())) < 6,
               qPrintable(QStringLiteral("sample %1: %2").arg(s).arg(seen.name())));
      // The median line is dark, and outside the box (between samples) the plot is white.
      const QPoint median = at(double(s) - 0.15, b.median);
      int darkest = 255;  // a 0.8-unit line, antialiased: the darkest of the pixels it crosses
      for (int dy = -1; dy <= 1; ++dy) darkest = std::min(darkest, image.pixelColor(median + QPoint(0, dy)).lightness());
      QVERIFY(darkest < 120);
      QVERIFY(image.pixelColor(at(double(s) + 0.5, b.median)).lightness() > 245);
    }
    // Seven sample names fit side by side at this width.
    QVERIFY(!frame.xLabelsVertical);
  }

  void filesHoldEveryBoxAndOutlier() {
    const io::LoadedCounts loaded = io::readCounts(test::sharedData("pasilla/pasilla_gene_counts.tsv"));
    const CountDistribution d = countDistribution(loaded.matrix, referenceSizeFactors(loaded.matrix.obsNames()));
    const PlotModel model = countDistributionPlot(d);
    const auto dir = test::scratchDir("plots_countdist");
    exportFigure(model, (dir / "c.svg").string());
    const QByteArray svg = diffbio::test::readFileBytes(dir / "c.svg");
    QCOMPARE(svg.count("<ellipse") + svg.count("<circle"), qsizetype(model.points.count()));  // no legend: 1 group
    exportFigure(model, (dir / "c.pdf").string());
    QVERIFY(diffbio::test::readFileBytes(dir / "c.pdf").startsWith("%PDF-"));
    exportFigure(model, (dir / "c.csv").string());
    const QList<QByteArray> lines = diffbio::test::readFileBytes(dir / "c.csv").trimmed().split('\n');
    QCOMPARE(lines.size(), qsizetype(8));
    QVERIFY(lines[0].startsWith("sample,group,q1,median,q3"));
    QVERIFY(lines[1].startsWith("untreated1,,"));
    QVERIFY(std::abs(lines[1].split(',')[3].toDouble() - d.boxes[0].median) < 1e-8);  // 10 significant digits

    DIFFBIO_EXPECT_INPUT_ERROR(countDistribution(loaded.matrix, Eigen::VectorXd::Ones(3), "x.tsv"),
                               "3 size factors for 7 samples");
    Eigen::VectorXd zero = Eigen::VectorXd::Ones(7);
    zero(2) = 0;
    DIFFBIO_EXPECT_INPUT_ERROR(countDistribution(loaded.matrix, zero, "x.tsv"), "untreated3");
  }
};

QTEST_MAIN(CountDistributionPlotTest)
#include "test_count_distribution_plot.moc"

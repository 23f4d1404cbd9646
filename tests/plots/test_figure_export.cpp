// Figures as files: a 10^4-point volcano keeps every point in SVG, PDF and PNG are valid at the requested physical
// size, CSV holds the plotted data, and a failed export leaves nothing behind.
#include <QtTest/QtTest>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <random>

#include "plots/de_plots.h"
#include "plots/figure_export.h"
#include "test_support.h"

using namespace diffbio::plots;

namespace {

DeResults syntheticResults(std::size_t n, unsigned seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> fold(0, 1.2);
  std::uniform_real_distribution<double> uniform(0, 1);
  DeResults r;
  for (std::size_t i = 0; i < n; ++i) {
    const double lfc = fold(random);
    // Large folds get small p-values, as in real data.
    const double p = std::pow(uniform(random), 1 + 4 * std::abs(lfc));
    r.genes.push_back("gene" + std::to_string(i + 1));
    r.baseMean.push_back(std::pow(10.0, 4 * uniform(random)));
    r.log2FoldChange.push_back(lfc);
    r.pvalue.push_back(p);
    r.padj.push_back(std::min(1.0, p * 20));
  }
  return r;
}

QByteArray readAll(const std::filesystem::path& path) {
  QFile file(QString::fromStdString(path.string()));
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class FigureExportTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() { QTest::failOnWarning(QRegularExpression(".*")); }  // e.g. "arcTo: ... NaN" from bad geometry

  void svgKeepsEveryPoint() {
    const auto dir = diffbio::test::scratchDir("plots_svg");
    DePlotOptions options;
    options.labelTop = 0;
    DeResults results = syntheticResults(10001, 1);
    results.pvalue[0] = std::nan("");  // an untested gene: not drawn, and no NaN geometry reaches the painter
    const PlotModel model = volcanoPlot(results, options);
    const auto path = dir / "volcano.svg";
    exportFigure(model, path.string(), FigureSize{120, 90, 300});
    const QByteArray svg = readAll(path);
    QVERIFY(svg.startsWith("<?xml"));
    QVERIFY(svg.contains("width=\"120mm\"") || svg.contains("width=\"119.") || svg.contains("width=\"120"));
    // One ellipse per drawn point (10^4) plus one legend marker per category.
    const qsizetype ellipses = svg.count("<ellipse") + svg.count("<circle");
    QCOMPARE(ellipses, qsizetype(10000 + model.categories.size()));
    // Text is text (vector), and the file parses.
    QVERIFY(svg.contains(">log2 fold change</text>"));
    QSvgRenderer renderer(svg);
    QVERIFY(renderer.isValid());
    QVERIFY(std::filesystem::directory_iterator(dir) != std::filesystem::directory_iterator());
    QCOMPARE(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 1L);
  }

  void pdfAndPngAreValidAtTheRequestedSize() {
    const auto dir = diffbio::test::scratchDir("plots_pdf_png");
    const PlotModel model = volcanoPlot(syntheticResults(2000, 2));
    exportFigure(model, (dir / "v.pdf").string(), FigureSize{120, 90, 300});
    const QByteArray pdf = readAll(dir / "v.pdf");
    QVERIFY(pdf.startsWith("%PDF-"));
    QVERIFY(pdf.trimmed().endsWith("%%EOF"));
    // 120 x 90 mm = 340.16 x 255.12 points in the MediaBox.
    const auto box = QRegularExpression(R"(/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\])").match(QString::fromLatin1(pdf));
    QVERIFY(box.hasMatch());
    QVERIFY(std::abs(box.captured(1).toDouble() - 340.16) < 1);
    QVERIFY(std::abs(box.captured(2).toDouble() - 255.12) < 1);

    exportFigure(model, (dir / "v.png").string(), FigureSize{120, 90, 300});
    QImage png;
    QVERIFY(png.load(QString::fromStdString((dir / "v.png").string()), "PNG"));
    QCOMPARE(png.size(), QSize(1417, 1063));  // 120 mm and 90 mm at 300 dpi
    QVERIFY(std::abs(png.dotsPerMeterX() * 0.0254 - 300) < 1);
  }

  void csvHoldsThePlottedData() {
    const auto dir = diffbio::test::scratchDir("plots_csv");
    const PlotModel model = volcanoPlot(syntheticResults(500, 3));
    exportFigure(model, (dir / "v.csv").string());
    const QList<QByteArray> lines = readAll(dir / "v.csv").trimmed().split('\n');
    QCOMPARE(lines.size(), 501);
    QCOMPARE(lines[0], QByteArray("name,log2 fold change,-log10 p-value,category"));
    const QList<QByteArray> first = lines[1].split(',');
    QCOMPARE(first[0], QByteArray("gene1"));
    QCOMPARE(first[1].toDouble(), model.points.x[0]);  // shortest exact form reads back to the same double
    QCOMPARE(first[2].toDouble(), model.points.y[0]);
  }

  void failuresLeaveNoFile() {
    const auto dir = diffbio::test::scratchDir("plots_fail");
    const PlotModel model = volcanoPlot(syntheticResults(50, 4));
    DIFFBIO_EXPECT_INPUT_ERROR(exportFigure(model, (dir / "v.gif").string()), "unknown figure format");
    DIFFBIO_EXPECT_INPUT_ERROR(exportFigure(model, (dir / "missing" / "v.png").string()), "cannot write");
    QCOMPARE(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()), 0L);
  }

  void firstPaintOfALargeVolcano() {
    // Timing, printed for the report; the assertion only guards against a pathological slowdown.
    const DeResults results = syntheticResults(100000, 5);
    QElapsedTimer timer;
    timer.start();
    const PlotModel model = volcanoPlot(results);
    const qint64 build = timer.restart();
    const QImage image = renderImage(model, FigureSize{160, 120, 96});
    const qint64 paint = timer.elapsed();
    qInfo("10^5-point volcano: model %lld ms, first paint %dx%d px %lld ms", build, image.width(), image.height(),
          paint);
    QVERIFY(paint < 20000);
  }
};

QTEST_MAIN(FigureExportTest)
#include "test_figure_export.moc"

// Figures as files: a 10^4-point volcano keeps every point in SVG, PDF and PNG are valid at the requested physical
// size, CSV holds the plotted data, and a failed export leaves nothing behind.
#include <QtTest/QtTest>
#include <QRegularExpression>
#include <QSvgRenderer>
#include <random>
#include <zlib.h>

#include "synthetic_de_results.h"
#include "plots/de_plots.h"
#include "plots/figure_export.h"
#include "test_support.h"

using namespace diffbio::plots;

namespace {

// The decompressed content streams of a PDF (QPdfWriter deflates them).
QByteArray pdfContent(const QByteArray& pdf) {
  QByteArray all;
  qsizetype at = 0;
  while ((at = pdf.indexOf("stream\n", at)) >= 0) {
    const qsizetype begin = at + 7, end = pdf.indexOf("endstream", begin);
    if (end < 0) break;
    z_stream z{};
    inflateInit(&z);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(pdf.constData() + begin));
    z.avail_in = uInt(end - begin);
    QByteArray out(1 << 16, 0);
    QByteArray stream;
    int status = Z_OK;
    while (status == Z_OK) {
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = uInt(out.size());
      status = inflate(&z, Z_NO_FLUSH);
      stream.append(out.constData(), out.size() - qsizetype(z.avail_out));
    }
    inflateEnd(&z);
    if (status == Z_STREAM_END) all += stream;
    at = end;
  }
  return all;
}

// Points in a PDF: zero-length round-capped segments "x y m / x y+0.001 l".
qsizetype pdfDots(const QByteArray& content) {
  const QList<QByteArray> lines = content.split('\n');
  qsizetype dots = 0;
  for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
    if (!lines[i].endsWith(" m") || !lines[i + 1].endsWith(" l")) continue;
    const QList<QByteArray> a = lines[i].split(' '), b = lines[i + 1].split(' ');
    if (a.size() == 3 && b.size() == 3 && a[0] == b[0] && std::abs(b[1].toDouble() - a[1].toDouble()) < 0.01) ++dots;
  }
  return dots;
}

using diffbio::test::syntheticResults;

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
    const QByteArray svg = diffbio::test::readFileBytes(path);
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

  void pointLayerRasterisedOnlyWhenAsked() {
    const auto dir = diffbio::test::scratchDir("plots_svg_raster");
    DePlotOptions options;
    options.labelTop = 0;
    const PlotModel model = volcanoPlot(syntheticResults(10000, 6), options);
    PaintOptions raster;
    raster.rasteriseAbove = 5000;  // 10^4 points: above the threshold, so the points become one image
    exportFigure(model, (dir / "raster.svg").string(), FigureSize{120, 90, 300}, raster);
    const QByteArray svg = diffbio::test::readFileBytes(dir / "raster.svg");
    QCOMPARE(svg.count("<ellipse") + svg.count("<circle"), qsizetype(model.categories.size()));  // legend only
    QCOMPARE(svg.count("<image"), qsizetype(1));
    QVERIFY(svg.contains(">log2 fold change</text>"));  // text and axes stay vector
    raster.rasteriseAbove = 20000;  // below the threshold: every point stays a vector object
    exportFigure(model, (dir / "vector.svg").string(), FigureSize{120, 90, 300}, raster);
    const QByteArray vector = diffbio::test::readFileBytes(dir / "vector.svg");
    QCOMPARE(vector.count("<ellipse") + vector.count("<circle"), qsizetype(10000 + model.categories.size()));
  }

  void pdfAndPngAreValidAtTheRequestedSize() {
    const auto dir = diffbio::test::scratchDir("plots_pdf_png");
    const PlotModel model = volcanoPlot(syntheticResults(2000, 2));
    exportFigure(model, (dir / "v.pdf").string(), FigureSize{120, 90, 300});
    const QByteArray pdf = diffbio::test::readFileBytes(dir / "v.pdf");
    QVERIFY(pdf.startsWith("%PDF-"));
    QVERIFY(pdf.trimmed().endsWith("%%EOF"));
    // Every point is in the page description as its own round dot.
    std::size_t drawn = 0;
    for (std::size_t i = 0; i < model.points.count(); ++i)
      drawn += std::isfinite(model.points.x[i]) && std::isfinite(model.points.y[i]);
    QCOMPARE(pdfDots(pdfContent(pdf)), qsizetype(drawn));
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
    const QList<QByteArray> lines = diffbio::test::readFileBytes(dir / "v.csv").trimmed().split('\n');
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

  void largeVolcanoRendersEveryRegion() {
    // 10^5 points (the speed of this is bench/plot_bench's business): the raster path must still draw the cloud,
    // not skip or clip it. Every point lies in the plot area, so the painted (non-white) share of the image must be
    // well above what axes and text alone give.
    const DeResults results = syntheticResults(100000, 5);
    const PlotModel model = volcanoPlot(results);
    QCOMPARE(model.points.x.size(), std::size_t(100000));
    const QImage image = renderImage(model, FigureSize{160, 120, 96});
    QVERIFY(!image.isNull());
    qint64 painted = 0;
    for (int y = 0; y < image.height(); ++y)
      for (int x = 0; x < image.width(); ++x) painted += image.pixelColor(x, y) != QColor(Qt::white);
    const double share = static_cast<double>(painted) / (static_cast<double>(image.width()) * image.height());
    QVERIFY2(share > 0.05, qPrintable(QString("painted share %1").arg(share)));
  }
};

QTEST_MAIN(FigureExportTest)
#include "test_figure_export.moc"

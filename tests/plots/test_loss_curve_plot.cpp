// Loss curves as plot models: series become coloured polylines with legend entries, the logarithmic axis and the
// debiased exponential moving average give the exact numbers worked out by hand, and the model paints.
#include "test_support.h"

#include <QImage>
#include <QPainter>

#include <cmath>

#include "plots/loss_curve_plot.h"
#include "plots/plot_painter.h"

using namespace diffbio::plots;

class LossCurvePlotTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void exponentialMovingAverageIsDebiased() {
    // w = 0.5, raw averages 1, 2.5, -, 1.75 over weights 0.5, 0.25, -, 0.125: s = 2, 2.5/0.75, (kept), 1.75/0.875.
    const auto s = exponentialMovingAverage({2.0, 4.0, std::nan(""), 1.0}, 0.5);
    QCOMPARE(s.size(), std::size_t{4});
    QCOMPARE(s[0], 2.0);
    QVERIFY(std::fabs(s[1] - 2.5 / 0.75) < 1e-15);
    QCOMPARE(s[2], s[1]);
    QVERIFY(std::fabs(s[3] - (0.5 * 2.5 + 0.5 * 1.0) / 0.875) < 1e-15);
    // No smoothing returns the values; leading NaNs stay NaN.
    const auto none = exponentialMovingAverage({std::nan(""), 3.0}, 0);
    QVERIFY(std::isnan(none[0]));
    QCOMPARE(none[1], 3.0);
  }

  void seriesBecomeCurvesWithLegend() {
    const std::vector<LossSeries> series{{"loss", {1, 2, 3}, {1.0, 0.1, 0.01}, {}},
                                         {"validation", {1, 2, 3}, {2.0, std::nan(""), 0.5}, {}}};
    const PlotModel plain = lossCurvePlot(series);
    QCOMPARE(plain.curves.size(), std::size_t{2});
    QCOMPARE(plain.categories.size(), std::size_t{2});
    QCOMPARE(plain.categories[1].name, QStringLiteral("validation"));
    QCOMPARE(plain.curves[0].colour, lossSeriesColour(0));
    QCOMPARE(plain.curves[1].points.size(), std::size_t{2});  // the NaN is skipped
    QCOMPARE(plain.yLabel, QStringLiteral("loss"));
    QVERIFY(plain.yMin <= 0.01 && plain.yMax >= 2.0);

    LossCurveOptions options;
    options.logY = true;
    const PlotModel logged = lossCurvePlot(series, options);
    QCOMPARE(logged.yLabel, QStringLiteral("log10(loss)"));
    QVERIFY(std::fabs(logged.curves[0].points[2].y() - (-2.0)) < 1e-12);

    options.logY = false;
    options.smoothing = 0.6;
    const PlotModel smoothed = lossCurvePlot(series, options);
    QCOMPARE(smoothed.curves.size(), std::size_t{4});  // faint raw + smoothed per series
    QCOMPARE(smoothed.curves[0].colour.alpha(), 70);
    QCOMPARE(smoothed.curves[1].points[1].y(), exponentialMovingAverage({1.0, 0.1, 0.01}, 0.6)[1]);
  }

  void emptyAndSinglePointPlotsPaint() {
    QImage image(400, 300, QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    paintPlot(painter, lossCurvePlot({}), QRectF(0, 0, 400, 300));
    const PlotModel one = lossCurvePlot({{"loss", {1}, {0.5}, QColor(255, 0, 0)}});
    QVERIFY(one.xMax > one.xMin && one.yMax > one.yMin);
    paintPlot(painter, lossCurvePlot({{"loss", {1, 2, 3, 4}, {4, 3, 2, 1}, QColor(255, 0, 0)}}), QRectF(0, 0, 400, 300));
    painter.end();
    int red = 0;
    for (int y = 0; y < image.height(); ++y)
      for (int x = 0; x < image.width(); ++x) {
        const QColor c = image.pixelColor(x, y);
        if (c.red() > 200 && c.green() < 80 && c.blue() < 80) ++red;
      }
    QVERIFY2(red > 50, qPrintable(QString::number(red)));  // the curve was drawn
  }
};

QTEST_MAIN(LossCurvePlotTest)
#include "test_loss_curve_plot.moc"

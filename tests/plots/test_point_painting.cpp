// The painter puts each point's colour where the frame says the point is, skips points outside the range, and
// draws axes, title and legend around them.
#include <QtTest/QtTest>

#include "plots/plot_painter.h"

using namespace diffbio::plots;

namespace {

PlotModel threePoints() {
  PlotModel model;
  model.autoRange = false;
  model.xMin = 0, model.xMax = 10, model.yMin = 0, model.yMax = 10;
  model.categories = {{"red", QColor(255, 0, 0)}, {"blue", QColor(0, 0, 255)}};
  model.points.x = {2, 5, 8, 50};  // the last lies outside the range
  model.points.y = {2, 7, 4, 50};
  model.points.category = {0, 1, 0, 1};
  model.pointSize = 8;
  return model;
}

bool near(QColor a, QColor b, int tolerance = 8) {
  return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
         std::abs(a.blue() - b.blue()) <= tolerance;
}

}  // namespace

class PointPaintingTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pointsAreDrawnWhereTheFrameMapsThem() {
    const PlotModel model = threePoints();
    QImage image(400, 300, QImage::Format_RGB32);
    QPainter painter(&image);
    const PlotFrame frame = paintPlot(painter, model, QRectF(0, 0, 400, 300));
    painter.end();

    QVERIFY(frame.area.width() > 200 && frame.area.height() > 150);
    QVERIFY(near(image.pixelColor(frame.map(2, 2).toPoint()), Qt::red));
    QVERIFY(near(image.pixelColor(frame.map(5, 7).toPoint()), Qt::blue));
    QVERIFY(near(image.pixelColor(frame.map(8, 4).toPoint()), Qt::red));
    // Empty data space stays white, and no stray marker for the out-of-range point at the corner.
    QVERIFY(near(image.pixelColor(frame.map(5, 2).toPoint()), Qt::white));
    QVERIFY(near(image.pixelColor(frame.area.topRight().toPoint() + QPoint(-2, 2)), Qt::white));
    // A marker of 8 units: 3 units from the centre is still inside, 6 is outside.
    QVERIFY(near(image.pixelColor((frame.map(2, 2) + QPointF(3, 0)).toPoint()), Qt::red, 40));
    QVERIFY(near(image.pixelColor((frame.map(2, 2) + QPointF(6, 0)).toPoint()), Qt::white));
  }

  void axesAndLegendAreDrawnOutsideThePointArea() {
    PlotModel model = threePoints();
    model.title = "Title";
    model.xLabel = "x";
    model.yLabel = "y";
    QImage image(400, 300, QImage::Format_RGB32);
    QPainter painter(&image);
    const PlotFrame frame = paintPlot(painter, model, QRectF(0, 0, 400, 300));
    painter.end();
    // The bottom spine is dark along its whole length (antialiased: darkest of the rows it straddles).
    const int spine = int(std::floor(frame.area.bottom()));
    for (int x = int(frame.area.left()) + 1; x < int(frame.area.right()); x += 13) {
      int darkest = 255;
      for (int y = spine - 1; y <= spine + 1; ++y) darkest = std::min(darkest, image.pixelColor(x, y).lightness());
      QVERIFY(darkest < 160);
    }
    // Something (tick labels) is drawn left of the plot area and above it (title, legend).
    auto inkIn = [&](QRect r) {
      int ink = 0;
      for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) ink += image.pixelColor(x, y).lightness() < 128;
      return ink;
    };
    QVERIFY(inkIn(QRect(0, int(frame.area.top()), int(frame.area.left()) - 1, int(frame.area.height()))) > 20);
    QVERIFY(inkIn(QRect(0, 0, 400, int(frame.area.top()) - 1)) > 20);
  }

  void selectedPointsGetARing() {
    const PlotModel model = threePoints();
    std::vector<std::uint8_t> selected = {0, 1, 0, 0};
    QImage image(400, 300, QImage::Format_RGB32);
    QPainter painter(&image);
    PaintOptions options;
    options.selected = &selected;
    const PlotFrame frame = paintPlot(painter, model, QRectF(0, 0, 400, 300), options);
    painter.end();
    const QPointF ring = frame.map(5, 7) + QPointF(4.8, 0);
    QVERIFY(image.pixelColor(ring.toPoint()).lightness() < 100);
    const QPointF noRing = frame.map(2, 2) + QPointF(4.8, 0);
    QVERIFY(image.pixelColor(noRing.toPoint()).lightness() > 100);
  }
};

QTEST_MAIN(PointPaintingTest)
#include "test_point_painting.moc"

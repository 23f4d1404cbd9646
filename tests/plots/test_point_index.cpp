// Hit-testing finds the right gene, and rectangle and lasso selections equal a brute-force test of every point.
#include <QtTest/QtTest>
#include <cmath>
#include <random>

#include "plots/plot_frame.h"
#include "plots/point_index.h"

using namespace diffbio::plots;

namespace {

std::vector<QPointF> cloud(std::size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::normal_distribution<double> normal(300, 90);
  std::vector<QPointF> points(n);
  for (auto& p : points) p = QPointF(normal(random), normal(random));
  points[7] = QPointF(std::nan(""), 5);  // missing values are never hit
  return points;
}

// A star with concave arms and a self-intersection free outline: hard for a containment shortcut.
QPainterPath star(QPointF centre, double outer, double inner, int arms) {
  QPainterPath path;
  for (int k = 0; k < 2 * arms; ++k) {
    const double angle = M_PI * k / arms;
    const double r = k % 2 ? inner : outer;
    const QPointF p = centre + QPointF(r * std::cos(angle), r * std::sin(angle));
    k == 0 ? path.moveTo(p) : path.lineTo(p);
  }
  path.closeSubpath();
  return path;
}

}  // namespace

class PointIndexTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void nearestFindsTheGeneUnderTheCursor() {
    PlotModel model;
    model.autoRange = false;
    model.xMin = -5, model.xMax = 5, model.yMin = 0, model.yMax = 20;
    model.points.x = {-2, 0, 0.05, 3};
    model.points.y = {5, 10, 10, 15};
    model.points.names = {"geneA", "geneB", "geneC", "geneD"};
    const PlotFrame frame = layoutPlot(model, QRectF(0, 0, 500, 400));
    const PointIndex index(pointPositions(model, frame));

    QCOMPARE(model.points.names[index.nearest(frame.map(-2, 5) + QPointF(2, -1), 5)], QString("geneA"));
    QCOMPARE(model.points.names[index.nearest(frame.map(3, 15), 5)], QString("geneD"));
    // geneB and geneC are 2.5 units apart: the cursor picks the nearer one.
    QCOMPARE(model.points.names[index.nearest(frame.map(0, 10) + QPointF(-0.5, 0), 5)], QString("geneB"));
    QCOMPARE(model.points.names[index.nearest(frame.map(0.05, 10) + QPointF(0.5, 0), 5)], QString("geneC"));
    // Nothing within the radius: no hit.
    QCOMPARE(index.nearest(frame.map(-2, 5) + QPointF(6, 0), 5), -1L);
    QCOMPARE(index.nearest(QPointF(-1000, -1000), 5), -1L);
  }

  void nearestAgreesWithBruteForce() {
    const auto points = cloud(20000, 1);
    const PointIndex index(points, 8);
    std::mt19937 random(2);
    std::uniform_real_distribution<double> where(-50, 650);
    for (int q = 0; q < 2000; ++q) {
      const QPointF at(where(random), where(random));
      long expected = -1;
      double best = 6 * 6;
      for (std::size_t i = 0; i < points.size(); ++i) {
        const double d = std::pow(points[i].x() - at.x(), 2) + std::pow(points[i].y() - at.y(), 2);
        if (d < best || (d == best && long(i) > expected)) best = d, expected = long(i);
      }
      QCOMPARE(index.nearest(at, 6), expected);
    }
  }

  void lassoSelectionIsExact() {
    const auto points = cloud(50000, 3);
    const PointIndex index(points, 8);
    for (int trial = 0; trial < 5; ++trial) {
      const QPainterPath lasso = star(QPointF(250 + 20 * trial, 320 - 15 * trial), 160, 55 + 10 * trial, 5 + trial);
      std::vector<std::size_t> expected;
      for (std::size_t i = 0; i < points.size(); ++i)
        if (lasso.contains(points[i])) expected.push_back(i);
      QVERIFY(expected.size() > 1000);
      QCOMPARE(index.inPath(lasso), expected);
    }
  }

  void rectangleSelectionIsExact() {
    const auto points = cloud(50000, 4);
    const PointIndex index(points, 8);
    const QRectF rect(QPointF(410, 130), QPointF(180.5, 333.3));  // dragged right-to-left: not normalised
    std::vector<std::size_t> expected;
    const QRectF r = rect.normalized();
    for (std::size_t i = 0; i < points.size(); ++i)
      if (points[i].x() >= r.left() && points[i].x() <= r.right() && points[i].y() >= r.top() &&
          points[i].y() <= r.bottom())
        expected.push_back(i);
    QVERIFY(expected.size() > 1000);
    QCOMPARE(index.inRect(rect), expected);
    QVERIFY(index.inRect(QRectF(5000, 5000, 10, 10)).empty());
  }

  void emptyAndDegenerateIndexes() {
    const PointIndex empty(std::vector<QPointF>{});
    QCOMPARE(empty.nearest(QPointF(0, 0), 10), -1L);
    const PointIndex same(std::vector<QPointF>(100, QPointF(3, 3)));
    QCOMPARE(same.nearest(QPointF(3, 4), 2), 99L);  // ties go to the point drawn last (on top)
    QCOMPARE(same.inRect(QRectF(2, 2, 2, 2)).size(), std::size_t(100));
  }
};

QTEST_MAIN(PointIndexTest)
#include "test_point_index.moc"

// Labels never overlap each other or leave the plot area, and prefer places that cover no points.
#include <QtTest/QtTest>
#include <random>

#include "plots/label_placement.h"

using namespace diffbio::plots;

class LabelPlacementTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void crowdedLabelsNeverOverlap() {
    std::mt19937 random(5);
    std::uniform_real_distribution<double> where(20, 280);
    std::vector<QPointF> anchors(60);
    for (auto& a : anchors) a = QPointF(where(random), where(random));
    const std::vector<QSizeF> sizes(anchors.size(), QSizeF(48, 10));
    const QRectF bounds(0, 0, 300, 300);
    const auto placed = placeLabels(anchors, sizes, bounds, 2);
    QVERIFY(placed.size() > 20);              // most fit
    QVERIFY(placed.size() < anchors.size());  // not all: the rest are dropped, not stacked
    for (std::size_t i = 0; i < placed.size(); ++i) {
      QVERIFY(bounds.contains(placed[i].box));
      for (std::size_t j = i + 1; j < placed.size(); ++j) QVERIFY(!placed[i].box.intersects(placed[j].box));
      for (const auto& a : anchors)  // no label covers a labelled marker
        QVERIFY(!placed[i].box.intersects(QRectF(a.x() - 2, a.y() - 2, 4, 4)));
    }
  }

  void avoidsCoveringPoints() {
    // Points fill everything right of x = 100: the label must go left.
    const std::vector<QPointF> anchors = {QPointF(100, 50)};
    const std::vector<QSizeF> sizes = {QSizeF(30, 10)};
    const PointCounter pointsUnder = [](const QRectF& box) { return box.right() > 100 ? std::size_t(5) : 0; };
    const auto placed = placeLabels(anchors, sizes, QRectF(0, 0, 200, 100), 2, pointsUnder);
    QCOMPARE(int(placed.size()), 1);
    QVERIFY(placed[0].box.right() <= 100);
    QVERIFY(!placed[0].needsLeader);  // the left side of the nearest ring was free
  }
};

QTEST_GUILESS_MAIN(LabelPlacementTest)
#include "test_label_placement.moc"

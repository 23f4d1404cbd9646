// ARI, trustworthiness and UMAP's curve parameters on cases worked out by hand (or known from umap-learn).
#include <QtTest/QtTest>

#include <cmath>

#include "core/singlecell/metrics.h"
#include "core/singlecell/umap_layout.h"

using namespace diffbio;

class TestMetrics : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void adjustedRandIndexByHand() {
    // Contingency (0,0)=2, (1,1)=1, (1,2)=1: index 1, row pairs 2, column pairs 1, expected 2*1/6,
    // max 1.5 -> (1 - 1/3) / (1.5 - 1/3) = 4/7.
    QVERIFY(std::abs(sc::adjustedRandIndex({0, 0, 1, 1}, {0, 0, 1, 2}) - 4.0 / 7.0) < 1e-12);
    QCOMPARE(sc::adjustedRandIndex({0, 0, 1, 1}, {5, 5, 3, 3}), 1.0);  // the same partition, other names
    // Row pairs 2, column pairs 2, index 0: expected 2*2/6, max 2 -> (0 - 2/3) / (2 - 2/3) = -0.5.
    QVERIFY(std::abs(sc::adjustedRandIndex({0, 0, 1, 1}, {0, 1, 0, 1}) + 0.5) < 1e-12);
  }

  void trustworthinessByHand() {
    // 1-D points 0, 1, 3, 6, 10, 15; the embedding swaps the last two positions. With k = 1 only cells 4 and 5
    // get a wrong nearest neighbour, each of rank 2 in the original space: penalty 2,
    // T = 1 - 2 * 2 / (6 * 1 * (12 - 3 - 1)) = 11/12.
    Eigen::MatrixXd x(6, 1), y(6, 1);
    x << 0, 1, 3, 6, 10, 15;
    y << 0, 1, 3, 6, 15, 10;
    QVERIFY(std::abs(sc::trustworthiness(x, y, 1) - 11.0 / 12.0) < 1e-12);
    QCOMPARE(sc::trustworthiness(x, x, 2), 1.0);
  }

  void curveParametersMatchUmapLearn() {
    // umap-learn's find_ab_params(1.0, 0.1) = (1.5769434, 0.8950608) — the values printed in its documentation.
    const auto c = sc::findAbParams(1.0, 0.1);
    qInfo("min_dist 0.1: a = %.6f, b = %.6f", c.a, c.b);
    QVERIFY(std::abs(c.a - 1.5769434) < 1e-3);
    QVERIFY(std::abs(c.b - 0.8950608) < 1e-3);
    const auto d = sc::findAbParams(1.0, 0.5);
    qInfo("min_dist 0.5: a = %.6f, b = %.6f", d.a, d.b);
    QVERIFY(std::abs(d.a - 0.5830300) < 1e-3);
    QVERIFY(std::abs(d.b - 1.3341670) < 1e-3);
  }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "test_metrics.moc"

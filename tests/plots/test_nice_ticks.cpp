// Axis ticks fall on 1-2-5 steps and cover the range; labels carry just enough decimals.
#include <QtTest/QtTest>
#include <cmath>

#include "plots/nice_ticks.h"

using namespace diffbio::plots;

class NiceTicksTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void stepsAreOneTwoOrFiveTimesAPowerOfTen() {
    const double ranges[][2] = {{0, 1}, {-3.7, 12.2}, {0, 317}, {1e-4, 7e-4}, {-0.03, 0.05}, {2, 2.001}, {0, 1e6}};
    for (const auto& r : ranges) {
      const Ticks t = niceTicks(r[0], r[1], 5);
      const double mantissa = t.step / std::pow(10.0, std::floor(std::log10(t.step)));
      QVERIFY2(std::abs(mantissa - 1) < 1e-9 || std::abs(mantissa - 2) < 1e-9 || std::abs(mantissa - 5) < 1e-9,
               qPrintable(QString::number(t.step)));
      QVERIFY(t.values.size() >= 2 && t.values.size() <= 12);
      for (double v : t.values) QVERIFY(v >= r[0] - 1e-9 * t.step && v <= r[1] + 1e-9 * t.step);
      QVERIFY(t.values.front() - r[0] < t.step + 1e-12);  // no gap of a whole step at either end
      QVERIFY(r[1] - t.values.back() < t.step + 1e-12);
    }
  }

  void knownRanges() {
    const Ticks t = niceTicks(0, 10, 5);
    QCOMPARE(t.step, 2.0);
    QCOMPARE(int(t.values.size()), 6);
    QCOMPARE(niceTicks(-6.2, 6.2, 6).step, 2.0);
    QCOMPARE(niceTicks(0, 1, 5).step, 0.2);
    // Multiples are computed, not accumulated: 0.3 is exactly 3 * 0.1, not 0.1 + 0.1 + 0.1.
    const Ticks tenths = niceTicks(0, 1, 10);
    QCOMPARE(tenths.values[3], 3 * 0.1);
  }

  void degenerateRangesStillGetTicks() {
    QVERIFY(!niceTicks(5, 5).values.empty());
    QVERIFY(!niceTicks(0, 0).values.empty());
    QVERIFY(!niceTicks(std::nan(""), 1).values.empty());
  }

  void labels() {
    QCOMPARE(tickLabel(0.25, 0.05), QString("0.25"));
    QCOMPARE(tickLabel(10, 5), QString("10"));
    QCOMPARE(tickLabel(-2, 1), QString("-2"));
    QCOMPARE(tickLabel(-1e-17, 0.1), QString("0.0"));  // never "-0" or "1e-17"
  }

  void expandedRangeEndsOnTicks() {
    double low = 0.3, high = 9.2;
    expandToNiceRange(low, high);
    QCOMPARE(low, 0.0);
    QCOMPARE(high, 10.0);
  }
};

QTEST_GUILESS_MAIN(NiceTicksTest)
#include "test_nice_ticks.moc"

// The radix sort of doubles (core/util/sort_doubles.h) gives std::sort's order: random values of both signs over
// the whole exponent range, many ties, zeros of both signs, infinities, subnormals, sizes on both sides of the
// switch to radix, and inputs where most bytes are shared (the skipped passes).
#include "test_support.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/util/sort_doubles.h"

using namespace diffbio;

namespace {

// Equal as numbers in the same order (so -0.0 and +0.0 count as equal, as std::sort treats them).
bool sameOrder(const std::vector<double>& got, std::vector<double> want) {
  std::sort(want.begin(), want.end());
  if (got.size() != want.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!(got[i] == want[i])) return false;
  return true;
}

}  // namespace

class SortDoublesTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void matchesStdSortOnRandomValues() {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> exponent(-300, 300), unit(-1, 1);
    for (const std::size_t n : {0u, 1u, 2u, 255u, 256u, 257u, 5000u, 20011u}) {
      std::vector<double> values(n);
      for (double& v : values) v = unit(rng) * std::pow(10.0, exponent(rng));
      std::vector<double> sorted = values;
      sortDoubles(sorted);
      QVERIFY2(sameOrder(sorted, values), qPrintable(QString("n = %1").arg(n)));
    }
  }

  void handlesTiesZerosInfinitiesAndSubnormals() {
    std::mt19937_64 rng(5);
    const double specials[] = {0.0, -0.0, std::numeric_limits<double>::infinity(),
                               -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::denorm_min(),
                               -std::numeric_limits<double>::denorm_min(), 1.0, -1.0, 2.5, -2.5};
    std::uniform_int_distribution<int> pick(0, 9);
    std::vector<double> values(3000);
    for (double& v : values) v = specials[pick(rng)];
    std::vector<double> sorted = values;
    sortDoubles(sorted);
    QVERIFY(sameOrder(sorted, values));
    for (std::size_t i = 1; i < sorted.size(); ++i)  // -0.0 before +0.0
      if (sorted[i - 1] == 0 && sorted[i] == 0) QVERIFY(!(std::signbit(sorted[i]) && !std::signbit(sorted[i - 1])));
  }

  void logRatiosLikeTheDiagnostic() {
    // Values in a narrow range share the sign and exponent bytes: those passes are skipped.
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal(0.0, 0.4);
    std::vector<double> values(5000);
    for (double& v : values) v = normal(rng);
    std::vector<double> sorted = values;
    sortDoubles(sorted);
    QVERIFY(sameOrder(sorted, values));
  }
};

QTEST_GUILESS_MAIN(SortDoublesTest)
#include "test_sort_doubles.moc"

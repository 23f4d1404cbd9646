// The kernel density mode (core/stats/kernel_density_mode.h) against a brute-force search: the Gaussian kernel
// density with the same (Silverman) bandwidth evaluated over all points on a fine grid.
#include "test_support.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/stats/kernel_density_mode.h"

using namespace diffbio;

namespace {

// R's bw.nrd0, which the mode uses: 0.9 min(sd, IQR / 1.34) n^-1/5.
double silvermanBandwidth(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const auto n = static_cast<double>(values.size());
  double mean = 0;
  for (const double v : values) mean += v / n;
  double squares = 0;
  for (const double v : values) squares += (v - mean) * (v - mean);
  const double sd = std::sqrt(squares / (n - 1));
  const auto quantile = [&](double p) {
    const double position = (n - 1) * p;
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
  };
  return 0.9 * std::min(sd, (quantile(0.75) - quantile(0.25)) / 1.34) * std::pow(n, -0.2);
}

// The kernel density up to its constant factor: the sum of exp(-z^2/2) over every value, no window.
double density(const std::vector<double>& values, double h, double x) {
  double sum = 0;
  for (const double v : values) sum += std::exp(-0.5 * (v - x) * (v - x) / (h * h));
  return sum;
}

struct BruteForce {
  double location, density;
};

// The highest density on a grid of `points` over the data's range.
BruteForce bruteForceMode(const std::vector<double>& values, double h, int points) {
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  BruteForce best{*lo, -1};
  for (int i = 0; i <= points; ++i) {
    const double x = *lo + (*hi - *lo) * i / points;
    const double d = density(values, h, x);
    if (d > best.density) best = {x, d};
  }
  return best;
}

// The mode must be a point of the highest density: at least the grid's best, and within one grid step of it.
void checkAgainstBruteForce(const std::vector<double>& values, int points) {
  const double h = silvermanBandwidth(values);
  const double mode = stats::kernelDensityMode(Eigen::Map<const Eigen::VectorXd>(
      values.data(), static_cast<Eigen::Index>(values.size())));
  const BruteForce grid = bruteForceMode(values, h, points);
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  const double step = (*hi - *lo) / points;
  const double atMode = density(values, h, mode);
  qInfo("n %zu: mode %.10f (density %.12g), brute force %.10f (%.12g), step %.2g", values.size(), mode, atMode,
        grid.location, grid.density, step);
  QVERIFY(atMode >= grid.density * (1 - 1e-12));
  QVERIFY(std::abs(mode - grid.location) <= step);
}

}  // namespace

class KernelDensityModeTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void findsTheHighestPeakOfASkewedMixture() {
    // Log ratios as the size factors see them: most genes around 0.3, a fifth shifted up (one-sided DE).
    std::mt19937_64 rng(11);
    std::normal_distribution<double> main(0.3, 0.5), shifted(2.0, 0.3);
    std::bernoulli_distribution isShifted(0.2);
    std::vector<double> values(20000);
    for (double& v : values) v = isShifted(rng) ? shifted(rng) : main(rng);
    checkAgainstBruteForce(values, 6000);
  }

  void choosesTheHigherOfTwoNearlyEqualPeaks() {
    // 52 % around 0, 48 % around 3: the grid search must pick the basin at 0, then climb it.
    std::mt19937_64 rng(5);
    std::normal_distribution<double> left(0.0, 0.4), right(3.0, 0.4);
    std::vector<double> values;
    for (int i = 0; i < 5200; ++i) values.push_back(left(rng));
    for (int i = 0; i < 4800; ++i) values.push_back(right(rng));
    std::shuffle(values.begin(), values.end(), rng);
    checkAgainstBruteForce(values, 6000);
    const double mode = stats::kernelDensityMode(Eigen::Map<const Eigen::VectorXd>(values.data(), 10000));
    QVERIFY(std::abs(mode) < 0.2);
  }

  void handlesTiedSparseValues() {
    // Few distinct values with many ties, as log ratios of small whole counts: the binned counts of runs of equal
    // values must still add up per bin.
    std::mt19937_64 rng(3);
    std::poisson_distribution<int> counts(4.0);
    std::vector<double> values(3000);
    for (double& v : values) v = std::log((counts(rng) + 1) / 5.0);
    checkAgainstBruteForce(values, 6000);
  }

  void sortedEntryGivesTheSameNumber() {
    std::mt19937_64 rng(8);
    std::normal_distribution<double> normal(-0.2, 0.7);
    std::vector<double> values(4999);
    for (double& v : values) v = normal(rng);
    const double unsortedMode =
        stats::kernelDensityMode(Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size())));
    std::sort(values.begin(), values.end());
    QCOMPARE(stats::kernelDensityModeOfSorted(values.data(), values.size()), unsortedMode);
  }

  void smallAndEmptyInputs() {
    QVERIFY(std::isnan(stats::kernelDensityModeOfSorted(nullptr, 0)));
    const double two[] = {1.0, 2.0};
    QCOMPARE(stats::kernelDensityModeOfSorted(two, 2), 1.5);  // below 3 values: the median
    const double constant[] = {0.5, 0.5, 0.5, 0.5, 0.5};
    QCOMPARE(stats::kernelDensityModeOfSorted(constant, 5), 0.5);
  }
};

QTEST_GUILESS_MAIN(KernelDensityModeTest)
#include "test_kernel_density_mode.moc"

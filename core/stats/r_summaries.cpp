#include "core/stats/r_summaries.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R's mean(): a long double sum, then one refinement pass (summary.c).
double rMean(const double* values, std::size_t n) {
  long double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += values[i];
  sum /= static_cast<long double>(n);
  if (std::isfinite(static_cast<double>(sum))) {
    long double correction = 0;
    for (std::size_t i = 0; i < n; ++i) correction += values[i] - sum;
    sum += correction / static_cast<long double>(n);
  }
  return static_cast<double>(sum);
}

}  // namespace

double median(Eigen::VectorXd values) {
  const Eigen::Index n = values.size();
  if (n == 0) return kNaN;
  double* data = values.data();
  std::nth_element(data, data + n / 2, data + n);
  const double upper = data[n / 2];
  if (n % 2 == 1) return upper;
  const double lower = *std::max_element(data, data + n / 2);
  return 0.5 * (lower + upper);
}

double quantileType7Sorted(const double* sorted, std::size_t n, double probability) {
  // R: index <- 1 + (n - 1) * probs; lo <- floor(index); hi <- ceiling(index) (1-based).
  const double index = 1.0 + static_cast<double>(n - 1) * probability;
  const double lo = std::floor(index), hi = std::ceil(index);
  const double atLo = sorted[static_cast<std::size_t>(lo) - 1];
  const double atHi = sorted[static_cast<std::size_t>(hi) - 1];
  if (index > lo && atHi != atLo) {
    const double h = index - lo;
    return (1.0 - h) * atLo + h * atHi;
  }
  return atLo;
}

double quantileType7(Eigen::VectorXd values, double probability) {
  const Eigen::Index n = values.size();
  if (n == 0) return kNaN;
  std::sort(values.data(), values.data() + n);
  return quantileType7Sorted(values.data(), static_cast<std::size_t>(n), probability);
}

double trimmedMeanOfSorted(const double* sorted, std::size_t n, double trim) {
  if (trim >= 0.5) return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  const auto drop = static_cast<std::size_t>(std::floor(static_cast<double>(n) * trim));
  return rMean(sorted + drop, n - 2 * drop);
}

double trimmedMeanInPlace(std::vector<double>& values, double trim) {
  const std::size_t n = values.size();
  if (n == 0) return kNaN;
  if (std::any_of(values.begin(), values.end(), [](double v) { return std::isnan(v); })) return kNaN;
  if (trim > 0) {
    std::sort(values.begin(), values.end());
    return trimmedMeanOfSorted(values.data(), n, trim);
  }
  return rMean(values.data(), n);
}

double trimmedMean(std::vector<double> values, double trim) { return trimmedMeanInPlace(values, trim); }

}  // namespace diffbio::stats

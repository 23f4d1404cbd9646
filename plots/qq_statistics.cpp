#include "plots/qq_statistics.h"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>

namespace diffbio::plots {

double genomicInflation(const std::vector<double>& pvalues) {
  std::vector<double> p;
  p.reserve(pvalues.size());
  for (double v : pvalues)
    if (v == v) p.push_back(std::clamp(v, 1e-300, 1.0));
  if (p.empty()) return std::nan("");
  // The χ² quantile falls as p rises, so the median χ² is the χ² of the median p (for even n, the mean of the two
  // middle χ² values, as R's median(qchisq(1 - p, 1)) gives).
  const std::size_t mid = p.size() / 2;
  std::nth_element(p.begin(), p.begin() + mid, p.end());
  const boost::math::chi_squared chi(1);
  const double upper = boost::math::quantile(boost::math::complement(chi, p[mid]));
  double median = upper;
  if (p.size() % 2 == 0) {
    const double below = *std::max_element(p.begin(), p.begin() + mid);
    median = (upper + boost::math::quantile(boost::math::complement(chi, below))) / 2;
  }
  return median / boost::math::median(chi);
}

std::vector<double> expectedMinusLog10(std::size_t n) {
  std::vector<double> expected(n);
  for (std::size_t i = 0; i < n; ++i) expected[i] = -std::log10((double(i) + 0.5) / double(n));
  return expected;
}

QqBand qqBand(std::size_t n, std::size_t samples) {
  QqBand band;
  if (n == 0) return band;
  const double top = -std::log10(0.5 / double(n));
  std::size_t lastRank = 0;
  for (std::size_t s = 0; s <= samples; ++s) {
    // Ranks at evenly spaced -log10 expected values, from the smallest p (rank 1) to the largest (rank n).
    const double e = top * (1.0 - double(s) / double(samples));
    const std::size_t rank = std::clamp<std::size_t>(std::size_t(std::llround(n * std::pow(10.0, -e) + 0.5)), 1, n);
    if (rank == lastRank) continue;
    lastRank = rank;
    const boost::math::beta_distribution<double> order(double(rank), double(n - rank + 1));
    band.expected.push_back(-std::log10((double(rank) - 0.5) / double(n)));
    band.low.push_back(-std::log10(boost::math::quantile(order, 0.975)));
    band.high.push_back(-std::log10(boost::math::quantile(order, 0.025)));
  }
  return band;
}

}  // namespace diffbio::plots

#include "core/stats/multiple_testing.h"

#include "core/stats/r_summaries.h"
#include "core/util/sort_doubles.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Indices of the non-NaN p-values, largest p-value first (the order p.adjust's BH walks in).
// Ties keep the gene order (a stable sort); sorting (p, index) pairs gives that order without indirect comparisons.
std::vector<Eigen::Index> decreasingOrder(const Eigen::VectorXd& pvalues) {
  std::vector<std::pair<double, Eigen::Index>> keyed;
  keyed.reserve(static_cast<std::size_t>(pvalues.size()));
  for (Eigen::Index g = 0; g < pvalues.size(); ++g)
    if (!std::isnan(pvalues[g])) keyed.emplace_back(pvalues[g], g);
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  std::vector<Eigen::Index> order(keyed.size());
  for (std::size_t k = 0; k < keyed.size(); ++k) order[k] = keyed[k].second;
  return order;
}

// BH over the genes in `order` (decreasing p) for which keep(g) holds; writes their padj, leaves others alone.
// Mirrors p.adjust: n is the number of kept non-NA p-values, padj = min(1, cummin(n / i * p)) with i = n..1;
// with n <= 1, p.adjust returns p unchanged.
template <typename Keep>
void adjustSubset(const Eigen::VectorXd& pvalues, const std::vector<Eigen::Index>& order, Keep keep,
                  Eigen::VectorXd& padj) {
  long n = 0;
  for (Eigen::Index g : order)
    if (keep(g)) ++n;
  if (n <= 1) {
    for (Eigen::Index g : order)
      if (keep(g)) padj[g] = pvalues[g];
    return;
  }
  const double nTests = static_cast<double>(n);
  double runningMin = std::numeric_limits<double>::infinity();
  long rank = n;  // rank of the current p-value in increasing order (1-based)
  for (Eigen::Index g : order) {
    if (!keep(g)) continue;
    runningMin = std::min(runningMin, nTests / static_cast<double>(rank) * pvalues[g]);
    padj[g] = std::min(1.0, runningMin);
    --rank;
  }
}

// How many of the kept genes adjustSubset would give padj < alpha, without writing them. padj is a running minimum
// of min(1, n / rank * p) from the largest p-value down, so once it falls below alpha every smaller p-value's padj
// does too, and the count is that rank. A gene with p >= alpha never brings it below alpha (n / rank >= 1), so the
// walk starts at `first`, the first gene in `order` with p < alpha, with the rank the kept genes before it leave.
// The same comparisons on the same numbers as adjusting and counting. `n`: kept genes in `order`; `nBefore`: kept
// genes before `first`.
template <typename Keep>
long bhRejections(const Eigen::VectorXd& pvalues, const std::vector<Eigen::Index>& order, std::size_t first,
                  Keep keep, long n, long nBefore, double alpha) {
  if (n <= 1) return n == 1 && nBefore == 0 ? 1 : 0;  // p.adjust leaves a single p-value as it is
  const double nTests = static_cast<double>(n);
  double runningMin = std::numeric_limits<double>::infinity();
  long rank = n - nBefore;
  for (std::size_t k = first; k < order.size(); ++k) {
    const Eigen::Index g = order[k];
    if (!keep(g)) continue;
    runningMin = std::min(runningMin, nTests / static_cast<double>(rank) * pvalues[g]);
    if (std::min(1.0, runningMin) < alpha) return rank;
    --rank;
  }
  return 0;
}

double cube(double v) { return v * v * v; }
double square(double v) { return v * v; }

// clowess's `lowest`: the fitted value at xs from a weighted linear fit over the points left..right (0-based),
// extended to the right over ties. Tricube weights on distance / h, times robustness weights when given. Returns
// false when every weight is zero. `w` is scratch space of length n.
bool localLinearFit(const std::vector<double>& x, const std::vector<double>& y, double xs, std::size_t left,
                    std::size_t right, const std::vector<double>* robustness, std::vector<double>& w,
                    double& fitted) {
  const std::size_t n = x.size();
  const double range = x[n - 1] - x[0];
  const double h = std::max(xs - x[left], x[right] - xs);
  const double h9 = 0.999 * h, h1 = 0.001 * h;
  double weightSum = 0;
  std::size_t j = left;
  for (; j < n; ++j) {
    w[j] = 0;
    const double r = std::fabs(x[j] - xs);
    if (r <= h9) {
      w[j] = r <= h1 ? 1.0 : cube(1.0 - cube(r / h));
      if (robustness) w[j] *= (*robustness)[j];
      weightSum += w[j];
    } else if (x[j] > xs) {
      break;
    }
  }
  const std::size_t end = j;  // one past the rightmost point used (ties on the right are included)
  if (weightSum <= 0) return false;
  for (std::size_t k = left; k < end; ++k) w[k] /= weightSum;
  if (h > 0) {
    // Fit a line through the weighted centre of x; fall back to the weighted mean when x barely spreads.
    double centre = 0;
    for (std::size_t k = left; k < end; ++k) centre += w[k] * x[k];
    double slope = xs - centre;
    double spread = 0;
    for (std::size_t k = left; k < end; ++k) spread += w[k] * square(x[k] - centre);
    if (std::sqrt(spread) > 0.001 * range) {
      slope /= spread;
      for (std::size_t k = left; k < end; ++k) w[k] *= (slope * (x[k] - centre) + 1.0);
    }
  }
  fitted = 0;
  for (std::size_t k = left; k < end; ++k) fitted += w[k] * y[k];
  return true;
}

// 6 * median(|residuals|) as clowess computes it (mean of the two middle values for even n).
double sixMedianAbs(std::vector<double> absResiduals) {
  const std::size_t n = absResiduals.size();
  const std::size_t m1 = n / 2;
  std::nth_element(absResiduals.begin(), absResiduals.begin() + static_cast<long>(m1), absResiduals.end());
  const double upper = absResiduals[m1];
  if (n % 2 == 1) return 6.0 * upper;
  const std::size_t m2 = n - m1 - 1;
  std::nth_element(absResiduals.begin(), absResiduals.begin() + static_cast<long>(m2), absResiduals.end());
  return 3.0 * (upper + absResiduals[m2]);
}

// R's clowess on x sorted ascending.
std::vector<double> clowess(const std::vector<double>& x, const std::vector<double>& y, double f, int iterations,
                            double delta) {
  const std::size_t n = x.size();
  std::vector<double> ys(n), residuals(n), robustness(n, 1.0), w(n);
  if (n < 2) {
    if (n == 1) ys[0] = y[0];
    return ys;
  }
  // Points in each neighbourhood: at least two, at most n.
  const auto span = static_cast<std::size_t>(
      std::max<long>(2, std::min<long>(static_cast<long>(n), static_cast<long>(f * static_cast<double>(n) + 1e-7))));

  for (int iteration = 1; iteration <= iterations + 1; ++iteration) {
    std::size_t left = 0, right = span - 1;
    long last = -1;  // index of the previous point actually fitted
    std::size_t i = 0;
    for (;;) {
      if (right < n - 1) {
        // Slide the window right while that shrinks its radius around x[i].
        const double d1 = x[i] - x[left];
        const double d2 = x[right + 1] - x[i];
        if (d1 > d2) {
          ++left;
          ++right;
          continue;
        }
      }
      double fitted = 0;
      const bool ok = localLinearFit(x, y, x[i], left, right, iteration > 1 ? &robustness : nullptr, w, fitted);
      ys[i] = ok ? fitted : y[i];
      // Points skipped within delta are interpolated linearly between fitted neighbours.
      if (last < static_cast<long>(i) - 1) {
        const double denom = x[i] - x[static_cast<std::size_t>(last)];
        for (std::size_t j = static_cast<std::size_t>(last + 1); j < i; ++j) {
          const double a = (x[j] - x[static_cast<std::size_t>(last)]) / denom;
          ys[j] = a * ys[i] + (1.0 - a) * ys[static_cast<std::size_t>(last)];
        }
      }
      last = static_cast<long>(i);
      const auto lastIndex = static_cast<std::size_t>(last);
      const double cut = x[lastIndex] + delta;
      for (i = lastIndex + 1; i < n; ++i) {
        if (x[i] > cut) break;
        if (x[i] == x[static_cast<std::size_t>(last)]) {
          ys[i] = ys[static_cast<std::size_t>(last)];
          last = static_cast<long>(i);
        }
      }
      i = std::max(static_cast<std::size_t>(last) + 1, i - 1);
      if (static_cast<std::size_t>(last) >= n - 1) break;
    }
    double meanAbsResidual = 0;
    for (std::size_t k = 0; k < n; ++k) {
      residuals[k] = y[k] - ys[k];
      meanAbsResidual += std::fabs(residuals[k]);
    }
    meanAbsResidual /= static_cast<double>(n);
    if (iteration > iterations) break;

    // Bisquare robustness weights on residuals scaled by 6 * MAD.
    std::vector<double> absResiduals(n);
    for (std::size_t k = 0; k < n; ++k) absResiduals[k] = std::fabs(residuals[k]);
    const double cmad = sixMedianAbs(absResiduals);
    if (cmad < 1e-7 * meanAbsResidual) break;  // residuals effectively zero
    const double c9 = 0.999 * cmad, c1 = 0.001 * cmad;
    for (std::size_t k = 0; k < n; ++k) {
      const double r = absResiduals[k];
      robustness[k] = r <= c1 ? 1.0 : (r <= c9 ? square(1.0 - square(r / cmad)) : 0.0);
    }
  }
  return ys;
}

}  // namespace

Eigen::VectorXd adjustBenjaminiHochberg(const Eigen::VectorXd& pvalues) {
  Eigen::VectorXd padj = Eigen::VectorXd::Constant(pvalues.size(), kNaN);
  adjustSubset(pvalues, decreasingOrder(pvalues), [](Eigen::Index) { return true; }, padj);
  return padj;
}

Eigen::VectorXd evenlySpaced(double from, double to, int n) {
  if (n < 1) throw std::invalid_argument("evenlySpaced: need at least one point");
  Eigen::VectorXd values(n);
  values[0] = from;
  if (n == 1) return values;
  if (from == to) return Eigen::VectorXd::Constant(n, from);
  const double by = (to - from) / static_cast<double>(n - 1);
  for (int k = 1; k < n - 1; ++k) values[k] = from + static_cast<double>(k) * by;
  values[n - 1] = to;
  return values;
}

Eigen::VectorXd quantilesType7(Eigen::VectorXd values, const Eigen::VectorXd& probabilities) {
  const Eigen::Index n = values.size();
  Eigen::VectorXd q = Eigen::VectorXd::Constant(probabilities.size(), kNaN);
  if (n == 0) return q;
  // Sorted once for all the probabilities; by radix unless a value is NaN (sortDoubles' precondition).
  std::vector<double> sorted(values.data(), values.data() + n);
  if (values.array().isNaN().any())
    std::sort(sorted.begin(), sorted.end());
  else
    sortDoubles(sorted);
  for (Eigen::Index k = 0; k < probabilities.size(); ++k)
    q[k] = quantileType7Sorted(sorted.data(), static_cast<std::size_t>(n), probabilities[k]);
  return q;
}

LowessFit lowess(const Eigen::VectorXd& x, const Eigen::VectorXd& y, double f, int iterations,
                 std::optional<double> delta) {
  if (x.size() != y.size()) throw std::invalid_argument("lowess: x and y differ in length");
  std::vector<Eigen::Index> order(static_cast<std::size_t>(x.size()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return x[a] < x[b]; });
  std::vector<double> xs, ys;
  xs.reserve(order.size());
  ys.reserve(order.size());
  for (Eigen::Index k : order) {
    xs.push_back(x[k]);
    ys.push_back(y[k]);
  }
  const double step = delta ? *delta : (xs.empty() ? 0.0 : 0.01 * (xs.back() - xs.front()));
  const std::vector<double> fitted = clowess(xs, ys, f, iterations, step);
  LowessFit fit;
  fit.x = Eigen::Map<const Eigen::VectorXd>(xs.data(), static_cast<Eigen::Index>(xs.size()));
  fit.y = Eigen::Map<const Eigen::VectorXd>(fitted.data(), static_cast<Eigen::Index>(fitted.size()));
  return fit;
}

IndependentFiltering independentFiltering(const Eigen::VectorXd& pvalues, const Eigen::VectorXd& filter,
                                          double alpha, std::optional<Eigen::VectorXd> theta) {
  if (pvalues.size() != filter.size())
    throw std::invalid_argument("independentFiltering: p-values and filter statistic differ in length");
  if (filter.size() == 0) throw std::invalid_argument("independentFiltering: no genes");
  if (filter.array().isNaN().any())
    throw std::invalid_argument("independentFiltering: the filter statistic has missing values");

  IndependentFiltering result;
  if (theta) {
    result.theta = *theta;
  } else {
    // DESeq2: from the fraction of genes with filter 0 up to 0.95 (or 1 when that fraction is already >= 0.95).
    const double lowerQuantile =
        static_cast<double>((filter.array() == 0.0).count()) / static_cast<double>(filter.size());
    const double upperQuantile = lowerQuantile < 0.95 ? 0.95 : 1.0;
    result.theta = evenlySpaced(lowerQuantile, upperQuantile, 50);
  }
  const Eigen::Index nTheta = result.theta.size();
  if (nTheta < 2) throw std::invalid_argument("independentFiltering: need at least two theta values");
  result.cutoffs = quantilesType7(filter, result.theta);

  // genefilter::filtered_p: one BH adjustment per cutoff over the genes at or above it. Sorting once serves all.
  const std::vector<Eigen::Index> order = decreasingOrder(pvalues);
  auto adjustAtCutoff = [&](double cutoff) {
    Eigen::VectorXd padj = Eigen::VectorXd::Constant(pvalues.size(), kNaN);
    adjustSubset(pvalues, order, [&](Eigen::Index g) { return filter[g] >= cutoff; }, padj);
    return padj;
  };
  // Per cutoff: the number of tested genes at or above it, and of those with p >= alpha (which come first in
  // `order`), by binary search in their sorted filter values; then bhRejections walks the genes with p < alpha.
  const auto firstSmall = static_cast<std::size_t>(
      std::find_if(order.begin(), order.end(), [&](Eigen::Index g) { return pvalues[g] < alpha; }) - order.begin());
  std::vector<double> testedFilter(order.size());
  for (std::size_t k = 0; k < order.size(); ++k) testedFilter[k] = filter[order[k]];
  std::vector<double> largeFilter(testedFilter.begin(), testedFilter.begin() + static_cast<long>(firstSmall));
  sortDoubles(testedFilter);  // the filter has no NaN (checked above)
  sortDoubles(largeFilter);
  const auto atOrAbove = [](const std::vector<double>& sorted, double cutoff) {
    return static_cast<long>(sorted.end() - std::lower_bound(sorted.begin(), sorted.end(), cutoff));
  };
  result.rejections.resize(nTheta);
  for (Eigen::Index t = 0; t < nTheta; ++t) {
    const double cutoff = result.cutoffs[t];
    const auto kept = [&](Eigen::Index g) { return filter[g] >= cutoff; };
    result.rejections[t] = static_cast<double>(bhRejections(pvalues, order, firstSmall, kept,
                                                            atOrAbove(testedFilter, cutoff),
                                                            atOrAbove(largeFilter, cutoff), alpha));
  }

  result.lowessFit = lowess(result.theta, result.rejections, 1.0 / 5.0).y;
  // lowess returns its fit in the order of sorted theta; DESeq2 indexes it as if theta were sorted already, which
  // its default theta is.
  Eigen::Index chosen = 0;
  if (result.rejections.maxCoeff() > 10) {
    double sumSquares = 0;
    long counted = 0;
    for (Eigen::Index t = 0; t < nTheta; ++t) {
      if (result.rejections[t] > 0) {
        sumSquares += square(result.rejections[t] - result.lowessFit[t]);
        ++counted;
      }
    }
    const double rootMeanSquare = std::sqrt(sumSquares / static_cast<double>(counted));
    const double threshold = result.lowessFit.maxCoeff() - rootMeanSquare;
    for (Eigen::Index t = 0; t < nTheta; ++t) {
      if (result.rejections[t] > threshold) {
        chosen = t;
        break;
      }
    }
  }
  result.chosenIndex = chosen;
  result.padj = adjustAtCutoff(result.cutoffs[chosen]);
  result.filterThreshold = result.cutoffs[chosen];
  result.filterTheta = result.theta[chosen];
  return result;
}

}  // namespace diffbio::stats

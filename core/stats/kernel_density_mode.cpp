#include "core/stats/kernel_density_mode.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "core/stats/r_summaries.h"
#include "core/util/sort_doubles.h"
#include "core/util/vector_math.h"

namespace diffbio::stats {

namespace {

// The Gaussian kernel density and its first two derivatives at a point (up to a common positive factor).
struct Derivatives {
  double density = 0, slope = 0, curvature = 0;
};

// Exact kernel density evaluations over sorted data. Points beyond 8 bandwidths contribute less than exp(-32) and
// are skipped, so each evaluation touches a window of the data; the window is contiguous, so its kernel values go
// through the vector exp in one call.
class GaussianKernelDensity {
 public:
  GaussianKernelDensity(const double* sorted, std::size_t n, double bandwidth)
      : sorted_(sorted), n_(n), h_(bandwidth), inverseH_(1.0 / bandwidth) {}

  Derivatives at(double x) {
    const double* lo = std::lower_bound(sorted_, sorted_ + n_, x - 8 * h_);
    const double* hi = std::upper_bound(lo, sorted_ + n_, x + 8 * h_);
    const auto count = static_cast<std::size_t>(hi - lo);
    standardized_.resize(count);
    kernelValues_.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      const double z = (lo[i] - x) * inverseH_;
      standardized_[i] = z;
      kernelValues_[i] = -0.5 * z * z;
    }
    expInPlace(kernelValues_.data(), count);
    // Four running sums per quantity: a single chain of additions would wait on each previous one.
    double density[4] = {0, 0, 0, 0}, slope[4] = {0, 0, 0, 0}, curvature[4] = {0, 0, 0, 0};
    const auto add = [&](std::size_t i, int lane) {
      const double z = standardized_[i];
      const double k = kernelValues_[i];
      density[lane] += k;
      slope[lane] += z * k;
      curvature[lane] += (z * z - 1) * k;
    };
    std::size_t i = 0;
    for (; i + 4 <= count; i += 4)
      for (int lane = 0; lane < 4; ++lane) add(i + static_cast<std::size_t>(lane), lane);
    for (; i < count; ++i) add(i, 0);
    Derivatives d;
    d.density = (density[0] + density[1]) + (density[2] + density[3]);
    d.slope = (slope[0] + slope[1]) + (slope[2] + slope[3]);
    d.curvature = (curvature[0] + curvature[1]) + (curvature[2] + curvature[3]);
    return d;
  }

 private:
  const double* sorted_;
  std::size_t n_;
  double h_, inverseH_;
  std::vector<double> standardized_, kernelValues_;
};

// Counts of the sorted values per bin of `width`; bin b covers [lo + (b - reach - 1/2) width,
// lo + (b - reach + 1/2) width). First every value's bin position, floor((value - lo) / width + 1/2) + reach, in a
// loop without branches. The positions of sorted values are sorted too, so a bin's count is the difference of
// where its run of positions ends and where the previous bin's ended; the ends are found by plain stores, the last
// value of a bin writing last. (Adding 1 in memory per value waits on the previous store to the same bin; counting
// runs in a register branches on every change of bin, which mispredicts on the quarters' sparse data.)
//
// The positions take a division and a floor per value. GCC vectorises neither floor nor this loop for plain
// x86-64, so on AVX2 CPUs it runs four at a time through intrinsics: the same IEEE division and rounding, the same
// numbers.
void binPositionsScalar(const double* sorted, std::size_t n, double lo, double width, double reach, double* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = std::floor((sorted[i] - lo) / width + 0.5) + reach;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) void binPositionsAvx2(const double* sorted, std::size_t n, double lo, double width,
                                                      double reach, double* out) {
  const __m256d vLo = _mm256_set1_pd(lo), vWidth = _mm256_set1_pd(width), vHalf = _mm256_set1_pd(0.5),
                vReach = _mm256_set1_pd(reach);
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m256d t = _mm256_add_pd(_mm256_div_pd(_mm256_sub_pd(_mm256_loadu_pd(sorted + i), vLo), vWidth), vHalf);
    _mm256_storeu_pd(out + i, _mm256_add_pd(_mm256_floor_pd(t), vReach));
  }
  binPositionsScalar(sorted + i, n - i, lo, width, reach, out + i);
}

const bool kBinPositionsAvx2 = __builtin_cpu_supports("avx2");
#endif

void binPositions(const double* sorted, std::size_t n, double lo, double width, double reach, double* out) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (kBinPositionsAvx2) return binPositionsAvx2(sorted, n, lo, width, reach, out);
#endif
  binPositionsScalar(sorted, n, lo, width, reach, out);
}

std::vector<double> binnedCounts(const double* sorted, std::size_t n, double lo, double width, std::int64_t reach,
                                 std::int64_t nBins) {
  std::vector<double> positions(n);
  binPositions(sorted, n, lo, width, static_cast<double>(reach), positions.data());
  // Positions outside the bins are a prefix (below 0) and a suffix (nBins and above).
  const auto first = std::lower_bound(positions.begin(), positions.end(), 0.0);
  const auto last = std::lower_bound(first, positions.end(), static_cast<double>(nBins));
  std::vector<std::int64_t> endOfBin(static_cast<std::size_t>(nBins), -1);  // one past the bin's last value
  std::int64_t index = 0;
  for (auto p = first; p != last; ++p) endOfBin[static_cast<std::size_t>(*p)] = ++index;
  std::vector<double> binCount(static_cast<std::size_t>(nBins), 0.0);
  std::int64_t previousEnd = 0;
  for (std::size_t b = 0; b < binCount.size(); ++b) {
    if (endOfBin[b] < 0) continue;
    binCount[b] = static_cast<double>(endOfBin[b] - previousEnd);
    previousEnd = endOfBin[b];
  }
  return binCount;
}

// The grid point (0..grid) of highest binned density: grid point i sits on the centre of bin i * binsPerStep + reach
// and sums the bins within reach of it, weighted by `kernel` (2 reach + 1 values). The first of equal maxima wins.
int highestGridPoint(const std::vector<double>& binCount, const std::vector<double>& kernel,
                                         int grid, int binsPerStep) {
  const std::size_t span = kernel.size();
  double gridBest = -INFINITY;
  int gridBestIndex = -1;
  for (int i = 0; i <= grid; ++i) {
    const double* counts = binCount.data() + std::int64_t{i} * binsPerStep;
    double partial[4] = {0, 0, 0, 0};
    std::size_t m = 0;
    for (; m + 4 <= span; m += 4)
      for (int u = 0; u < 4; ++u) partial[u] += counts[m + u] * kernel[m + u];
    for (; m < span; ++m) partial[0] += counts[m] * kernel[m];
    const double density = (partial[0] + partial[1]) + (partial[2] + partial[3]);
    if (density > gridBest) {
      gridBest = density;
      gridBestIndex = i;
    }
  }
  return gridBestIndex;
}

}  // namespace

double kernelDensityModeOfSorted(const double* sorted, std::size_t count) {
  const auto n = static_cast<Eigen::Index>(count);
  if (n == 0) return std::nan("");
  const Eigen::Map<const Eigen::VectorXd> v(sorted, n);
  if (n < 3) return median(v);
  // quantileType7 and median on data that is already sorted (the same numbers, without their copy and sort).
  const auto quantile = [&](double probability) {
    const double position = (static_cast<double>(n) - 1) * probability;
    const auto below = static_cast<Eigen::Index>(std::floor(position));
    const Eigen::Index above = std::min(below + 1, n - 1);
    return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
  };
  const double middle = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  const double mean = v.mean();
  const double sd = std::sqrt((v.array() - mean).square().sum() / static_cast<double>(n - 1));
  const double iqr = quantile(0.75) - quantile(0.25);
  double spread = std::min(sd, iqr / 1.34);
  if (!(spread > 0)) spread = sd > 0 ? sd : 1e-3;
  const double h = 0.9 * spread * std::pow(static_cast<double>(n), -0.2);  // Silverman's rule
  GaussianKernelDensity density(sorted, count, h);

  // Coarse search on a grid between the 1st and 99th percentiles, then Newton's method on the density's slope,
  // which converges to the exact mode of the kernel density estimate in a few steps.
  //
  // The grid only has to find the basin of the highest peak; Newton's method then climbs it on the exact density.
  // So the 257 grid densities come from the data binned at 1/4 of the grid step (a few hundredths of the
  // bandwidth), each bin counted at its centre: an error of about (bin width / h)^2 / 24 < 1e-4 relative, which can
  // only matter when two separate peaks are that close in height. Exact evaluations at all grid points would cost
  // 257 passes over most of the data.
  const double lo = quantile(0.01), hi = quantile(0.99);
  constexpr int kGrid = 256;
  double best = middle;
  Derivatives atBest = density.at(best);  // kept: Newton's method starts with the derivatives at `best`
  constexpr int kSub = 4;  // bins per grid step
  const double width = (hi - lo) / kGrid / kSub;
  const double reachBins = 8 * h / width + 1;
  if (width > 1e-9 * (std::abs(lo) + std::abs(hi) + 1) && reachBins < 16384) {
    const auto reach = static_cast<std::int64_t>(reachBins);
    const std::int64_t nBins = std::int64_t{kGrid} * kSub + 2 * reach + 1;
    const std::vector<double> binCount = binnedCounts(sorted, count, lo, width, reach, nBins);
    std::vector<double> kernel(static_cast<std::size_t>(2 * reach + 1));
    for (std::int64_t m = -reach; m <= reach; ++m) {
      const double z = static_cast<double>(m) * width / h;
      kernel[static_cast<std::size_t>(m + reach)] = std::exp(-0.5 * z * z);
    }
    const int gridBestIndex = highestGridPoint(binCount, kernel, kGrid, kSub);
    const double candidate = lo + (hi - lo) * gridBestIndex / kGrid;
    const Derivatives atCandidate = density.at(candidate);
    if (atCandidate.density > atBest.density) {
      atBest = atCandidate;
      best = candidate;
    }
  } else {
    // Data (nearly) constant at the grid's scale, or a bandwidth of many grid widths: exact densities at the grid.
    for (int i = 0; i <= kGrid; ++i) {
      const double x = lo + (hi - lo) * i / kGrid;
      const Derivatives atX = density.at(x);
      if (atX.density > atBest.density) {
        atBest = atX;
        best = x;
      }
    }
  }
  for (int iteration = 0; iteration < 100; ++iteration) {
    const Derivatives d = iteration == 0 ? atBest : density.at(best);
    // Newton step where the density is concave; otherwise a mean-shift step, which always climbs.
    const double step = d.curvature < 0 ? -h * d.slope / d.curvature : h * d.slope / d.density;
    const double limited = std::clamp(step, -h, h);
    best += limited;
    if (std::abs(limited) < 1e-12 * (1 + std::abs(best))) break;
  }
  return best;
}

double kernelDensityMode(const Eigen::VectorXd& values) {
  std::vector<double> sorted(values.data(), values.data() + values.size());
  if (!std::is_sorted(sorted.begin(), sorted.end())) sortDoubles(sorted);
  return kernelDensityModeOfSorted(sorted.data(), sorted.size());
}

}  // namespace diffbio::stats

#include "core/stats/size_factors.h"

#include "core/util/parallel.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "core/util/error.h"
#include "core/util/sort_doubles.h"
#include "core/util/vector_math.h"

namespace diffbio::stats {

namespace {


Eigen::VectorXd normaliseGeometricMean(const Eigen::VectorXd& factors) {
  return factors / std::exp(factors.array().log().mean());
}

void requirePositiveLibraries(const Counts& counts, const char* method) {
  const Eigen::VectorXd libraries = counts.rowwise().sum();
  for (Eigen::Index j = 0; j < libraries.size(); ++j) {
    if (!(libraries[j] > 0)) {
      throw InputError({}, std::string("sample ") + std::to_string(j + 1) + " has no counts, so its " + method +
                               " size factor is undefined",
                       "remove empty samples before normalising");
    }
  }
}

// R's rank(): average ranks for ties, 1-based.
std::vector<double> averageRanks(const std::vector<double>& values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

Eigen::VectorXd medianOfRatios(const Counts& counts) {
  const Eigen::MatrixXd ratios = logRatiosToGeometricMean(counts);
  if (ratios.rows() == 0) {
    throw InputError({}, "every gene has a zero in at least one sample, so median-of-ratios size factors are undefined",
                     "use poscounts (--size-factors poscounts), or filter out samples with very few reads");
  }
  Eigen::VectorXd factors(counts.rows());
  parallelFor(0, counts.rows(), 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) factors[j] = std::exp(median(ratios.col(j)));
  });
  return factors;
}

Eigen::VectorXd positiveCounts(const Counts& counts) {
  const Eigen::Index nSamples = counts.rows(), nGenes = counts.cols();
  // Geometric mean over positive counts, divided by the number of all samples (DESeq2's geoMeanNZ).
  Eigen::VectorXd logGeoMean(nGenes);
  for (Eigen::Index g = 0; g < nGenes; ++g) {
    double sum = 0;
    bool any = false;
    for (Eigen::Index j = 0; j < nSamples; ++j)
      if (counts(j, g) > 0) {
        sum += std::log(counts(j, g));
        any = true;
      }
    logGeoMean[g] = any ? sum / static_cast<double>(nSamples) : -INFINITY;
  }
  if (!logGeoMean.array().isFinite().any())
    throw InputError({}, "all genes have only zero counts", "check that the count matrix is not empty");
  Eigen::VectorXd factors(nSamples);
  std::vector<double> ratios;
  for (Eigen::Index j = 0; j < nSamples; ++j) {
    ratios.clear();
    for (Eigen::Index g = 0; g < nGenes; ++g)
      if (std::isfinite(logGeoMean[g]) && counts(j, g) > 0) ratios.push_back(std::log(counts(j, g)) - logGeoMean[g]);
    if (ratios.empty())
      throw InputError({}, "sample " + std::to_string(j + 1) + " has no positive counts", "remove empty samples");
    factors[j] = std::exp(median(Eigen::Map<Eigen::VectorXd>(ratios.data(), static_cast<Eigen::Index>(ratios.size()))));
  }
  return normaliseGeometricMean(factors);
}

// edgeR drops genes that are zero in every sample before computing normalisation factors.
Counts dropAllZeroGenes(const Counts& counts) {
  std::vector<Eigen::Index> keep;
  for (Eigen::Index g = 0; g < counts.cols(); ++g)
    if ((counts.col(g).array() > 0).any()) keep.push_back(g);
  Counts kept(counts.rows(), static_cast<Eigen::Index>(keep.size()));
  for (std::size_t k = 0; k < keep.size(); ++k) kept.col(static_cast<Eigen::Index>(k)) = counts.col(keep[k]);
  return kept;
}

// Upper quartile of each sample's counts over its library size (edgeR's .calcFactorQuantile).
Eigen::VectorXd upperQuartileFactors(const Counts& counts, const Eigen::VectorXd& libraries) {
  Eigen::VectorXd f(counts.rows());
  for (Eigen::Index j = 0; j < counts.rows(); ++j)
    f[j] = quantileType7(counts.row(j).transpose(), 0.75) / libraries[j];
  return f;
}

// edgeR's .calcFactorTMM for one sample against the reference sample.
double tmmFactor(const Eigen::VectorXd& obs, const Eigen::VectorXd& ref, double libObs, double libRef) {
  constexpr double logratioTrim = 0.3, sumTrim = 0.05;
  std::vector<double> logR, absE, variance;
  for (Eigen::Index g = 0; g < obs.size(); ++g) {
    const double o = obs[g], r = ref[g];
    const double lr = std::log2((o / libObs) / (r / libRef));
    const double ae = (std::log2(o / libObs) + std::log2(r / libRef)) / 2;
    if (!std::isfinite(lr) || !std::isfinite(ae)) continue;
    logR.push_back(lr);
    absE.push_back(ae);
    variance.push_back((libObs - o) / libObs / o + (libRef - r) / libRef / r);
  }
  if (logR.empty()) return 1.0;
  double maxAbs = 0;
  for (double v : logR) maxAbs = std::max(maxAbs, std::abs(v));
  if (maxAbs < 1e-6) return 1.0;
  const double n = static_cast<double>(logR.size());
  const double loL = std::floor(n * logratioTrim) + 1, hiL = n + 1 - loL;
  const double loS = std::floor(n * sumTrim) + 1, hiS = n + 1 - loS;
  const auto rankR = averageRanks(logR), rankE = averageRanks(absE);
  double numerator = 0, denominator = 0;
  for (std::size_t i = 0; i < logR.size(); ++i) {
    if (rankR[i] >= loL && rankR[i] <= hiL && rankE[i] >= loS && rankE[i] <= hiS) {
      numerator += logR[i] / variance[i];
      denominator += 1.0 / variance[i];
    }
  }
  const double f = denominator > 0 ? numerator / denominator : 0.0;
  return std::exp2(std::isfinite(f) ? f : 0.0);
}

Eigen::VectorXd tmmFactors(const Counts& kept, const Eigen::VectorXd& libraries) {
  const Eigen::VectorXd f75 = upperQuartileFactors(kept, libraries);
  Eigen::Index reference = 0;
  if (median(f75) < 1e-20) {
    (kept.array().sqrt().rowwise().sum()).maxCoeff(&reference);
  } else {
    (f75.array() - f75.mean()).abs().minCoeff(&reference);
  }
  Eigen::VectorXd f(kept.rows());
  for (Eigen::Index j = 0; j < kept.rows(); ++j)
    f[j] = tmmFactor(kept.row(j).transpose(), kept.row(reference).transpose(), libraries[j], libraries[reference]);
  return f;
}

// edgeR normalisation factors -> DESeq2-style size factors: effective library sizes scaled to geometric mean one.
Eigen::VectorXd effectiveLibrarySizeFactors(const Eigen::VectorXd& libraries, const Eigen::VectorXd& normFactors) {
  return normaliseGeometricMean(libraries.cwiseProduct(normaliseGeometricMean(normFactors)));
}

Eigen::VectorXd modeOfRatios(const Counts& counts) {
  const Eigen::MatrixXd ratios = logRatiosToGeometricMean(counts);
  if (ratios.rows() == 0) {
    throw InputError({}, "every gene has a zero in at least one sample, so mode-of-ratios size factors are undefined",
                     "use poscounts (--size-factors poscounts)");
  }
  Eigen::VectorXd factors(counts.rows());
  parallelFor(0, counts.rows(), 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) factors[j] = std::exp(kernelDensityMode(ratios.col(j)));
  });
  return factors;
}

}  // namespace

const char* sizeFactorMethodName(SizeFactorMethod method) {
  switch (method) {
    case SizeFactorMethod::Ratio: return "ratio";
    case SizeFactorMethod::PosCounts: return "poscounts";
    case SizeFactorMethod::UpperQuartile: return "upperquartile";
    case SizeFactorMethod::Tmm: return "tmm";
    case SizeFactorMethod::Mode: return "mode";
  }
  return "?";
}

SizeFactorMethod parseSizeFactorMethod(const std::string& name) {
  for (auto m : {SizeFactorMethod::Ratio, SizeFactorMethod::PosCounts, SizeFactorMethod::UpperQuartile,
                 SizeFactorMethod::Tmm, SizeFactorMethod::Mode})
    if (name == sizeFactorMethodName(m)) return m;
  throw std::invalid_argument("unknown size-factor method '" + name +
                              "' (choose ratio, poscounts, upperquartile, tmm or mode)");
}

Eigen::MatrixXd logRatiosToGeometricMean(const Counts& counts) {
  const Eigen::Index nSamples = counts.rows();
  std::vector<Eigen::Index> allPositive;
  for (Eigen::Index g = 0; g < counts.cols(); ++g)
    if ((counts.col(g).array() > 0).all()) allPositive.push_back(g);
  Eigen::MatrixXd ratios(static_cast<Eigen::Index>(allPositive.size()), nSamples);
  parallelFor(0, static_cast<std::int64_t>(allPositive.size()), 256, [&](std::int64_t begin, std::int64_t end) {
    Eigen::ArrayXd logs(nSamples);
    for (std::int64_t k = begin; k < end; ++k) {
      logs = counts.col(allPositive[static_cast<std::size_t>(k)]).array().log();
      ratios.row(static_cast<Eigen::Index>(k)) = (logs - logs.mean()).matrix().transpose();
    }
  });
  return ratios;
}

double kernelDensityMode(const Eigen::VectorXd& values) {
  const Eigen::Index n = values.size();
  if (n == 0) return std::nan("");
  if (n < 3) return median(values);
  std::vector<double> sorted(values.data(), values.data() + n);
  if (!std::is_sorted(sorted.begin(), sorted.end())) sortDoubles(sorted);
  const Eigen::Map<const Eigen::VectorXd> v(sorted.data(), n);
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

  // The Gaussian kernel density and its first two derivatives at x (up to a common positive factor). Points beyond
  // 8 bandwidths contribute less than exp(-32) and are skipped, so each evaluation touches a window of the data.
  struct Derivatives {
    double density = 0, slope = 0, curvature = 0;
  };
  // The window is contiguous in the sorted data, so its kernel values go through the vector exp in one call.
  std::vector<double> standardized, kernelValues;
  const double inverseH = 1.0 / h;
  auto evaluate = [&](double x) {
    Derivatives d;
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), x - 8 * h);
    const auto hi = std::upper_bound(lo, sorted.end(), x + 8 * h);
    const double* window = sorted.data() + (lo - sorted.begin());
    const auto count = static_cast<std::size_t>(hi - lo);
    standardized.resize(count);
    kernelValues.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      const double z = (window[i] - x) * inverseH;
      standardized[i] = z;
      kernelValues[i] = -0.5 * z * z;
    }
    expInPlace(kernelValues.data(), count);
    // Four running sums per quantity: a single chain of additions would wait on each previous one.
    double density[4] = {0, 0, 0, 0}, slope[4] = {0, 0, 0, 0}, curvature[4] = {0, 0, 0, 0};
    const auto add = [&](std::size_t i, int lane) {
      const double z = standardized[i];
      const double k = kernelValues[i];
      density[lane] += k;
      slope[lane] += z * k;
      curvature[lane] += (z * z - 1) * k;
    };
    std::size_t i = 0;
    for (; i + 4 <= count; i += 4)
      for (int lane = 0; lane < 4; ++lane) add(i + static_cast<std::size_t>(lane), lane);
    for (; i < count; ++i) add(i, 0);
    d.density = (density[0] + density[1]) + (density[2] + density[3]);
    d.slope = (slope[0] + slope[1]) + (slope[2] + slope[3]);
    d.curvature = (curvature[0] + curvature[1]) + (curvature[2] + curvature[3]);
    return d;
  };

  // Coarse search on a grid between the 1st and 99th percentiles, then Newton's method on the density's slope,
  // which converges to the exact mode of the kernel density estimate in a few steps.
  //
  // The grid only has to find the basin of the highest peak; Newton's method then climbs it on the exact density.
  // So the 257 grid densities come from the data binned at 1/4 of the grid step (a few hundredths of the
  // bandwidth), each bin counted at its centre: an error of about (bin width / h)^2 / 24 < 1e-4 relative, which can
  // only matter when two separate peaks are that close in height. Exact evaluations at all grid points would cost 257 passes over most of the data.
  const double lo = quantile(0.01), hi = quantile(0.99);
  constexpr int kGrid = 256;
  double best = middle, bestDensity = evaluate(best).density;
  constexpr int kSub = 4;  // bins per grid step
  const double width = (hi - lo) / kGrid / kSub;
  const double reachBins = 8 * h / width + 1;
  if (width > 1e-9 * (std::abs(lo) + std::abs(hi) + 1) && reachBins < 16384) {
    const auto reach = static_cast<std::int64_t>(reachBins);
    // Bin b covers [lo + (b - reach - 1/2) width, lo + (b - reach + 1/2) width): grid point i sits on the centre
    // of bin i * kSub + reach.
    const std::int64_t nBins = std::int64_t{kGrid} * kSub + 2 * reach + 1;
    std::vector<double> binCount(static_cast<std::size_t>(nBins), 0.0);
    for (double value : sorted) {
      const double position = std::floor((value - lo) / width + 0.5) + static_cast<double>(reach);
      if (position >= 0 && position < static_cast<double>(nBins)) binCount[static_cast<std::size_t>(position)] += 1;
    }
    std::vector<double> kernel(static_cast<std::size_t>(2 * reach + 1));
    for (std::int64_t m = -reach; m <= reach; ++m) {
      const double z = static_cast<double>(m) * width / h;
      kernel[static_cast<std::size_t>(m + reach)] = std::exp(-0.5 * z * z);
    }
    const std::size_t span = kernel.size();
    double gridBest = -INFINITY;
    int gridBestIndex = -1;
    for (int i = 0; i <= kGrid; ++i) {
      const double* counts = binCount.data() + std::int64_t{i} * kSub;  // bins i * kSub + reach +- reach
      double partial[4] = {0, 0, 0, 0};
      std::size_t m = 0;
      for (; m + 4 <= span; m += 4)
        for (int u = 0; u < 4; ++u) partial[u] += counts[m + u] * kernel[m + u];
      for (; m < span; ++m) partial[0] += counts[m] * kernel[m];
      const double density = (partial[0] + partial[1]) + (partial[2] + partial[3]);
      if (density > gridBest) {  // the first of equal maxima
        gridBest = density;
        gridBestIndex = i;
      }
    }
    const double candidate = lo + (hi - lo) * gridBestIndex / kGrid;
    const double candidateDensity = evaluate(candidate).density;
    if (candidateDensity > bestDensity) {
      bestDensity = candidateDensity;
      best = candidate;
    }
  } else {
    // Data (nearly) constant at the grid's scale, or a bandwidth of many grid widths: exact densities at the grid.
    for (int i = 0; i <= kGrid; ++i) {
      const double x = lo + (hi - lo) * i / kGrid;
      const double density = evaluate(x).density;
      if (density > bestDensity) {
        bestDensity = density;
        best = x;
      }
    }
  }
  for (int iteration = 0; iteration < 100; ++iteration) {
    const Derivatives d = evaluate(best);
    // Newton step where the density is concave; otherwise a mean-shift step, which always climbs.
    const double step = d.curvature < 0 ? -h * d.slope / d.curvature : h * d.slope / d.density;
    const double limited = std::clamp(step, -h, h);
    best += limited;
    if (std::abs(limited) < 1e-12 * (1 + std::abs(best))) break;
  }
  return best;
}

Eigen::VectorXd estimateSizeFactors(const Counts& counts, SizeFactorMethod method) {
  if (counts.rows() == 0 || counts.cols() == 0)
    throw InputError({}, "the count matrix is empty", "load a matrix with at least one sample and one gene");
  switch (method) {
    case SizeFactorMethod::Ratio: return medianOfRatios(counts);
    case SizeFactorMethod::PosCounts: return positiveCounts(counts);
    case SizeFactorMethod::Mode: return modeOfRatios(counts);
    case SizeFactorMethod::UpperQuartile:
    case SizeFactorMethod::Tmm: {
      requirePositiveLibraries(counts, sizeFactorMethodName(method));
      const Counts kept = dropAllZeroGenes(counts);
      const Eigen::VectorXd libraries = kept.rowwise().sum();
      const Eigen::VectorXd f = method == SizeFactorMethod::Tmm ? tmmFactors(kept, libraries)
                                                                : upperQuartileFactors(kept, libraries);
      return effectiveLibrarySizeFactors(libraries, f);
    }
  }
  throw std::logic_error("unhandled size-factor method");
}

}  // namespace diffbio::stats

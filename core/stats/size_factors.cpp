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

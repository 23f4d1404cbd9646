#include "core/stats/cooks.h"

#include "core/util/parallel.h"

#include <algorithm>
#include <boost/math/distributions/fisher_f.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R's rowMeans(): a long double sum divided by n.
double rowMean(const double* column, Eigen::Index n) {
  long double sum = 0;
  for (Eigen::Index j = 0; j < n; ++j) sum += column[j];
  return static_cast<double>(sum / static_cast<long double>(n));
}

double maxOrNaN(double a, double b) { return (std::isnan(a) || std::isnan(b)) ? kNaN : std::max(a, b); }

// trimmedCellVariance's bins: cells of <= 3, 4..23 and >= 24 samples.
struct TrimRule {
  double trim;
  double scale;  // undoes the shrinkage of a trimmed mean of squares, e.g. 1 / mean(rnorm(1e6)^2, trim = 1/8)
};
TrimRule trimRuleFor(std::size_t cellSize) {
  if (cellSize <= 3) return {1.0 / 3.0, 2.04};
  if (cellSize <= 23) return {1.0 / 4.0, 1.86};
  return {1.0 / 8.0, 1.51};
}

bool anyNaN(const std::vector<double>& values) {
  return std::any_of(values.begin(), values.end(), [](double v) { return std::isnan(v); });
}

// The scaled trimmed variance of values sorted ascending and free of NaN (n > 0, trim > 0) around their trimmed
// mean; `squares` is scratch. The squared deviations of sorted values fall then rise, so they are sorted by merging
// the two runs instead of a second sort (the same sorted numbers).
double trimmedVarianceOfSorted(const std::vector<double>& values, TrimRule rule, std::vector<double>& squares) {
  const double centre = trimmedMeanOfSorted(values.data(), values.size(), rule.trim);
  // values is sorted: below `split` the squares fall (read them backwards), from `split` on they rise.
  const std::size_t n = values.size();
  const std::size_t split =
      static_cast<std::size_t>(std::lower_bound(values.begin(), values.end(), centre) - values.begin());
  squares.resize(n);
  std::size_t left = split, right = split, out = 0;
  const auto square = [&](std::size_t k) { return (values[k] - centre) * (values[k] - centre); };
  while (left > 0 && right < n) {
    const double a = square(left - 1), b = square(right);
    if (b < a) {
      squares[out++] = b;
      ++right;
    } else {
      squares[out++] = a;
      --left;
    }
  }
  while (left > 0) squares[out++] = square(--left);
  while (right < n) squares[out++] = square(right++);
  if (anyNaN(squares)) return kNaN;
  return rule.scale * trimmedMeanOfSorted(squares.data(), squares.size(), rule.trim);
}

// Scaled trimmed variance of one gene over `samples` around their trimmed mean; `values` and `squares` are scratch.
double trimmedVarianceOver(const double* column, const std::vector<Eigen::Index>& samples, TrimRule rule,
                           std::vector<double>& values, std::vector<double>& squares) {
  values.clear();
  for (Eigen::Index j : samples) values.push_back(column[j]);
  const double centre = trimmedMeanInPlace(values, rule.trim);  // sorts values unless one is NaN
  if (values.empty() || std::isnan(centre) || !(rule.trim > 0)) {
    for (double& v : values) v = (v - centre) * (v - centre);
    return rule.scale * trimmedMeanInPlace(values, rule.trim);
  }
  return trimmedVarianceOfSorted(values, rule, squares);
}

// A sorting network for n inputs: Batcher's odd-even merge sort for the next power of two, keeping only the
// comparators between real inputs (the padding would hold +infinity, so the others never swap). It sorts several
// genes' values side by side with branch-free min/max, which beats a comparison sort's mispredicted branches on
// the 4 to 128 samples of a design cell. The sorted numbers are the same.
std::vector<std::pair<int, int>> oddEvenMergeNetwork(int n) {
  int size = 1;
  while (size < n) size *= 2;
  std::vector<std::pair<int, int>> comparators;
  for (int p = 1; p < size; p *= 2)
    for (int k = p; k >= 1; k /= 2)
      for (int j = k % p; j + k < size; j += 2 * k)
        for (int i = 0; i < k && i + j + k < size; ++i)
          if ((i + j) / (2 * p) == (i + j + k) / (2 * p) && i + j + k < n) comparators.push_back({i + j, i + j + k});
  return comparators;
}

constexpr int kLanes = 8;  // genes sorted side by side

// Sorts kLanes interleaved arrays (values[k * kLanes + lane]) with the network. Each comparator puts
// (v < u ? v : u) first and (v < u ? u : v) second: exactly SSE2's minpd(v, u) and maxpd(u, v).
void sortLanes(const std::vector<std::pair<int, int>>& network, double* values) {
  for (const auto& [a, b] : network) {
    double* x = values + a * kLanes;
    double* y = values + b * kLanes;
#if defined(__SSE2__)
    for (int lane = 0; lane < kLanes; lane += 2) {
      const __m128d u = _mm_loadu_pd(x + lane), v = _mm_loadu_pd(y + lane);
      _mm_storeu_pd(x + lane, _mm_min_pd(v, u));
      _mm_storeu_pd(y + lane, _mm_max_pd(u, v));
    }
#else
    for (int lane = 0; lane < kLanes; ++lane) {
      const double u = x[lane], v = y[lane];
      const bool swap = v < u;
      x[lane] = swap ? v : u;
      y[lane] = swap ? u : v;
    }
#endif
  }
}

}  // namespace

std::vector<int> designCells(const Eigen::MatrixXd& modelMatrix) {
  const Eigen::Index m = modelMatrix.rows();
  std::vector<int> cell(static_cast<std::size_t>(m), -1);
  int nCells = 0;
  for (Eigen::Index i = 0; i < m; ++i) {
    if (cell[static_cast<std::size_t>(i)] >= 0) continue;
    cell[static_cast<std::size_t>(i)] = nCells;
    for (Eigen::Index k = i + 1; k < m; ++k)
      if (cell[static_cast<std::size_t>(k)] < 0 && modelMatrix.row(k) == modelMatrix.row(i))
        cell[static_cast<std::size_t>(k)] = nCells;
    ++nCells;
  }
  return cell;
}

std::vector<bool> samplesInCellsOfAtLeast(const Eigen::MatrixXd& modelMatrix, int n) {
  const std::vector<int> cell = designCells(modelMatrix);
  std::vector<int> size(cell.size(), 0);
  for (int c : cell) ++size[static_cast<std::size_t>(c)];
  std::vector<bool> result(cell.size());
  for (std::size_t i = 0; i < cell.size(); ++i) result[i] = size[static_cast<std::size_t>(cell[i])] >= n;
  return result;
}

namespace {

// robustMethodOfMomentsDisp's sample groups and trim rules for one design, applied to one gene at a time.
class RobustDispersion {
 public:
  explicit RobustDispersion(const Eigen::MatrixXd& modelMatrix) : n_(modelMatrix.rows()) {
    // The cells with >= 3 samples, each as its list of samples; with none, all samples as one group.
    const std::vector<int> cell = designCells(modelMatrix);
    const int nCells = cell.empty() ? 0 : *std::max_element(cell.begin(), cell.end()) + 1;
    std::vector<std::vector<Eigen::Index>> members(static_cast<std::size_t>(nCells));
    for (std::size_t j = 0; j < cell.size(); ++j)
      members[static_cast<std::size_t>(cell[j])].push_back(static_cast<Eigen::Index>(j));
    for (const auto& samples : members) {
      if (samples.size() >= 3) {
        groups_.push_back(samples);
        rules_.push_back(trimRuleFor(samples.size()));
      }
    }
    if (groups_.empty()) {  // trimmedVariance
      std::vector<Eigen::Index> all(static_cast<std::size_t>(n_));
      for (std::size_t j = 0; j < all.size(); ++j) all[j] = static_cast<Eigen::Index>(j);
      groups_.push_back(all);
      rules_.push_back({1.0 / 8.0, 1.51});
    }
    for (const auto& samples : groups_) {
      const auto k = static_cast<int>(samples.size());
      networks_.push_back(k >= kMinNetwork && k <= kMaxNetwork ? oddEvenMergeNetwork(k)
                                                              : std::vector<std::pair<int, int>>{});
    }
  }

  struct Scratch {
    std::vector<double> values, squares, lanes, variance;
  };

  // The dispersions of the `width` genes (columns) of a block of normalised counts (n x >= width, column-major).
  // The same numbers as operator() gene by gene; each cell's values are sorted kLanes genes at a time by the network.
  void block(const Eigen::MatrixXd& normalized, Eigen::Index width, double* dispersion, Scratch& s) const {
    s.variance.assign(static_cast<std::size_t>(width), -std::numeric_limits<double>::infinity());
    for (std::size_t c = 0; c < groups_.size(); ++c) {
      const std::vector<Eigen::Index>& samples = groups_[c];
      if (networks_[c].empty()) {
        for (Eigen::Index g = 0; g < width; ++g)
          s.variance[g] = maxOrNaN(s.variance[g], trimmedVarianceOver(normalized.col(g).data(), samples, rules_[c],
                                                                      s.values, s.squares));
        continue;
      }
      const std::size_t k = samples.size();
      s.lanes.resize(k * kLanes);
      s.values.resize(k);
      for (Eigen::Index first = 0; first < width; first += kLanes) {
        const Eigen::Index used = std::min<Eigen::Index>(kLanes, width - first);
        for (std::size_t i = 0; i < k; ++i)
          for (Eigen::Index lane = 0; lane < kLanes; ++lane)
            s.lanes[i * kLanes + lane] = lane < used ? normalized(samples[i], first + lane) : 0.0;
        sortLanes(networks_[c], s.lanes.data());
        for (Eigen::Index lane = 0; lane < used; ++lane) {
          for (std::size_t i = 0; i < k; ++i) s.values[i] = s.lanes[i * kLanes + lane];
          // A NaN makes the cell's variance NaN, as trimmedVarianceOver (and R's mean) gives.
          const double variance = anyNaN(s.values) ? kNaN : trimmedVarianceOfSorted(s.values, rules_[c], s.squares);
          s.variance[first + lane] = maxOrNaN(s.variance[first + lane], variance);
        }
      }
    }
    for (Eigen::Index g = 0; g < width; ++g) dispersion[g] = fromVariance(s.variance[g], normalized.col(g).data());
  }

  // One gene's normalised counts (n contiguous values); `values` and `squares` are scratch.
  double operator()(const double* column, std::vector<double>& values, std::vector<double>& squares) const {
    double variance = -std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < groups_.size(); ++c)
      variance = maxOrNaN(variance, trimmedVarianceOver(column, groups_[c], rules_[c], values, squares));
    return fromVariance(variance, column);
  }

 private:
  // The method-of-moments dispersion from a gene's largest cell variance and its mean over all n samples.
  double fromVariance(double variance, const double* column) const {
    constexpr double kMinDispersion = 0.04;  // not 1e-8: else the outlier's whole cell gets extreme distances
    const double mean = rowMean(column, n_);
    return maxOrNaN((variance - mean) / (mean * mean), kMinDispersion);
  }

  Eigen::Index n_;
  std::vector<std::vector<Eigen::Index>> groups_;
  std::vector<TrimRule> rules_;
  std::vector<std::vector<std::pair<int, int>>> networks_;  // per group; empty: sorted by trimmedVarianceOver
  static constexpr int kMinNetwork = 4, kMaxNetwork = 256;
};

// D for one sample: (y - mu)^2 / (mu + alpha mu^2) / p * h / (1 - h)^2.
double cooksDistance(double y, double m, double h, double alpha, double p) {
  const double variance = m + alpha * m * m;
  const double residual = y - m;
  const double pearsonSquared = residual * residual / variance;
  return pearsonSquared / p * h / ((1.0 - h) * (1.0 - h));
}

}  // namespace

Eigen::VectorXd robustMethodOfMomentsDispersion(const Eigen::MatrixXd& normalizedCounts,
                                                const Eigen::MatrixXd& modelMatrix) {
  if (normalizedCounts.rows() != modelMatrix.rows())
    throw std::invalid_argument("robustMethodOfMomentsDispersion: counts and model matrix differ in sample count");
  const RobustDispersion robust(modelMatrix);
  Eigen::VectorXd dispersion(normalizedCounts.cols());
  parallelFor(0, normalizedCounts.cols(), 256, [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> scratch, squares;
    scratch.reserve(static_cast<std::size_t>(normalizedCounts.rows()));
    for (std::int64_t g = begin; g < end; ++g) dispersion[g] = robust(normalizedCounts.col(g).data(), scratch, squares);
  });
  return dispersion;
}

Eigen::MatrixXd cooksDistancesOfFit(const data::CountMatrix::Dense& counts, const Eigen::VectorXd& sizeFactors,
                                    const Eigen::MatrixXd& modelMatrix, const GlmFit& fit) {
  const Eigen::Index m = counts.rows(), nGenes = counts.cols();
  if (sizeFactors.size() != m || modelMatrix.rows() != m || fit.mu.rows() != nGenes || fit.mu.cols() != m ||
      fit.hatDiagonal.rows() != nGenes || fit.hatDiagonal.cols() != m)
    throw std::invalid_argument("cooksDistancesOfFit: counts, size factors, design and fit disagree in shape");
  const RobustDispersion robust(modelMatrix);
  const double p = static_cast<double>(modelMatrix.cols());
  Eigen::MatrixXd cooks(m, nGenes);
  constexpr std::int64_t kBlock = 64;  // genes per block: the block's counts, means and distances stay in cache
  parallelChunks(nGenes, kBlock, [&](const auto& next) {
    RobustDispersion::Scratch scratch;
    Eigen::MatrixXd normalized(m, kBlock);  // the block's counts / size factors, one contiguous column per gene
    Eigen::VectorXd alpha(kBlock);
    for (std::int64_t begin, end; next(begin, end);) {
      const Eigen::Index width = end - begin;
      for (Eigen::Index j = 0; j < m; ++j) {
        const double* row = counts.row(j).data() + begin;
        for (Eigen::Index k = 0; k < width; ++k) normalized(j, k) = row[k] / sizeFactors[j];
      }
      robust.block(normalized, width, alpha.data(), scratch);
      // Sample by sample: each reads a contiguous run of the block's genes from counts, mu and the hat diagonals.
      for (Eigen::Index j = 0; j < m; ++j) {
        const double* y = counts.row(j).data() + begin;
        const double* mu = fit.mu.col(j).data() + begin;
        const double* h = fit.hatDiagonal.col(j).data() + begin;
        for (Eigen::Index k = 0; k < width; ++k) cooks(j, begin + k) = cooksDistance(y[k], mu[k], h[k], alpha[k], p);
      }
    }
  });
  return cooks;
}

Eigen::MatrixXd cooksDistances(const Eigen::MatrixXd& counts, const Eigen::MatrixXd& mu,
                               const Eigen::MatrixXd& hatDiagonals, const Eigen::VectorXd& robustDispersion,
                               int nCoefficients) {
  if (mu.rows() != counts.rows() || mu.cols() != counts.cols() || hatDiagonals.rows() != counts.rows() ||
      hatDiagonals.cols() != counts.cols() || robustDispersion.size() != counts.cols())
    throw std::invalid_argument("cooksDistances: counts, mu, hat diagonals and dispersions disagree in shape");
  const double p = nCoefficients;
  Eigen::MatrixXd cooks(counts.rows(), counts.cols());
  parallelFor(0, counts.cols(), 1024, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t g = begin; g < end; ++g)
      for (Eigen::Index j = 0; j < counts.rows(); ++j)
        cooks(j, g) = cooksDistance(counts(j, g), mu(j, g), hatDiagonals(j, g), robustDispersion[g], p);
  });
  return cooks;
}

double cooksCutoff(int nCoefficients, int nSamples) {
  if (nSamples <= nCoefficients) return kNaN;
  const boost::math::fisher_f_distribution<double> f(nCoefficients, nSamples - nCoefficients);
  return boost::math::quantile(f, 0.99);
}

Eigen::VectorXd maxCooks(const Eigen::MatrixXd& cooks, const Eigen::MatrixXd& modelMatrix) {
  if (cooks.rows() != modelMatrix.rows())
    throw std::invalid_argument("maxCooks: Cook's distances and model matrix differ in sample count");
  const std::vector<bool> used = samplesInCellsOfAtLeast(modelMatrix, 3);
  Eigen::VectorXd result = Eigen::VectorXd::Constant(cooks.cols(), kNaN);
  const bool anyUsed = std::find(used.begin(), used.end(), true) != used.end();
  if (modelMatrix.rows() <= modelMatrix.cols() || !anyUsed) return result;
  for (Eigen::Index g = 0; g < cooks.cols(); ++g) {
    double largest = -std::numeric_limits<double>::infinity();
    for (Eigen::Index j = 0; j < cooks.rows(); ++j)
      if (used[static_cast<std::size_t>(j)]) largest = maxOrNaN(largest, cooks(j, g));
    result[g] = largest;
  }
  return result;
}

namespace {

// replaceOutliers' rule on any samples x genes counts (a column-major matrix or the row-major CountMatrix::Dense).
template <typename CountsType>
OutlierCountReplacement findReplacements(const CountsType& counts, const Eigen::VectorXd& sizeFactors,
                                         const Eigen::MatrixXd& cooks, const Eigen::MatrixXd& modelMatrix,
                                         int minReplicates, double trim, double cutoff) {
  if (minReplicates < 3)
    throw std::invalid_argument("replaceOutliers: at least 3 replicates are needed to call a count an outlier");
  if (cooks.rows() != counts.rows() || cooks.cols() != counts.cols() || sizeFactors.size() != counts.rows() ||
      modelMatrix.rows() != counts.rows())
    throw std::invalid_argument("replaceOutliers: counts, Cook's distances, size factors and design disagree");
  const Eigen::Index m = counts.rows(), nGenes = counts.cols();
  OutlierCountReplacement result;
  result.flagged.assign(static_cast<std::size_t>(nGenes), false);
  result.nowAllZero.assign(static_cast<std::size_t>(nGenes), false);
  result.replaceableSamples = samplesInCellsOfAtLeast(modelMatrix, minReplicates);
  if (m <= modelMatrix.cols()) return result;
  if (std::isnan(cutoff)) cutoff = cooksCutoff(static_cast<int>(modelMatrix.cols()), static_cast<int>(m));

  std::vector<double> normalized(static_cast<std::size_t>(m));
  for (Eigen::Index g = 0; g < nGenes; ++g) {
    const double* distances = cooks.col(g).data();
    bool flagged = false;
    for (Eigen::Index j = 0; j < m; ++j) flagged = flagged || distances[j] > cutoff;  // NaN compares false
    if (!flagged) continue;
    result.flagged[static_cast<std::size_t>(g)] = true;
    for (Eigen::Index j = 0; j < m; ++j) normalized[static_cast<std::size_t>(j)] = counts(j, g) / sizeFactors[j];
    const double trimmedBaseMean = trimmedMean(normalized, trim);
    bool allZero = true;
    for (Eigen::Index j = 0; j < m; ++j) {
      double value = counts(j, g);
      if (result.replaceableSamples[static_cast<std::size_t>(j)] && distances[j] > cutoff) {
        value = std::trunc(trimmedBaseMean * sizeFactors[j]);  // R's as.integer truncates
        result.replaced.push_back({static_cast<long>(g), j, value});
      }
      allZero = allZero && value == 0;
    }
    if (allZero)
      result.nowAllZero[static_cast<std::size_t>(g)] = true;
    else
      result.genesToRefit.push_back(static_cast<long>(g));
  }
  return result;
}

}  // namespace

OutlierCountReplacement findOutlierReplacements(const data::CountMatrix::Dense& counts,
                                                const Eigen::VectorXd& sizeFactors, const Eigen::MatrixXd& cooks,
                                                const Eigen::MatrixXd& modelMatrix, int minReplicates, double trim,
                                                double cutoff) {
  return findReplacements(counts, sizeFactors, cooks, modelMatrix, minReplicates, trim, cutoff);
}

OutlierReplacement replaceOutliers(const Eigen::MatrixXd& counts, const Eigen::VectorXd& sizeFactors,
                                   const Eigen::MatrixXd& cooks, const Eigen::MatrixXd& modelMatrix,
                                   int minReplicates, double trim, double cutoff) {
  OutlierCountReplacement found =
      findReplacements(counts, sizeFactors, cooks, modelMatrix, minReplicates, trim, cutoff);
  OutlierReplacement result;
  result.counts = counts;
  for (const ReplacedCount& r : found.replaced) result.counts(r.sample, r.gene) = r.value;
  result.replaceableSamples = std::move(found.replaceableSamples);
  result.flagged = std::move(found.flagged);
  result.nowAllZero = std::move(found.nowAllZero);
  result.genesToRefit = std::move(found.genesToRefit);
  return result;
}

Eigen::VectorXd maxCooksAfterReplacement(const Eigen::MatrixXd& cooks, const Eigen::MatrixXd& modelMatrix,
                                         const std::vector<bool>& replaceableSamples) {
  if (replaceableSamples.size() != static_cast<std::size_t>(cooks.rows()))
    throw std::invalid_argument("maxCooksAfterReplacement: one replaceable flag per sample is needed");
  if (std::find(replaceableSamples.begin(), replaceableSamples.end(), false) == replaceableSamples.end())
    return Eigen::VectorXd::Constant(cooks.cols(), kNaN);
  Eigen::MatrixXd remaining = cooks;
  for (std::size_t j = 0; j < replaceableSamples.size(); ++j)
    if (replaceableSamples[j]) remaining.row(static_cast<Eigen::Index>(j)).setZero();
  return maxCooks(remaining, modelMatrix);
}

}  // namespace diffbio::stats

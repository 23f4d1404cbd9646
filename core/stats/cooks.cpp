#include "core/stats/cooks.h"

#include "core/util/parallel.h"

#include <algorithm>
#include <boost/math/distributions/fisher_f.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R's rowMeans(): a long double sum divided by n.
double rowMean(const Eigen::MatrixXd& matrix, Eigen::Index gene) {
  long double sum = 0;
  for (Eigen::Index j = 0; j < matrix.rows(); ++j) sum += matrix(j, gene);
  return static_cast<double>(sum / static_cast<long double>(matrix.rows()));
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

// Scaled trimmed variance of one gene over `samples` around their trimmed mean; `values` and `squares` are scratch.
// The squared deviations of sorted values fall then rise, so they are sorted by merging the two runs instead of a
// second sort (the same sorted numbers).
double trimmedVarianceOver(const Eigen::MatrixXd& normalized, Eigen::Index gene, const std::vector<Eigen::Index>& samples,
                           TrimRule rule, std::vector<double>& values, std::vector<double>& squares) {
  values.clear();
  const double* column = normalized.col(gene).data();
  for (Eigen::Index j : samples) values.push_back(column[j]);
  const double centre = trimmedMeanInPlace(values, rule.trim);
  if (values.empty() || std::isnan(centre) || !(rule.trim > 0)) {
    for (double& v : values) v = (v - centre) * (v - centre);
    return rule.scale * trimmedMeanInPlace(values, rule.trim);
  }
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

Eigen::VectorXd robustMethodOfMomentsDispersion(const Eigen::MatrixXd& normalizedCounts,
                                                const Eigen::MatrixXd& modelMatrix) {
  if (normalizedCounts.rows() != modelMatrix.rows())
    throw std::invalid_argument("robustMethodOfMomentsDispersion: counts and model matrix differ in sample count");
  // The cells with >= 3 samples, each as its list of samples; with none, all samples as one group.
  const std::vector<int> cell = designCells(modelMatrix);
  const int nCells = cell.empty() ? 0 : *std::max_element(cell.begin(), cell.end()) + 1;
  std::vector<std::vector<Eigen::Index>> members(static_cast<std::size_t>(nCells));
  for (std::size_t j = 0; j < cell.size(); ++j)
    members[static_cast<std::size_t>(cell[j])].push_back(static_cast<Eigen::Index>(j));
  std::vector<std::vector<Eigen::Index>> groups;
  std::vector<TrimRule> rules;
  for (const auto& samples : members) {
    if (samples.size() >= 3) {
      groups.push_back(samples);
      rules.push_back(trimRuleFor(samples.size()));
    }
  }
  if (groups.empty()) {  // trimmedVariance
    std::vector<Eigen::Index> all(static_cast<std::size_t>(normalizedCounts.rows()));
    for (std::size_t j = 0; j < all.size(); ++j) all[j] = static_cast<Eigen::Index>(j);
    groups.push_back(all);
    rules.push_back({1.0 / 8.0, 1.51});
  }

  constexpr double kMinDispersion = 0.04;  // not 1e-8: else the outlier's whole cell gets extreme distances
  Eigen::VectorXd dispersion(normalizedCounts.cols());
  parallelFor(0, normalizedCounts.cols(), 256, [&](std::int64_t begin, std::int64_t end) {
    std::vector<double> scratch, squares;
    scratch.reserve(static_cast<std::size_t>(normalizedCounts.rows()));
    for (std::int64_t g = begin; g < end; ++g) {
      double variance = -std::numeric_limits<double>::infinity();
      for (std::size_t c = 0; c < groups.size(); ++c)
        variance = maxOrNaN(variance, trimmedVarianceOver(normalizedCounts, g, groups[c], rules[c], scratch, squares));
      const double mean = rowMean(normalizedCounts, g);
      dispersion[g] = maxOrNaN((variance - mean) / (mean * mean), kMinDispersion);
    }
  });
  return dispersion;
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
    for (std::int64_t g = begin; g < end; ++g) {
      for (Eigen::Index j = 0; j < counts.rows(); ++j) {
        const double m = mu(j, g), h = hatDiagonals(j, g);
        const double variance = m + robustDispersion[g] * m * m;
        const double residual = counts(j, g) - m;
        const double pearsonSquared = residual * residual / variance;
        cooks(j, g) = pearsonSquared / p * h / ((1.0 - h) * (1.0 - h));
      }
    }
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

OutlierReplacement replaceOutliers(const Eigen::MatrixXd& counts, const Eigen::VectorXd& sizeFactors,
                                   const Eigen::MatrixXd& cooks, const Eigen::MatrixXd& modelMatrix,
                                   int minReplicates, double trim, double cutoff) {
  if (minReplicates < 3)
    throw std::invalid_argument("replaceOutliers: at least 3 replicates are needed to call a count an outlier");
  if (cooks.rows() != counts.rows() || cooks.cols() != counts.cols() || sizeFactors.size() != counts.rows() ||
      modelMatrix.rows() != counts.rows())
    throw std::invalid_argument("replaceOutliers: counts, Cook's distances, size factors and design disagree");
  const Eigen::Index m = counts.rows(), nGenes = counts.cols();
  OutlierReplacement result;
  result.counts = counts;
  result.flagged.assign(static_cast<std::size_t>(nGenes), false);
  result.nowAllZero.assign(static_cast<std::size_t>(nGenes), false);
  result.replaceableSamples = samplesInCellsOfAtLeast(modelMatrix, minReplicates);
  if (m <= modelMatrix.cols()) return result;
  if (std::isnan(cutoff)) cutoff = cooksCutoff(static_cast<int>(modelMatrix.cols()), static_cast<int>(m));

  for (Eigen::Index g = 0; g < nGenes; ++g) {
    bool flagged = false;
    for (Eigen::Index j = 0; j < m; ++j) flagged = flagged || cooks(j, g) > cutoff;  // NaN compares false
    if (!flagged) continue;
    result.flagged[static_cast<std::size_t>(g)] = true;
    std::vector<double> normalized(static_cast<std::size_t>(m));
    for (Eigen::Index j = 0; j < m; ++j) normalized[static_cast<std::size_t>(j)] = counts(j, g) / sizeFactors[j];
    const double trimmedBaseMean = trimmedMean(normalized, trim);
    for (Eigen::Index j = 0; j < m; ++j)
      if (result.replaceableSamples[static_cast<std::size_t>(j)] && cooks(j, g) > cutoff)
        result.counts(j, g) = std::trunc(trimmedBaseMean * sizeFactors[j]);  // R's as.integer truncates
    if ((result.counts.col(g).array() == 0).all())
      result.nowAllZero[static_cast<std::size_t>(g)] = true;
    else
      result.genesToRefit.push_back(static_cast<long>(g));
  }
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

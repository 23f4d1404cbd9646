#include "core/stats/dispersion.h"

#include "core/util/parallel.h"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/stats/dispersion_fit.h"
#include "core/stats/dispersion_prior.h"
#include "core/stats/nb_glm.h"

#include "core/util/error.h"
#include "core/util/stage_profile.h"

namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t kGrain = 64;  // genes per parallel task
// fitDispGridWrapper searches from log(1e-8) whatever minDisp is.
const double kGridMinLogAlpha = std::log(1e-8);

double maxDispersion(Eigen::Index nSamples) { return std::max(10.0, static_cast<double>(nSamples)); }

LineSearchOptions lineSearchOptions(const DispersionOptions& o) {
  return {o.kappa0, o.dispTol, o.maxIterations, std::log(o.minDisp / 10.0)};
}

void checkInputs(const Counts& counts, const Eigen::VectorXd& sizeFactors, const Eigen::MatrixXd& x) {
  if (sizeFactors.size() != counts.rows())
    throw std::invalid_argument("dispersion estimation: one size factor per sample (row of counts) expected");
  if (x.rows() != counts.rows())
    throw std::invalid_argument("dispersion estimation: the model matrix needs one row per sample");
  if (x.rows() <= x.cols()) {
    throw InputError({}, "there are as many samples (" + std::to_string(x.rows()) + ") as model coefficients (" +
                             std::to_string(x.cols()) + "), so there are no replicates to estimate dispersions from",
                     "add replicate samples, or use a design with fewer terms");
  }
}

// The hat matrix X (X'X)^-1 X' of ordinary least squares (DESeq2's linearModelMu projects with it).
Eigen::MatrixXd hatMatrix(const Eigen::MatrixXd& x) {
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
  return x * qr.solve(Eigen::MatrixXd::Identity(x.rows(), x.rows()));
}

// DESeq2's fitDisp + fitDispGrid over the genes flagged in `use`, reading each gene's counts from its column of
// `counts` (samples x genes, row-major) and its means from its row of mu (genes x samples, column-major), writing
// log(alpha) and the iteration count.
template <typename PriorFor, typename StartFor, typename Finish>
void fitGenes(const Counts& counts, const Eigen::MatrixXd& mu, const DesignGroups& groups,
              const std::vector<bool>& use, const DispersionOptions& options, PriorFor priorFor, StartFor startFor,
              Finish finish) {
  const LineSearchOptions searchOptions = lineSearchOptions(options);
  parallelChunks(counts.cols(), kGrain, [&](const auto& next) {
    DispersionPosterior posterior(groups, options.useCoxReid);
    for (std::int64_t begin, end; next(begin, end);) {
      for (std::int64_t g = begin; g < end; ++g) {
        if (!use[static_cast<std::size_t>(g)]) continue;
        posterior.setGene(counts.data() + g, counts.cols(), mu.data() + g, mu.rows(), counts.rows(), priorFor(g));
        const LineSearchResult r = maximizeByLineSearch(posterior, startFor(g), searchOptions);
        finish(g, r, posterior);
      }
    }
  });
}

}  // namespace

GeneWiseDispersions estimateGeneWiseDispersions(const Counts& counts, const Eigen::VectorXd& sizeFactors,
                                                const Eigen::MatrixXd& modelMatrix, const DispersionOptions& options) {
  checkInputs(counts, sizeFactors, modelMatrix);
  const Eigen::Index n = counts.rows(), nGenes = counts.cols(), p = modelMatrix.cols();
  const double maxDisp = maxDispersion(n);
  const DesignGroups groups = designGroups(modelMatrix);
  // With as many groups as coefficients the least-squares fit is the mean of each group: no n x n projection.
  const bool groupMeans = groups.count() == p;
  const Eigen::MatrixXd hat = groupMeans ? Eigen::MatrixXd() : hatMatrix(modelMatrix);
  std::vector<double> inverseGroupSize;
  for (const auto& samples : groups.samplesOfGroup) inverseGroupSize.push_back(1.0 / static_cast<double>(samples.size()));
  const double meanInverseSizeFactor = sizeFactors.cwiseInverse().mean();

  GeneWiseDispersions out;
  out.linearModelMeans = groups.count() == p;
  out.baseMean = Eigen::VectorXd::Constant(nGenes, kNaN);
  out.baseVar = Eigen::VectorXd::Constant(nGenes, kNaN);
  out.dispGeneEst = Eigen::VectorXd::Constant(nGenes, kNaN);
  out.dispGeneIter = Eigen::VectorXi::Zero(nGenes);
  std::vector<bool> fitted(static_cast<std::size_t>(nGenes));
  std::vector<std::uint8_t> grid(static_cast<std::size_t>(nGenes), 0);
  Eigen::VectorXd alphaInit = Eigen::VectorXd::Constant(nGenes, kNaN);
  out.mu = Eigen::MatrixXd::Constant(nGenes, n, kNaN);

  // Means, variances and the starting dispersion: min(rough, moments), clamped (roughDispEstimate,
  // momentsDispEstimate). With as many groups as coefficients the means are the linear-model fit
  // (linearModelMuNormalized).
  for (Eigen::Index g = 0; g < nGenes; ++g) fitted[static_cast<std::size_t>(g)] = counts.col(g).maxCoeff() > 0;
  parallelFor(0, nGenes, kGrain, [&](std::int64_t begin, std::int64_t end) {
    Eigen::VectorXd normalized(n), linear(n), groupSum(groups.count());
    for (std::int64_t g = begin; g < end; ++g) {
      normalized = counts.col(g).cwiseQuotient(sizeFactors);
      const double mean = normalized.mean();
      const double var = (normalized.array() - mean).square().sum() / static_cast<double>(n - 1);
      out.baseMean[g] = mean;
      out.baseVar[g] = var;
      if (!fitted[static_cast<std::size_t>(g)]) continue;
      if (groupMeans) {
        groupSum.setZero();
        for (Eigen::Index j = 0; j < n; ++j) groupSum[groups.groupOfSample[static_cast<std::size_t>(j)]] += normalized[j];
        for (Eigen::Index j = 0; j < n; ++j) {
          const auto group = static_cast<std::size_t>(groups.groupOfSample[static_cast<std::size_t>(j)]);
          linear[j] = groupSum[static_cast<Eigen::Index>(group)] * inverseGroupSize[group];
        }
      } else {
        linear.noalias() = hat * normalized;
      }
      double rough = 0;
      for (Eigen::Index j = 0; j < n; ++j) {
        const double m = std::max(1.0, linear[j]);
        rough += ((normalized[j] - m) * (normalized[j] - m) - m) / (m * m);
      }
      rough = std::max(0.0, rough / static_cast<double>(n - p));
      const double moments = (var - meanInverseSizeFactor * mean) / (mean * mean);
      alphaInit[g] = std::clamp(std::min(rough, moments), options.minDisp, maxDisp);
      if (out.linearModelMeans)
        for (Eigen::Index j = 0; j < n; ++j) out.mu(g, j) = std::max(linear[j] * sizeFactors[j], options.minMu);
    }
  });
  if (!out.linearModelMeans) {
    // The NB GLM at the starting dispersions gives the means (fitNbinomGLMs); NaN alphaInit skips all-zero genes.
    const GlmFit fit = fitNegativeBinomialGlm(counts, sizeFactors, modelMatrix, alphaInit);
    out.mu = fit.mu.cwiseMax(options.minMu);  // NaN rows stay NaN
  }

  const double logMaxDisp = std::log(maxDisp);
  fitGenes(
      counts, out.mu, groups, fitted, options, [](std::int64_t) { return DispersionPrior{}; },
      [&](std::int64_t g) { return std::log(alphaInit[g]); },
      [&](std::int64_t g, const LineSearchResult& r, DispersionPosterior& posterior) {
        double estimate = std::min(std::exp(r.logAlpha), maxDisp);
        // No real increase of the likelihood: keep the starting value.
        if (r.lastLp < r.initialLp + std::abs(r.initialLp) / 1e6) estimate = alphaInit[g];
        // Not converged, or accepted on the very first proposal: DESeq2 redoes these on a grid.
        const bool converged = r.iterations < options.maxIterations && r.iterations != 1;
        if (!converged && estimate > options.minDisp * 10) {
          estimate = std::exp(maximizeOnGrid(posterior, kGridMinLogAlpha, logMaxDisp));
          grid[static_cast<std::size_t>(g)] = 1;
        }
        out.dispGeneEst[g] = std::clamp(estimate, options.minDisp, maxDisp);
        out.dispGeneIter[g] = r.iterations;
      });

  out.allZero.resize(static_cast<std::size_t>(nGenes));
  for (std::size_t g = 0; g < fitted.size(); ++g) out.allZero[g] = !fitted[g];
  out.usedGridSearch.assign(grid.begin(), grid.end());
  return out;
}

MapDispersions estimateMapDispersions(const Counts& counts, const Eigen::MatrixXd& modelMatrix,
                                      const Eigen::MatrixXd& mu, const Eigen::VectorXd& dispGeneEst,
                                      const Eigen::VectorXd& dispFit, double dispPriorVar, double varLogDispEsts,
                                      const DispersionOptions& options) {
  const Eigen::Index n = counts.rows(), nGenes = counts.cols();
  if (modelMatrix.rows() != n || mu.rows() != nGenes || mu.cols() != n || dispGeneEst.size() != nGenes ||
      dispFit.size() != nGenes)
    throw std::invalid_argument("estimateMapDispersions: shapes of counts, model matrix, mu and dispersions differ");
  const double maxDisp = maxDispersion(n);
  const DesignGroups groups = designGroups(modelMatrix);

  MapDispersions out;
  out.dispMAP = Eigen::VectorXd::Constant(nGenes, kNaN);
  out.dispersion = Eigen::VectorXd::Constant(nGenes, kNaN);
  out.dispMapIter = Eigen::VectorXi::Zero(nGenes);
  std::vector<bool> use(static_cast<std::size_t>(nGenes));
  for (Eigen::Index g = 0; g < nGenes; ++g)
    use[static_cast<std::size_t>(g)] = std::isfinite(dispFit[g]) && counts.col(g).maxCoeff() > 0;
  std::vector<std::uint8_t> grid(static_cast<std::size_t>(nGenes), 0), outlier(grid);

  const double logMaxDisp = std::log(maxDisp);
  const double outlierThreshold = options.outlierSD * std::sqrt(varLogDispEsts);
  fitGenes(
      counts, mu, groups, use, options,
      [&](std::int64_t g) { return DispersionPrior{true, std::log(dispFit[g]), dispPriorVar}; },
      [&](std::int64_t g) {
        // Start at the gene-wise estimate unless it lies an order of magnitude below the trend.
        return std::log(dispGeneEst[g] > 0.1 * dispFit[g] ? dispGeneEst[g] : dispFit[g]);
      },
      [&](std::int64_t g, const LineSearchResult& r, DispersionPosterior& posterior) {
        double map = std::exp(r.logAlpha);
        if (r.iterations >= options.maxIterations) {
          map = std::exp(maximizeOnGrid(posterior, kGridMinLogAlpha, logMaxDisp));
          grid[static_cast<std::size_t>(g)] = 1;
        }
        map = std::clamp(map, options.minDisp, maxDisp);
        const bool isOutlier = std::log(dispGeneEst[g]) > std::log(dispFit[g]) + outlierThreshold;
        out.dispMAP[g] = map;
        out.dispMapIter[g] = r.iterations;
        out.dispersion[g] = isOutlier ? dispGeneEst[g] : map;
        outlier[static_cast<std::size_t>(g)] = isOutlier;
      });
  out.usedGridSearch.assign(grid.begin(), grid.end());
  out.dispOutlier.assign(outlier.begin(), outlier.end());
  return out;
}

DispersionResult estimateDispersions(const Counts& counts, const Eigen::VectorXd& sizeFactors,
                                     const Eigen::MatrixXd& modelMatrix, const DispersionOptions& options) {
  DispersionResult result;
  std::optional<ScopedStage> stage(std::in_place, "gene-wise dispersions");
  result.geneWise = estimateGeneWiseDispersions(counts, sizeFactors, modelMatrix, options);
  stage.emplace("dispersion trend and prior");
  const GeneWiseDispersions& gw = result.geneWise;
  result.trend = fitDispersionTrend(gw.baseMean, gw.dispGeneEst, options.fitType, options.minDisp);
  result.dispFit = result.trend(gw.baseMean);
  for (std::size_t g = 0; g < gw.allZero.size(); ++g)
    if (gw.allZero[g]) result.dispFit[static_cast<Eigen::Index>(g)] = kNaN;
  result.varLogDispEsts = logDispersionResidualVariance(gw.dispGeneEst, result.dispFit, options.minDisp);
  result.dispPriorVar = options.priorVariance
                            ? *options.priorVariance
                            : dispersionPriorVariance(gw.dispGeneEst, result.dispFit, result.varLogDispEsts,
                                                      modelMatrix.rows(), modelMatrix.cols(),
                                                      options.priorVarianceSeed, options.minDisp);
  stage.emplace("MAP dispersions");
  result.map = estimateMapDispersions(counts, modelMatrix, gw.mu, gw.dispGeneEst, result.dispFit,
                                      result.dispPriorVar, result.varLogDispEsts, options);
  // The means were the line searches' input only. Freed now, their memory (genes x samples) can hold the final
  // GLM's means instead of fresh pages, which cost a page fault each.
  result.geneWise.mu = Eigen::MatrixXd();
  return result;
}

}  // namespace diffbio::stats

#include "core/stats/deseq.h"

#include <ATen/Parallel.h>
#include <Eigen/Cholesky>
#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/stats/cooks.h"
#include "core/stats/parallel_chunks.h"
#include "core/stats/size_factors.h"
#include "core/stats/vst.h"
#include "core/util/error.h"

namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kLog2E = 1.0 / std::log(2.0);

using Counts = data::CountMatrix::Dense;

Eigen::VectorXd ridgeLog2(const NbGlmOptions& options, Eigen::Index p) {
  return options.ridgeLog2.size() == p ? options.ridgeLog2 : Eigen::VectorXd::Constant(p, 1e-6);
}

bool isUnitVector(const Eigen::VectorXd& contrast, Eigen::Index& index) {
  index = -1;
  for (Eigen::Index k = 0; k < contrast.size(); ++k) {
    if (contrast[k] == 0) continue;
    if (contrast[k] != 1 || index >= 0) return false;
    index = k;
  }
  return index >= 0;
}

// Mean of normalised counts per gene (DESeq2's baseMean).
Eigen::VectorXd baseMeans(const Counts& counts, const Eigen::VectorXd& sizeFactors) {
  return (counts.array().colwise() / sizeFactors.array()).colwise().mean().transpose();
}

std::vector<bool> allZeroGenes(const Counts& counts) {
  std::vector<bool> zero(static_cast<std::size_t>(counts.cols()));
  for (Eigen::Index g = 0; g < counts.cols(); ++g) zero[g] = (counts.col(g).array() == 0).all();
  return zero;
}

// Genes whose counts are zero in every sample of the compared groups (DESeq2 reports LFC 0, p-value 1).
std::vector<bool> zeroInContrastGroups(const Counts& counts, const std::vector<bool>& samples) {
  if (samples.empty()) return {};
  std::vector<bool> zero(static_cast<std::size_t>(counts.cols()), true);
  for (Eigen::Index g = 0; g < counts.cols(); ++g)
    for (Eigen::Index j = 0; j < counts.rows() && zero[g]; ++j)
      if (samples[j] && counts(j, g) != 0) zero[g] = false;
  return zero;
}

// Copies the rows `genes` of `part` (fitted on a subset) into `whole`.
void scatterRows(Eigen::MatrixXd& whole, const Eigen::MatrixXd& part, const std::vector<long>& genes) {
  for (std::size_t k = 0; k < genes.size(); ++k) whole.row(genes[k]) = part.row(static_cast<Eigen::Index>(k));
}

void scatterFit(GlmFit& whole, const GlmFit& part, const std::vector<long>& genes) {
  scatterRows(whole.beta, part.beta, genes);
  scatterRows(whole.betaVariance, part.betaVariance, genes);
  scatterRows(whole.mu, part.mu, genes);
  scatterRows(whole.hatDiagonal, part.hatDiagonal, genes);
  for (std::size_t k = 0; k < genes.size(); ++k) {
    whole.logLikelihood[genes[k]] = part.logLikelihood[static_cast<Eigen::Index>(k)];
    whole.converged[genes[k]] = part.converged[k];
    whole.iterations[genes[k]] = part.iterations[static_cast<Eigen::Index>(k)];
    whole.usedFallback[genes[k]] = part.usedFallback[k];
  }
}

Counts selectGenes(const Counts& counts, const std::vector<long>& genes) {
  Counts out(counts.rows(), static_cast<Eigen::Index>(genes.size()));
  for (std::size_t k = 0; k < genes.size(); ++k) out.col(static_cast<Eigen::Index>(k)) = counts.col(genes[k]);
  return out;
}

// One complete exact analysis with the given size factors.
DeseqRun analyse(const Counts& counts, const std::vector<std::string>& geneNames, const Eigen::MatrixXd& X,
                 const Eigen::VectorXd& contrast, const Eigen::VectorXd& sizeFactors, const DeseqOptions& options) {
  DeseqRun run;
  run.sizeFactors = sizeFactors;
  const int m = static_cast<int>(X.rows()), p = static_cast<int>(X.cols());

  run.dispersions = estimateDispersions(counts, sizeFactors, X, options.dispersion);
  if (!run.dispersions.trend.note.empty()) run.notes.push_back(run.dispersions.trend.note);
  run.finalDispersion = run.dispersions.dispersion();
  run.fit = fitNegativeBinomialGlm(counts, sizeFactors, X, run.finalDispersion);
  if (options.reducedModelMatrix)
    run.reducedFit = fitNegativeBinomialGlm(counts, sizeFactors, *options.reducedModelMatrix, run.finalDispersion);

  // Cook's distances on the original counts (DESeq2's calculateCooksDistance + recordMaxCooks).
  const Eigen::MatrixXd normalized = counts.array().colwise() / sizeFactors.array();
  const Eigen::VectorXd robust = robustMethodOfMomentsDispersion(normalized, X);
  run.cooks = cooksDistances(counts, run.fit.mu.transpose(), run.fit.hatDiagonal.transpose(), robust, p);
  Eigen::VectorXd maxCooksPerGene = maxCooks(run.cooks, X);

  // With >= minReplicatesForReplace samples in a cell, outlier counts are replaced and those genes refitted
  // (DESeq2's refitWithoutOutliers) with the trend and prior of the full data.
  Counts used = counts;
  std::vector<bool> zeroAfterReplacement;
  const auto replaceable = samplesInCellsOfAtLeast(X, options.minReplicatesForReplace);
  const bool anyReplaceable = options.minReplicatesForReplace > 0 &&
                              std::find(replaceable.begin(), replaceable.end(), true) != replaceable.end();
  if (anyReplaceable) {
    const OutlierReplacement replacement =
        replaceOutliers(counts, sizeFactors, run.cooks, X, options.minReplicatesForReplace);
    const long flagged = std::count(replacement.flagged.begin(), replacement.flagged.end(), true);
    if (flagged > 0) {
      used = replacement.counts;
      zeroAfterReplacement = replacement.nowAllZero;
    }
    if (!replacement.genesToRefit.empty()) {
      run.refittedGenes = replacement.genesToRefit;
      const Counts sub = selectGenes(used, run.refittedGenes);
      const GeneWiseDispersions geneWise = estimateGeneWiseDispersions(sub, sizeFactors, X, options.dispersion);
      const Eigen::VectorXd dispFit = run.dispersions.trend(geneWise.baseMean);
      const MapDispersions map =
          estimateMapDispersions(sub, X, geneWise.mu, geneWise.dispGeneEst, dispFit, run.dispersions.dispPriorVar,
                                 run.dispersions.varLogDispEsts, options.dispersion);
      for (std::size_t k = 0; k < run.refittedGenes.size(); ++k)
        run.finalDispersion[run.refittedGenes[k]] = map.dispersion[static_cast<Eigen::Index>(k)];
      scatterFit(run.fit, fitNegativeBinomialGlm(sub, sizeFactors, X, map.dispersion), run.refittedGenes);
      if (run.reducedFit) {
        scatterFit(*run.reducedFit, fitNegativeBinomialGlm(sub, sizeFactors, *options.reducedModelMatrix, map.dispersion),
                   run.refittedGenes);
      }
      maxCooksPerGene = maxCooksAfterReplacement(run.cooks, X, replacement.replaceableSamples);
      run.notes.push_back("replaced outlier counts and refitted " + std::to_string(run.refittedGenes.size()) +
                          " genes (design cells with at least " + std::to_string(options.minReplicatesForReplace) +
                          " replicates)");
    }
  }

  ResultsInput input;
  input.geneNames = geneNames;
  input.baseMean = baseMeans(used, sizeFactors);
  input.allZero = allZeroGenes(counts);
  input.maxCooks = maxCooksPerGene;
  input.zeroAfterReplacement = zeroAfterReplacement;
  input.contrastAllZero = zeroInContrastGroups(used, options.contrastSamples);
  const Eigen::MatrixXd log2Beta = run.fit.log2Beta();
  Eigen::Index single = -1;
  if (isUnitVector(contrast, single)) {
    input.log2FoldChange = log2Beta.col(single);
    input.lfcSE = run.fit.log2StandardError().col(single);
  } else {
    const ContrastEstimate estimate =
        estimateContrast(log2Beta, coefficientCovariances(X, run.fit, run.finalDispersion), contrast);
    input.log2FoldChange = estimate.log2FoldChange;
    input.lfcSE = estimate.lfcSE;
  }
  if (run.reducedFit) {
    input.likelihoodRatio = likelihoodRatioTest(run.fit.logLikelihood, run.reducedFit->logLikelihood,
                                                p - static_cast<int>(options.reducedModelMatrix->cols()));
  }
  ResultsOptions resultsOptions = options.results;
  resultsOptions.nSamples = m;
  resultsOptions.nCoefficients = p;
  if (run.reducedFit) resultsOptions.lfcThreshold = 0;
  run.results = buildResults(input, resultsOptions);
  return run;
}

// The median of sorted values (the same number as median()).
double sortedMedian(const std::vector<double>& sorted) {
  const std::size_t n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

// Per sample (row) and gene set (column 0: all genes; 1-4: the quarters i = q mod 4 of the log-ratio rows): the
// kernel density mode minus the median of that sample's log ratios. Each quarter is sorted once and the quarters
// are merged for the whole set (kernelDensityMode skips its own sort on sorted input).
Eigen::MatrixXd modeMinusMedian(const Eigen::MatrixXd& logRatios) {
  const Eigen::Index nRows = logRatios.rows(), nSamples = logRatios.cols();
  Eigen::MatrixXd out(nSamples, 5);
  parallelChunks(nSamples, 1, [&](const auto& next) {
    std::vector<double> quarter[4], half[2], all;
    const auto modeMinusMedianOf = [](const std::vector<double>& sorted) {
      const Eigen::VectorXd values = Eigen::Map<const Eigen::VectorXd>(sorted.data(), static_cast<Eigen::Index>(sorted.size()));
      return kernelDensityMode(values) - sortedMedian(sorted);
    };
    for (std::int64_t begin, end; next(begin, end);)
    for (std::int64_t j = begin; j < end; ++j) {
      const double* column = logRatios.col(j).data();
      for (int q = 0; q < 4; ++q) {
        quarter[q].clear();
        for (Eigen::Index i = q; i < nRows; i += 4) quarter[q].push_back(column[i]);
        std::sort(quarter[q].begin(), quarter[q].end());
        out(j, 1 + q) = modeMinusMedianOf(quarter[q]);
      }
      for (int k = 0; k < 2; ++k) {
        half[k].resize(quarter[2 * k].size() + quarter[2 * k + 1].size());
        std::merge(quarter[2 * k].begin(), quarter[2 * k].end(), quarter[2 * k + 1].begin(), quarter[2 * k + 1].end(),
                   half[k].begin());
      }
      all.resize(half[0].size() + half[1].size());
      std::merge(half[0].begin(), half[0].end(), half[1].begin(), half[1].end(), all.begin());
      out(j, 0) = modeMinusMedianOf(all);
    }
  });
  return out;
}

// The shift of the tested contrast (log2) implied by replacing the median-of-ratios by the mode-of-ratios factors:
// project the per-sample log difference (mode minus median of a gene set's log ratios) onto the design.
double contrastShift(const Eigen::VectorXd& difference, const Eigen::MatrixXd& X, const Eigen::VectorXd& contrast) {
  const Eigen::VectorXd delta = X.colPivHouseholderQr().solve(difference);
  return std::abs(contrast.dot(delta)) * kLog2E;
}

double medianFinite(const Eigen::VectorXd& values) {
  std::vector<double> finite;
  for (Eigen::Index i = 0; i < values.size(); ++i)
    if (std::isfinite(values[i])) finite.push_back(values[i]);
  if (finite.empty()) return kNaN;
  return median(Eigen::Map<Eigen::VectorXd>(finite.data(), static_cast<Eigen::Index>(finite.size())));
}

std::string formatted(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

}  // namespace

BlindVst blindVarianceStabilizingTransformation(const Counts& counts, const Eigen::VectorXd& sizeFactors,
                                                const DispersionOptions& options) {
  DispersionOptions parametric = options;
  parametric.fitType = DispersionFitType::Parametric;
  const Eigen::MatrixXd interceptOnly = Eigen::MatrixXd::Ones(counts.rows(), 1);
  const DispersionResult dispersions = estimateDispersions(counts, sizeFactors, interceptOnly, parametric);
  if (dispersions.trend.used != DispersionFitType::Parametric) {
    throw InputError({}, "the variance-stabilising transformation needs a parametric dispersion trend, which could "
                         "not be fitted to these data (" + dispersions.trend.note + ")",
                     "use normalised counts with log2(x + 1) for exploration instead");
  }
  const ParametricVst vst(dispersions.trend.asymptDisp, dispersions.trend.extraPois);
  return {varianceStabilizingTransformation(counts, sizeFactors, vst), dispersions.trend};
}

Eigen::MatrixXd coefficientCovariances(const Eigen::MatrixXd& X, const GlmFit& fit, const Eigen::VectorXd& dispersions,
                                       const NbGlmOptions& options) {
  const Eigen::Index p = X.cols(), nGenes = fit.mu.rows();
  const Eigen::VectorXd ridge = ridgeLog2(options, p) / std::pow(std::log(2.0), 2);
  Eigen::MatrixXd out = Eigen::MatrixXd::Constant(nGenes, p * p, kNaN);
  at::parallel_for(0, nGenes, 256, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t g = begin; g < end; ++g) {
      const double alpha = dispersions[g];
      if (!std::isfinite(alpha) || !fit.mu.row(g).allFinite()) continue;
      const Eigen::VectorXd mu = fit.mu.row(g).transpose().cwiseMax(options.minMu);
      const Eigen::VectorXd w = (mu.array() / (1.0 + alpha * mu.array())).matrix();
      const Eigen::MatrixXd xtwx = X.transpose() * w.asDiagonal() * X;
      Eigen::MatrixXd penalized = xtwx;
      penalized.diagonal() += ridge;
      const Eigen::MatrixXd inverse = penalized.llt().solve(Eigen::MatrixXd::Identity(p, p));
      const Eigen::MatrixXd sigma = inverse * xtwx * inverse * (kLog2E * kLog2E);
      out.row(g) = Eigen::Map<const Eigen::RowVectorXd>(sigma.data(), p * p);
    }
  });
  return out;
}

DeseqRun runDeseq(const Counts& counts, const std::vector<std::string>& geneNames, const Eigen::MatrixXd& X,
                  const Eigen::VectorXd& contrast, const DeseqOptions& options) {
  if (counts.rows() != X.rows())
    throw std::invalid_argument("runDeseq: " + std::to_string(counts.rows()) + " samples but a model matrix with " +
                                std::to_string(X.rows()) + " rows");
  if (contrast.size() != X.cols()) throw std::invalid_argument("runDeseq: contrast length differs from coefficients");

  if (options.sizeFactors != "auto") {
    const SizeFactorMethod method = parseSizeFactorMethod(options.sizeFactors);
    DeseqRun run = analyse(counts, geneNames, X, contrast, estimateSizeFactors(counts, method), options);
    run.sizeFactorDecision.method = sizeFactorMethodName(method);
    run.sizeFactorDecision.note = std::string("size factors: ") + sizeFactorMethodName(method) + " (as requested)";
    run.notes.insert(run.notes.begin(), run.sizeFactorDecision.note);
    return run;
  }

  // auto: median-of-ratios, exactly as DESeq2, unless the diagnostic finds it biased.
  DeseqRun run = analyse(counts, geneNames, X, contrast, estimateSizeFactors(counts, SizeFactorMethod::Ratio), options);
  SizeFactorDecision& decision = run.sizeFactorDecision;
  decision.method = "ratio";
  const Eigen::MatrixXd logRatios = logRatiosToGeometricMean(counts);
  if (logRatios.rows() >= 40) {
    const Eigen::MatrixXd differences = modeMinusMedian(logRatios);
    decision.contrastShift = contrastShift(differences.col(0), X, contrast);
    // Sampling error of the shift: from four disjoint quarters of the genes (each has twice the full error).
    Eigen::VectorXd quarters(4);
    for (int q = 0; q < 4; ++q) quarters[q] = contrastShift(differences.col(1 + q), X, contrast);
    const double spread = std::sqrt((quarters.array() - quarters.mean()).square().sum() / 3.0);
    decision.shiftSamplingError = spread / 2.0;
    const auto& lfcSE = run.results.table.column("lfcSE").floats();
    decision.typicalLfcSE =
        medianFinite(Eigen::Map<const Eigen::VectorXd>(lfcSE.data(), static_cast<Eigen::Index>(lfcSE.size())));
  }
  const bool biased = std::isfinite(decision.typicalLfcSE) && decision.contrastShift > 0 &&
                      decision.contrastShift > options.autoBiasInStandardErrors * decision.typicalLfcSE &&
                      decision.contrastShift > 3.0 * decision.shiftSamplingError;
  const std::string figures = "the mode of ratios moves the tested log2 fold change by " +
                              formatted(decision.contrastShift) + " (sampling error " +
                              formatted(decision.shiftSamplingError) + "), against a typical lfcSE of " +
                              formatted(decision.typicalLfcSE);
  if (biased) {
    SizeFactorDecision kept = decision;
    run = analyse(counts, geneNames, X, contrast, estimateSizeFactors(counts, SizeFactorMethod::Mode), options);
    run.sizeFactorDecision = kept;
    run.sizeFactorDecision.method = "mode";
    run.sizeFactorDecision.note =
        "size factors: auto chose mode-of-ratios because median-of-ratios factors are biased by asymmetric "
        "differential expression: " + figures;
  } else {
    decision.note = "size factors: auto kept median-of-ratios (DESeq2's default): " + figures;
  }
  run.notes.insert(run.notes.begin(), run.sizeFactorDecision.note);
  return run;
}

}  // namespace diffbio::stats

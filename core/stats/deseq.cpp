#include "core/stats/deseq.h"

#include "core/util/parallel.h"
#include <Eigen/Cholesky>
#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/stats/deseq_steps.h"

#include "core/stats/size_factors.h"
#include "core/stats/vst.h"
#include "core/util/error.h"
#include "core/util/sort_doubles.h"
#include "core/util/stage_profile.h"

namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kLog2E = 1.0 / std::log(2.0);

using Counts = data::CountMatrix::Dense;

Eigen::VectorXd ridgeLog2(const NbGlmOptions& options, Eigen::Index p) {
  return options.ridgeLog2.size() == p ? options.ridgeLog2 : Eigen::VectorXd::Constant(p, 1e-6);
}

// One complete exact analysis with the given size factors: the steps of deseq_steps.h, in DESeq2's order.
DeseqRun analyse(const DeExperiment& experiment, const Eigen::VectorXd& sizeFactors, const DeseqOptions& options) {
  DeseqRun run;
  run.sizeFactors = sizeFactors;
  run.dispersions = estimateDispersions(experiment.counts, sizeFactors, experiment.modelMatrix, options.dispersion);
  DeFit fit = fitAndTest(experiment, sizeFactors, run.dispersions, options);
  {
    ScopedStage stage("results table");
    run.results = summarizeResults(experiment, fit, options.results);
  }
  run.finalDispersion = std::move(fit.finalDispersion);
  run.fit = std::move(fit.fit);
  run.reducedFit = std::move(fit.reducedFit);
  run.cooks = std::move(fit.cooks);
  run.refittedGenes = std::move(fit.refittedGenes);
  run.notes = std::move(fit.notes);
  return run;
}

// The median of sorted values (the same number as median()).
double sortedMedian(const std::vector<double>& sorted) {
  const std::size_t n = sorted.size();
  return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

// Per sample (row) and gene set (column 0: all genes; 1-4: the quarters i = q mod 4 of the log-ratio rows): the
// kernel density mode minus the median of that sample's log ratios; column 5: the median over all genes (its exp
// is the median-of-ratios size factor, the same number estimateSizeFactors gives). Each quarter is sorted once and
// the quarters are merged for the whole set. The quarters' four modes per sample (most of the time) are computed
// only `withQuarters`; otherwise columns 1-4 are NaN.
Eigen::MatrixXd modeMinusMedian(const Eigen::MatrixXd& logRatios, bool withQuarters) {
  const Eigen::Index nRows = logRatios.rows(), nSamples = logRatios.cols();
  Eigen::MatrixXd out = Eigen::MatrixXd::Constant(nSamples, 6, kNaN);
  parallelChunks(nSamples, 1, [&](const auto& next) {
    std::vector<double> quarter[4], half[2], all;
    const auto modeMinusMedianOf = [](const std::vector<double>& sorted) {
      return kernelDensityModeOfSorted(sorted.data(), sorted.size()) - sortedMedian(sorted);
    };
    for (std::int64_t begin, end; next(begin, end);)
    for (std::int64_t j = begin; j < end; ++j) {
      const double* column = logRatios.col(j).data();
      for (int q = 0; q < 4; ++q) {
        quarter[q].clear();
        for (Eigen::Index i = q; i < nRows; i += 4) quarter[q].push_back(column[i]);
        sortDoubles(quarter[q]);
        if (withQuarters) out(j, 1 + q) = modeMinusMedianOf(quarter[q]);
      }
      for (int k = 0; k < 2; ++k) {
        half[k].resize(quarter[2 * k].size() + quarter[2 * k + 1].size());
        std::merge(quarter[2 * k].begin(), quarter[2 * k].end(), quarter[2 * k + 1].begin(), quarter[2 * k + 1].end(),
                   half[k].begin());
      }
      all.resize(half[0].size() + half[1].size());
      std::merge(half[0].begin(), half[0].end(), half[1].begin(), half[1].end(), all.begin());
      out(j, 0) = modeMinusMedianOf(all);
      out(j, 5) = sortedMedian(all);
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
  parallelFor(0, nGenes, 256, [&](std::int64_t begin, std::int64_t end) {
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
  const DeExperiment experiment{counts, {}, geneNames, X, contrast, options.reducedModelMatrix, options.contrastSamples};
  return runDeseq(experiment, options);
}

DeseqRun runDeseq(const DeExperiment& experiment, const DeseqOptions& options) {
  const Counts& counts = experiment.counts;
  const Eigen::MatrixXd& X = experiment.modelMatrix;
  const Eigen::VectorXd& contrast = experiment.contrast;
  if (counts.rows() != X.rows())
    throw std::invalid_argument("runDeseq: " + std::to_string(counts.rows()) + " samples but a model matrix with " +
                                std::to_string(X.rows()) + " rows");
  if (contrast.size() != X.cols()) throw std::invalid_argument("runDeseq: contrast length differs from coefficients");

  if (options.sizeFactors != "auto") {
    const SizeFactorMethod method = parseSizeFactorMethod(options.sizeFactors);
    DeseqRun run = analyse(experiment, estimateSizeFactors(counts, method), options);
    run.sizeFactorDecision.method = sizeFactorMethodName(method);
    run.sizeFactorDecision.note = std::string("size factors: ") + sizeFactorMethodName(method) + " (as requested)";
    run.notes.insert(run.notes.begin(), run.sizeFactorDecision.note);
    return run;
  }

  // auto: median-of-ratios, exactly as DESeq2, unless the diagnostic finds it biased. Both come from one matrix of
  // log ratios, whose sorted sample columns give the medians and the kernel density modes.
  Eigen::VectorXd ratioFactors;
  Eigen::MatrixXd differences;  // modeMinusMedian's, without the quarters
  {
    ScopedStage stage("size factors and diagnostic");
    const Eigen::MatrixXd logRatios = logRatiosToGeometricMean(counts);
    if (logRatios.rows() >= 40) {
      differences = modeMinusMedian(logRatios, false);
      ratioFactors.resize(counts.rows());  // std::exp, as medianOfRatios (Eigen's vector exp may differ in the last bit)
      for (Eigen::Index j = 0; j < counts.rows(); ++j) ratioFactors[j] = std::exp(differences(j, 5));
    } else {
      ratioFactors = estimateSizeFactors(counts, SizeFactorMethod::Ratio);  // or its error: no all-positive gene
    }
  }
  DeseqRun run = analyse(experiment, ratioFactors, options);
  SizeFactorDecision& decision = run.sizeFactorDecision;
  decision.method = "ratio";
  decision.shiftSamplingError = kNaN;
  if (differences.size() > 0) {
    decision.contrastShift = contrastShift(differences.col(0), X, contrast);
    const auto& lfcSE = run.results.table.column("lfcSE").floats();
    decision.typicalLfcSE =
        medianFinite(Eigen::Map<const Eigen::VectorXd>(lfcSE.data(), static_cast<Eigen::Index>(lfcSE.size())));
  }
  const bool largeShift = std::isfinite(decision.typicalLfcSE) && decision.contrastShift > 0 &&
                          decision.contrastShift > options.autoBiasInStandardErrors * decision.typicalLfcSE;
  if (largeShift) {
    // Sampling error of the shift: from four disjoint quarters of the genes (each has twice the full error). Only
    // needed, and only estimated, when the shift is large enough to matter: that takes four more modes per sample.
    ScopedStage stage("size factor diagnostic: sampling error");
    const Eigen::MatrixXd withQuarters = modeMinusMedian(logRatiosToGeometricMean(counts), true);
    Eigen::VectorXd quarters(4);
    for (int q = 0; q < 4; ++q) quarters[q] = contrastShift(withQuarters.col(1 + q), X, contrast);
    const double spread = std::sqrt((quarters.array() - quarters.mean()).square().sum() / 3.0);
    decision.shiftSamplingError = spread / 2.0;
  }
  const bool biased = largeShift && decision.contrastShift > 3.0 * decision.shiftSamplingError;
  std::string figures;
  if (differences.size() == 0) {
    figures = "fewer than 40 genes have every count positive, too few to compare it with the mode of ratios";
  } else {
    figures = "the mode of ratios moves the tested log2 fold change by " + formatted(decision.contrastShift) +
              (largeShift ? " (sampling error " + formatted(decision.shiftSamplingError) + ")" : std::string()) +
              ", against a typical lfcSE of " + formatted(decision.typicalLfcSE);
    if (!largeShift && std::isfinite(decision.typicalLfcSE))
      figures += "; switching needs more than " + formatted(options.autoBiasInStandardErrors) + " lfcSE";
  }
  if (biased) {
    SizeFactorDecision kept = decision;
    run = analyse(experiment, estimateSizeFactors(counts, SizeFactorMethod::Mode), options);
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

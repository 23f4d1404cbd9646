#include "core/stats/deseq_steps.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "core/stats/cooks.h"
#include "core/stats/size_factors.h"
#include "core/util/stage_profile.h"

namespace diffbio::stats {

namespace {

using Counts = data::CountMatrix::Dense;

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

}  // namespace

ChosenSizeFactors chooseSizeFactors(const DeExperiment& e, const std::string& method, const DeseqOptions& options) {
  if (method != "auto") {
    const SizeFactorMethod m = parseSizeFactorMethod(method);
    SizeFactorDecision decision;
    decision.method = sizeFactorMethodName(m);
    decision.note = std::string("size factors: ") + decision.method + " (as requested)";
    return {estimateSizeFactors(e.counts, m), decision};
  }
  DeseqOptions automatic = options;
  automatic.sizeFactors = "auto";
  automatic.reducedModelMatrix = e.reducedModelMatrix;
  automatic.contrastSamples = e.contrastSamples;
  const DeseqRun run = runDeseq(e.counts, e.geneNames, e.modelMatrix, e.contrast, automatic);
  return {run.sizeFactors, run.sizeFactorDecision};
}

DeFit fitAndTest(const DeExperiment& e, const Eigen::VectorXd& sizeFactors, const DispersionResult& dispersions,
                 const DeseqOptions& options) {
  const Counts& counts = e.counts;
  const Eigen::MatrixXd& X = e.modelMatrix;
  const int p = static_cast<int>(X.cols());
  DeFit out;
  if (!dispersions.trend.note.empty()) out.notes.push_back(dispersions.trend.note);
  out.finalDispersion = dispersions.dispersion();
  {
    ScopedStage stage("final GLM");
    out.fit = fitNegativeBinomialGlm(counts, sizeFactors, X, out.finalDispersion);
  }
  if (e.reducedModelMatrix)
    out.reducedFit = fitNegativeBinomialGlm(counts, sizeFactors, *e.reducedModelMatrix, out.finalDispersion);

  // Cook's distances on the original counts (DESeq2's calculateCooksDistance + recordMaxCooks).
  std::optional<ScopedStage> stage(std::in_place, "Cook's distances");
  const Eigen::MatrixXd normalized = counts.array().colwise() / sizeFactors.array();
  const Eigen::VectorXd robust = robustMethodOfMomentsDispersion(normalized, X);
  out.cooks = cooksDistances(counts, out.fit.mu.transpose(), out.fit.hatDiagonal.transpose(), robust, p);
  out.maxCooks = maxCooks(out.cooks, X);

  // With >= minReplicatesForReplace samples in a cell, outlier counts are replaced and those genes refitted
  // (DESeq2's refitWithoutOutliers) with the trend and prior of the full data.
  stage.emplace("outlier replacement and refit");
  Counts used = counts;
  const auto replaceable = samplesInCellsOfAtLeast(X, options.minReplicatesForReplace);
  const bool anyReplaceable = options.minReplicatesForReplace > 0 &&
                              std::find(replaceable.begin(), replaceable.end(), true) != replaceable.end();
  if (anyReplaceable) {
    const OutlierReplacement replacement =
        replaceOutliers(counts, sizeFactors, out.cooks, X, options.minReplicatesForReplace);
    if (std::count(replacement.flagged.begin(), replacement.flagged.end(), true) > 0) {
      used = replacement.counts;
      out.zeroAfterReplacement = replacement.nowAllZero;
    }
    if (!replacement.genesToRefit.empty()) {
      out.refittedGenes = replacement.genesToRefit;
      const Counts sub = selectGenes(used, out.refittedGenes);
      const GeneWiseDispersions geneWise = estimateGeneWiseDispersions(sub, sizeFactors, X, options.dispersion);
      const Eigen::VectorXd dispFit = dispersions.trend(geneWise.baseMean);
      const MapDispersions map =
          estimateMapDispersions(sub, X, geneWise.mu, geneWise.dispGeneEst, dispFit, dispersions.dispPriorVar,
                                 dispersions.varLogDispEsts, options.dispersion);
      for (std::size_t k = 0; k < out.refittedGenes.size(); ++k)
        out.finalDispersion[out.refittedGenes[k]] = map.dispersion[static_cast<Eigen::Index>(k)];
      scatterFit(out.fit, fitNegativeBinomialGlm(sub, sizeFactors, X, map.dispersion), out.refittedGenes);
      if (out.reducedFit) {
        scatterFit(*out.reducedFit, fitNegativeBinomialGlm(sub, sizeFactors, *e.reducedModelMatrix, map.dispersion),
                   out.refittedGenes);
      }
      out.maxCooks = maxCooksAfterReplacement(out.cooks, X, replacement.replaceableSamples);
      out.notes.push_back("replaced outlier counts and refitted " + std::to_string(out.refittedGenes.size()) +
                          " genes (design cells with at least " + std::to_string(options.minReplicatesForReplace) +
                          " replicates)");
    }
  }
  out.baseMean = baseMeans(used, sizeFactors);
  out.contrastAllZero = zeroInContrastGroups(used, e.contrastSamples);
  return out;
}

DeResults summarizeResults(const DeExperiment& e, const DeFit& fit, const ResultsOptions& options) {
  ResultsInput input;
  input.geneNames = e.geneNames;
  input.baseMean = fit.baseMean;
  input.allZero = allZeroGenes(e.counts);
  input.maxCooks = fit.maxCooks;
  input.zeroAfterReplacement = fit.zeroAfterReplacement;
  input.contrastAllZero = fit.contrastAllZero;
  const Eigen::MatrixXd log2Beta = fit.fit.log2Beta();
  Eigen::Index single = -1;
  if (isUnitVector(e.contrast, single)) {
    input.log2FoldChange = log2Beta.col(single);
    input.lfcSE = fit.fit.log2StandardError().col(single);
  } else {
    const ContrastEstimate estimate =
        estimateContrast(log2Beta, coefficientCovariances(e.modelMatrix, fit.fit, fit.finalDispersion), e.contrast);
    input.log2FoldChange = estimate.log2FoldChange;
    input.lfcSE = estimate.lfcSE;
  }
  ResultsOptions resultsOptions = options;
  resultsOptions.nSamples = static_cast<int>(e.modelMatrix.rows());
  resultsOptions.nCoefficients = static_cast<int>(e.modelMatrix.cols());
  if (fit.reducedFit) {
    input.likelihoodRatio =
        likelihoodRatioTest(fit.fit.logLikelihood, fit.reducedFit->logLikelihood,
                            static_cast<int>(e.modelMatrix.cols() - e.reducedModelMatrix->cols()));
    resultsOptions.lfcThreshold = 0;
  }
  return buildResults(input, resultsOptions);
}

}  // namespace diffbio::stats

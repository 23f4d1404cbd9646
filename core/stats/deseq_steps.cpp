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

// The columns `genes` (ascending) of `counts`, with the replaced counts (in gene order) of those genes put in.
Counts selectGenes(const Counts& counts, const std::vector<long>& genes, const std::vector<ReplacedCount>& replaced) {
  Counts out(counts.rows(), static_cast<Eigen::Index>(genes.size()));
  for (std::size_t k = 0; k < genes.size(); ++k) out.col(static_cast<Eigen::Index>(k)) = counts.col(genes[k]);
  std::size_t k = 0;
  for (const ReplacedCount& r : replaced) {
    while (k < genes.size() && genes[k] < r.gene) ++k;
    if (k < genes.size() && genes[k] == r.gene) out(r.sample, static_cast<Eigen::Index>(k)) = r.value;
  }
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
  const DeseqRun run = runDeseq(e, automatic);
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
  out.cooks = cooksDistancesOfFit(counts, sizeFactors, X, out.fit);
  out.maxCooks = maxCooks(out.cooks, X);

  // With >= minReplicatesForReplace samples in a cell, outlier counts are replaced and those genes refitted
  // (DESeq2's refitWithoutOutliers) with the trend and prior of the full data. Only the replaced counts are kept:
  // the genes they belong to are copied out and patched, the counts themselves are never copied whole.
  stage.emplace("outlier replacement and refit");
  std::vector<ReplacedCount> replaced;
  const auto replaceable = samplesInCellsOfAtLeast(X, options.minReplicatesForReplace);
  const bool anyReplaceable = options.minReplicatesForReplace > 0 &&
                              std::find(replaceable.begin(), replaceable.end(), true) != replaceable.end();
  if (anyReplaceable) {
    OutlierCountReplacement replacement =
        findOutlierReplacements(counts, sizeFactors, out.cooks, X, options.minReplicatesForReplace);
    if (std::count(replacement.flagged.begin(), replacement.flagged.end(), true) > 0) {
      replaced = std::move(replacement.replaced);
      out.zeroAfterReplacement = replacement.nowAllZero;
    }
    if (!replacement.genesToRefit.empty()) {
      out.refittedGenes = replacement.genesToRefit;
      const Counts sub = selectGenes(counts, out.refittedGenes, replaced);
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
  // baseMean and the contrast's all-zero flags of the counts used (after replacement): from the original counts,
  // then again for the genes with a replaced count.
  out.baseMean = baseMeans(counts, sizeFactors);
  out.contrastAllZero = zeroInContrastGroups(counts, e.contrastSamples);
  if (!replaced.empty()) {
    std::vector<long> changed;
    for (const ReplacedCount& r : replaced)
      if (changed.empty() || changed.back() != r.gene) changed.push_back(r.gene);
    const Counts patched = selectGenes(counts, changed, replaced);
    const Eigen::VectorXd patchedMean = baseMeans(patched, sizeFactors);
    const std::vector<bool> patchedZero = zeroInContrastGroups(patched, e.contrastSamples);
    for (std::size_t k = 0; k < changed.size(); ++k) {
      out.baseMean[changed[k]] = patchedMean[static_cast<Eigen::Index>(k)];
      if (!patchedZero.empty()) out.contrastAllZero[static_cast<std::size_t>(changed[k])] = patchedZero[k];
    }
  }
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

#pragma once
// The steps of runDeseq (deseq.h) as separate calls, so that a pipeline can cache each one and re-run only what a
// change affects: choosing size factors, estimating dispersions (dispersion.h), fitting and testing, and building
// the results table. runDeseq is exactly these calls in this order.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/stats/deseq.h"

namespace diffbio::stats {

// Counts together with the model they are tested under.
struct DeExperiment {
  data::CountMatrix::Dense counts;                   // samples x genes, whole numbers
  std::vector<std::string> sampleNames, geneNames;
  Eigen::MatrixXd modelMatrix;                       // samples x coefficients
  Eigen::VectorXd contrast;                          // over the coefficients
  std::optional<Eigen::MatrixXd> reducedModelMatrix; // set for a likelihood-ratio test
  std::vector<bool> contrastSamples;                 // samples of the two compared groups (may be empty)
};

// runDeseq (deseq.h) on an experiment, without copying its counts: the reduced model and the contrast samples come
// from the experiment (options.reducedModelMatrix and options.contrastSamples are not read).
DeseqRun runDeseq(const DeExperiment& experiment, const DeseqOptions& options);

struct ChosenSizeFactors {
  Eigen::VectorXd factors;
  SizeFactorDecision decision;
};

// `method` as DeseqOptions::sizeFactors. "auto" runs the median-of-ratios analysis to learn the typical lfcSE, then
// decides as described in deseq.h.
ChosenSizeFactors chooseSizeFactors(const DeExperiment& experiment, const std::string& method,
                                    const DeseqOptions& options = {});

// The GLM fit (full and, for an LRT, reduced), Cook's distances, and the replacement and refit of outlier counts.
struct DeFit {
  Eigen::VectorXd finalDispersion;       // after refitting genes with replaced outliers
  GlmFit fit;
  std::optional<GlmFit> reducedFit;
  Eigen::MatrixXd cooks;                 // samples x genes, on the original counts
  Eigen::VectorXd maxCooks;              // what results() filters on
  std::vector<long> refittedGenes;
  Eigen::VectorXd baseMean;              // of the counts used (after replacement)
  std::vector<bool> zeroAfterReplacement;
  std::vector<bool> contrastAllZero;     // zero in every sample of the compared groups (after replacement)
  std::vector<std::string> notes;
};

DeFit fitAndTest(const DeExperiment& experiment, const Eigen::VectorXd& sizeFactors,
                 const DispersionResult& dispersions, const DeseqOptions& options = {});

// DESeq2's results(): the contrast's log2 fold change and standard error (or the LRT), Cook's filtering,
// independent filtering and BH.
DeResults summarizeResults(const DeExperiment& experiment, const DeFit& fit, const ResultsOptions& options = {});

}  // namespace diffbio::stats

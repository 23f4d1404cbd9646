#pragma once
// The whole exact differential-expression analysis, as DESeq2's DESeq() followed by results():
//   size factors -> dispersions (gene-wise, trend, MAP) -> NB GLM -> Wald test or LRT -> Cook's distances (with
//   outlier replacement and refit when a design cell has >= 7 replicates) -> results with independent filtering
//   and Benjamini-Hochberg.
// Each step lives in its own file; this one only composes them, so each stays testable on its own.
//
// Size factors "auto" (the default) equals median-of-ratios exactly unless a diagnostic finds that those factors
// are biased by asymmetric differential expression; see SizeFactorDecision.
#include <Eigen/Core>
#include <optional>
#include <string>
#include <vector>

#include "core/stats/de_tests.h"
#include "core/stats/dispersion.h"
#include "core/stats/nb_glm.h"
#include "core/stats/results_table.h"

namespace diffbio::stats {

struct DeseqOptions {
  std::string sizeFactors = "auto";  // auto | ratio | poscounts | mode | tmm | upperquartile
  DispersionOptions dispersion;
  ResultsOptions results;            // alpha, lfcThreshold, altHypothesis, independentFiltering, cooksFilter
  int minReplicatesForReplace = 7;   // DESeq2's default; 0 or a huge value turns replacement off
  // Set for a likelihood-ratio test against this reduced model (samples x fewer coefficients).
  std::optional<Eigen::MatrixXd> reducedModelMatrix;
  // Samples of the two compared groups (for a factor,numerator,denominator contrast): genes with zero counts in all
  // of them get log2FoldChange 0 and p-value 1, as DESeq2's results() does. Empty = not a factor contrast.
  std::vector<bool> contrastSamples;
  // auto: switch to the mode-of-ratios factors when their disagreement with median-of-ratios shifts the tested
  // contrast by more than this many typical standard errors (the median lfcSE of the tested genes) and by more than
  // three times the disagreement's own sampling error.
  double autoBiasInStandardErrors = 0.5;
};

// How "auto" decided (also filled for explicit methods, with `method` = the method asked for).
struct SizeFactorDecision {
  std::string method;           // the method whose factors were used
  double contrastShift = 0;     // |c'delta| in log2 units: how much median- vs mode-of-ratios factors move the LFC
  double shiftSamplingError = 0;// the sampling error of that shift (from four disjoint quarters of the genes); NaN
                                // when not needed: the shift was below autoBiasInStandardErrors lfcSE anyway
  double typicalLfcSE = 0;      // median lfcSE of the tested genes under median-of-ratios
  std::string note;             // one sentence for the log and the output
};

struct DeseqRun {
  Eigen::VectorXd sizeFactors;
  SizeFactorDecision sizeFactorDecision;
  DispersionResult dispersions;          // as estimated on the original counts
  Eigen::VectorXd finalDispersion;       // after refitting genes with replaced outliers
  GlmFit fit;                            // full model, after refits
  std::optional<GlmFit> reducedFit;      // LRT only
  Eigen::MatrixXd cooks;                 // samples x genes, on the original counts
  std::vector<long> refittedGenes;       // genes whose outlier counts were replaced and refitted
  DeResults results;
  std::vector<std::string> notes;        // for the log: size factors, trend fallbacks, replacements
};

// counts: samples x genes (integers); modelMatrix: samples x coefficients (full rank); contrast: a vector over the
// coefficients (natural-log scale coefficients; results are log2). Throws InputError for unusable input.
DeseqRun runDeseq(const data::CountMatrix::Dense& counts, const std::vector<std::string>& geneNames,
                  const Eigen::MatrixXd& modelMatrix, const Eigen::VectorXd& contrast,
                  const DeseqOptions& options = {});

// DESeq2's varianceStabilizingTransformation(blind = TRUE): dispersions re-estimated with the design ~ 1, their
// parametric trend, and the closed-form transformation of the normalised counts (samples x genes). Throws
// InputError when the parametric trend cannot be fitted (DESeq2 would fall back to a local fit, whose
// transformation needs numerical integration that is not implemented here).
struct BlindVst {
  Eigen::MatrixXd values;  // samples x genes, log2-like scale
  DispersionTrend trend;   // the design-free trend the transformation uses
};
BlindVst blindVarianceStabilizingTransformation(const data::CountMatrix::Dense& counts,
                                                const Eigen::VectorXd& sizeFactors,
                                                const DispersionOptions& options = {});

// Per-gene covariance of the coefficients on the log2 scale, flattened column-major into rows (genes x p*p), as
// estimateContrast() takes it: DESeq2's ridge sandwich at the fitted means (floored at minMu).
Eigen::MatrixXd coefficientCovariances(const Eigen::MatrixXd& modelMatrix, const GlmFit& fit,
                                       const Eigen::VectorXd& dispersions, const NbGlmOptions& options = {});

}  // namespace diffbio::stats

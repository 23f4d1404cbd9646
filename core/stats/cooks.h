#pragma once
// Cook's distances and count-outlier handling as DESeq2 1.38 does it (core.R: calculateCooksDistance,
// robustMethodOfMomentsDisp, trimmedCellVariance, trimmedVariance, recordMaxCooks, nOrMoreInCell, replaceOutliers,
// refitWithoutOutliers; results.R: the cooksCutoff rule).
//
// Matrices are samples x genes (the CountMatrix orientation); a row-major CountMatrix::Dense converts implicitly.
// "Design cells" are groups of samples whose model-matrix rows are identical (replicates of one condition).
// Missing values are NaN (R's NA): genes whose counts are all zero have NaN Cook's distances.
#include <Eigen/Core>
#include <limits>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/stats/nb_glm.h"
#include "core/stats/r_summaries.h"  // trimmedMean, which the outlier replacement uses

namespace diffbio::stats {

// Cell number of each sample (0, 1, ... in order of first appearance) by identical model-matrix rows.
std::vector<int> designCells(const Eigen::MatrixXd& modelMatrix);
// nOrMoreInCell: for each sample, whether its design cell holds at least n samples (itself included).
std::vector<bool> samplesInCellsOfAtLeast(const Eigen::MatrixXd& modelMatrix, int n);

// robustMethodOfMomentsDisp: a per-gene dispersion that one outlying count cannot inflate. The variance is the
// largest over design cells with >= 3 samples of a scaled trimmed variance around the cell's trimmed mean (trim
// 1/3, 1/4, 1/8 and scale 2.04, 1.86, 1.51 for cells of <= 3, 4-23, >= 24 samples); with no such cell, over all
// samples (trim 1/8, scale 1.51). Dispersion = (variance - mean) / mean^2 with the mean over all samples, at least
// 0.04. `normalizedCounts` = counts / size factor.
Eigen::VectorXd robustMethodOfMomentsDispersion(const Eigen::MatrixXd& normalizedCounts,
                                                const Eigen::MatrixXd& modelMatrix);

// cooksDistances for a GLM fit straight from the row-major counts, with the robust dispersion of counts / size
// factors computed on the way: the same numbers as robustMethodOfMomentsDispersion + cooksDistances with
// fit.mu and fit.hatDiagonal transposed, in one pass over the counts and without any intermediate matrix.
Eigen::MatrixXd cooksDistancesOfFit(const data::CountMatrix::Dense& counts, const Eigen::VectorXd& sizeFactors,
                                    const Eigen::MatrixXd& modelMatrix, const GlmFit& fit);

// calculateCooksDistance: D = (y - mu)^2 / (mu + alpha mu^2) / p * h / (1 - h)^2 per sample and gene, with alpha the
// robust dispersion above, mu the fitted means and h the hat-matrix diagonals of the GLM fit.
Eigen::MatrixXd cooksDistances(const Eigen::MatrixXd& counts, const Eigen::MatrixXd& mu,
                               const Eigen::MatrixXd& hatDiagonals, const Eigen::VectorXd& robustDispersion,
                               int nCoefficients);

// The default outlier cutoff: the 0.99 quantile of F(p, m - p), p coefficients, m samples. NaN when m <= p (DESeq2
// then applies no Cook's filtering).
double cooksCutoff(int nCoefficients, int nSamples);

// recordMaxCooks: per gene the largest Cook's distance over samples in design cells with >= 3 samples; NaN for
// every gene when there is no such sample or no residual degree of freedom (m <= p), and NaN where a used distance
// is NaN. results() calls a gene an outlier when maxCooks > cutoff.
Eigen::VectorXd maxCooks(const Eigen::MatrixXd& cooks, const Eigen::MatrixXd& modelMatrix);

// replaceOutliers (DESeq's minReplicatesForReplace = 7 step). Counts whose Cook's distance exceeds the cutoff, in
// samples whose design cell has at least minReplicates samples, become trunc(trimmed mean (trim 0.2) of the
// gene's normalized counts x the sample's size factor).
struct OutlierReplacement {
  Eigen::MatrixXd counts;                // the counts used for refitting (originals where nothing was replaced)
  std::vector<bool> replaceableSamples;  // samples in cells of >= minReplicates
  std::vector<bool> flagged;             // genes with any Cook's distance above the cutoff (DESeq2's `replace`)
  std::vector<bool> nowAllZero;          // flagged genes whose counts became all zero (results() reports 0 / 1)
  std::vector<long> genesToRefit;        // flagged and not now all zero: refit these (dispersion and GLM)
};
// `cutoff` defaults (NaN) to cooksCutoff(p, m). With m <= p nothing is flagged or replaced.
OutlierReplacement replaceOutliers(const Eigen::MatrixXd& counts, const Eigen::VectorXd& sizeFactors,
                                   const Eigen::MatrixXd& cooks, const Eigen::MatrixXd& modelMatrix,
                                   int minReplicates = 7, double trim = 0.2,
                                   double cutoff = std::numeric_limits<double>::quiet_NaN());

// The same decisions without a copy of the counts: only the replaced counts are listed (fitAndTest refits a few
// genes of a large matrix and never needs the whole replaced matrix).
struct ReplacedCount {
  long gene;
  Eigen::Index sample;
  double value;  // the new count
};
struct OutlierCountReplacement {
  std::vector<bool> replaceableSamples, flagged, nowAllZero;  // as in OutlierReplacement
  std::vector<long> genesToRefit;
  std::vector<ReplacedCount> replaced;  // in gene order, samples ascending within a gene
};
OutlierCountReplacement findOutlierReplacements(const data::CountMatrix::Dense& counts,
                                                const Eigen::VectorXd& sizeFactors, const Eigen::MatrixXd& cooks,
                                                const Eigen::MatrixXd& modelMatrix, int minReplicates = 7,
                                                double trim = 0.2,
                                                double cutoff = std::numeric_limits<double>::quiet_NaN());

// refitWithoutOutliers' final maxCooks, used when some gene was refitted: NaN everywhere when every sample is
// replaceable (outliers were handled by replacement), otherwise maxCooks with the replaceable samples' distances
// set to 0, so only outliers in small cells still filter genes. `cooks` are the original (pre-replacement) ones.
Eigen::VectorXd maxCooksAfterReplacement(const Eigen::MatrixXd& cooks, const Eigen::MatrixXd& modelMatrix,
                                         const std::vector<bool>& replaceableSamples);

}  // namespace diffbio::stats

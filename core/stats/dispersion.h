#pragma once
// DESeq2 1.38's dispersion estimation (estimateDispersions = estimateDispersionsGeneEst -> estimateDispersionsFit
// -> estimateDispersionsMAP), with the same defaults and the same numbers:
//
// 1. gene-wise:  for each gene, maximise the Cox-Reid adjusted likelihood of log(alpha) given the fitted means
//                (a linear model of the normalised counts when the design has as many groups as coefficients,
//                otherwise the NB GLM at a rough dispersion), by DESeq2's line search, with its grid search for
//                genes that do not converge;
// 2. trend:      alpha(mean) fitted through the gene-wise estimates (dispersion_trend.h);
// 3. prior:      the spread of log estimates around the trend, minus the expected sampling variance
//                (dispersion_prior.h);
// 4. MAP:        the same maximisation with a normal prior on log(alpha) centred on the trend; genes whose
//                gene-wise estimate lies more than 2 SD above the trend keep it ("dispersion outliers").
//
// Counts are samples x genes (the CountMatrix orientation); every per-gene output has one entry per gene, with NaN
// (and false flags) for genes whose counts are all zero, which are excluded from every fit as in DESeq2.
// Parallel over genes (at::parallel_for), deterministic.
#include <Eigen/Core>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/stats/dispersion_trend.h"

namespace diffbio::stats {

using Counts = data::CountMatrix::Dense;  // samples x genes

struct DispersionOptions {
  double minDisp = 1e-8;     // lower bound of every estimate; the upper bound is max(10, number of samples)
  double kappa0 = 1.0;       // line search: initial step scale
  double dispTol = 1e-6;     // line search: stop when the log posterior rises by less than this
  int maxIterations = 100;   // line search: proposals per gene
  double minMu = 0.5;        // floor on the fitted means used for the dispersion likelihood
  bool useCoxReid = true;    // Cox-Reid adjustment for the coefficients estimated with the means
  DispersionFitType fitType = DispersionFitType::Parametric;
  double outlierSD = 2.0;    // dispersion outliers: log gene-wise estimate above log trend + outlierSD * SD
  std::optional<double> priorVariance;  // use this prior variance instead of estimating it
  std::uint64_t priorVarianceSeed = 2;  // seeds the simulation used when 1 <= samples - coefficients <= 3
};

struct GeneWiseDispersions {
  Eigen::VectorXd baseMean;          // mean of the normalised counts
  Eigen::VectorXd baseVar;           // their variance (n - 1 denominator)
  std::vector<bool> allZero;         // every count zero
  Eigen::VectorXd dispGeneEst;       // gene-wise estimate
  Eigen::VectorXi dispGeneIter;      // line-search proposals (0 for all-zero genes)
  std::vector<bool> usedGridSearch;  // the line search did not converge and the grid search gave the estimate
  Eigen::MatrixXd mu;                // genes x samples: the means the estimates condition on (floored at minMu);
                                     // estimateDispersions frees them after the MAP step
  bool linearModelMeans = false;     // mu came from the linear model (as many groups as coefficients)
};

struct MapDispersions {
  Eigen::VectorXd dispMAP;           // maximum a posteriori estimate
  Eigen::VectorXi dispMapIter;       // line-search proposals
  std::vector<bool> usedGridSearch;
  std::vector<bool> dispOutlier;     // gene-wise estimate far above the trend: it is kept as the final value
  Eigen::VectorXd dispersion;        // final: dispMAP, or dispGeneEst for dispersion outliers
};

struct DispersionResult {
  GeneWiseDispersions geneWise;
  DispersionTrend trend;
  Eigen::VectorXd dispFit;           // the trend at each gene's baseMean
  double varLogDispEsts = 0;         // mad^2 of log(dispGeneEst) - log(dispFit)
  double dispPriorVar = 0;           // prior variance of log dispersions used for the MAP
  MapDispersions map;

  // Shortcuts to the columns DESeq2 stores in mcols(dds).
  const Eigen::VectorXd& baseMean() const { return geneWise.baseMean; }
  const Eigen::VectorXd& dispGeneEst() const { return geneWise.dispGeneEst; }
  const Eigen::VectorXd& dispMAP() const { return map.dispMAP; }
  const Eigen::VectorXd& dispersion() const { return map.dispersion; }
};

// The whole of DESeq2's estimateDispersions. modelMatrix: samples x coefficients, full column rank.
// Throws InputError when there are no residual degrees of freedom (as many samples as coefficients) or when no
// gene has a usable gene-wise estimate; std::invalid_argument on mismatched shapes.
DispersionResult estimateDispersions(const Counts& counts, const Eigen::VectorXd& sizeFactors,
                                     const Eigen::MatrixXd& modelMatrix, const DispersionOptions& options = {});

// The stages on their own (e.g. to re-estimate a few genes after replacing outlier counts, with the trend and
// prior of the full data, as DESeq2's refitWithoutOutliers does).
GeneWiseDispersions estimateGeneWiseDispersions(const Counts& counts, const Eigen::VectorXd& sizeFactors,
                                                const Eigen::MatrixXd& modelMatrix,
                                                const DispersionOptions& options = {});
// mu: genes x samples from the gene-wise stage. dispFit: the trend at each gene. NaN genes are skipped.
MapDispersions estimateMapDispersions(const Counts& counts, const Eigen::MatrixXd& modelMatrix,
                                      const Eigen::MatrixXd& mu, const Eigen::VectorXd& dispGeneEst,
                                      const Eigen::VectorXd& dispFit, double dispPriorVar, double varLogDispEsts,
                                      const DispersionOptions& options = {});

}  // namespace diffbio::stats

#pragma once
// The width of the log-normal prior on the dispersions (DESeq2 1.38's dispersionFunction<- setter, which computes
// varLogDispEsts, and estimateDispersionsPriorVar).
#include <Eigen/Core>
#include <cstdint>

namespace diffbio::stats {

// R's mad(): 1.4826 * median(|x - median(x)|).
double medianAbsoluteDeviation(const Eigen::VectorXd& values);

// The spread of the log gene-wise estimates around the trend: mad(log(geneWise) - log(trend))^2 over the genes with
// geneWise >= 100 * minDisp (NaN entries, i.e. all-zero genes, are skipped).
double logDispersionResidualVariance(const Eigen::VectorXd& geneWise, const Eigen::VectorXd& trend,
                                     double minDisp = 1e-8);

// The prior variance of log(alpha) for nSamples samples and nCoefficients coefficients:
// - more than 3 residual degrees of freedom: max(varLogDispEsts - trigamma((m - p) / 2), 0.25), DESeq2-exact;
// - no residual degrees of freedom: varLogDispEsts;
// - 1 to 3 residual degrees of freedom (where the MAD is a poor guide to the skewed distribution of log
//   estimates): as DESeq2, the variance of a normal noise that, added to simulated log chi-square(m - p) / (m - p)
//   draws, makes their histogram closest (Kullback-Leibler) to the residuals' histogram, smoothed over a grid of
//   200 variances by a local quadratic regression (span 0.2), minimum 0.25. We simulate with a C++ generator
//   seeded by `seed` (not R's RNG with set.seed(2)) and smooth without loess's interpolation, so this branch is
//   close to but not bit-identical with DESeq2.
double dispersionPriorVariance(const Eigen::VectorXd& geneWise, const Eigen::VectorXd& trend, double varLogDispEsts,
                               Eigen::Index nSamples, Eigen::Index nCoefficients, std::uint64_t seed = 2,
                               double minDisp = 1e-8);

}  // namespace diffbio::stats

#pragma once
// Negative binomial GLM fitted gene by gene, as DESeq2 1.38's fitNbinomGLMs / fitBeta (the model behind
// nbinomWaldTest and nbinomLRT):
//
//   counts[j, g] ~ NB(mean = sizeFactor[j] * exp(x_j' beta_g), dispersion alpha_g)
//
// with a tiny ridge penalty (lambda = 1e-6 per coefficient on the log2 scale) that keeps the fit defined when a
// group has only zeros. Coefficients are on the natural-log scale; log2Beta() gives what DESeq2 reports.
//
// Genes whose counts are all zero, or whose dispersion is NaN, get NaN everywhere and are not fitted.
#include <Eigen/Core>
#include <vector>

#include "core/data/count_matrix.h"

namespace diffbio::stats {

using Counts = data::CountMatrix::Dense;  // samples x genes (the CountMatrix orientation)

struct NbGlmOptions {
  // Ridge penalty per coefficient on the log2 scale (DESeq2's `lambda`); empty means 1e-6 for every coefficient.
  Eigen::VectorXd ridgeLog2;
  double betaTolerance = 1e-8;  // relative change of the deviance that ends IRLS (DESeq2's betaTol)
  int maxIterations = 100;
  double minMu = 0.5;           // floor on fitted means inside IRLS (1/mu enters the weights)
  // Refit genes where IRLS did not converge (or gave NaN / non-positive variances) with a bounded Newton method.
  bool useFallbackOptimizer = true;
};

struct GlmFit {
  Eigen::MatrixXd beta;          // genes x coefficients, natural-log scale
  Eigen::MatrixXd betaVariance;  // genes x coefficients: diagonal of the sandwich covariance, natural-log scale
  Eigen::MatrixXd mu;            // genes x samples: sizeFactor * exp(X beta) (not floored), as DESeq2's assay "mu"
  Eigen::MatrixXd hatDiagonal;   // genes x samples: diagonal of the weighted hat matrix (for Cook's distances)
  Eigen::VectorXd logLikelihood; // per gene, sum of R's dnbinom(y, size = 1/alpha, mu, log = TRUE)
  std::vector<bool> converged;   // DESeq2's betaConv
  Eigen::VectorXi iterations;    // IRLS iterations (DESeq2's betaIter)
  std::vector<bool> usedFallback;  // refitted by the fallback optimiser

  // coef(dds): coefficients on the log2 scale.
  Eigen::MatrixXd log2Beta() const;
  // Standard errors on the log2 scale (DESeq2's betaSE: negative variances count as zero).
  Eigen::MatrixXd log2StandardError() const;
  Eigen::VectorXd deviance() const { return -2.0 * logLikelihood; }
};

// counts: samples x genes; sizeFactors: one per sample; modelMatrix: samples x coefficients; dispersions: one per
// gene. Throws std::invalid_argument on mismatched shapes. Parallel over genes (at::parallel_for), deterministic.
GlmFit fitNegativeBinomialGlm(const Counts& counts, const Eigen::VectorXd& sizeFactors,
                              const Eigen::MatrixXd& modelMatrix, const Eigen::VectorXd& dispersions,
                              const NbGlmOptions& options = {});

// True when the model matrix is a single column of ones (DESeq2 then uses a closed form, no IRLS).
bool isInterceptOnly(const Eigen::MatrixXd& modelMatrix);

}  // namespace diffbio::stats

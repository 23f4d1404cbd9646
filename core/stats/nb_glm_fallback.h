#pragma once
// The fallback for genes where IRLS fails (DESeq2's fitNbinomGLMsOptim). DESeq2 runs R's optim(method="L-BFGS-B")
// on the ridge-penalised NB log-likelihood with coefficients bounded to +-30 on the log2 scale. This is our own
// small projected Newton method for the same objective and bounds: it reaches the same optimum, but where the
// optimum is flat (the usual reason IRLS failed, e.g. a group of zeros drives a coefficient towards -infinity) the
// point where it stops can differ slightly from L-BFGS-B's.
#include <Eigen/Core>

namespace diffbio::stats {

struct PenalizedNbProblem {
  const double* counts = nullptr;       // one gene, nSamples values
  const double* sizeFactors = nullptr;  // nSamples values
  const Eigen::MatrixXd* modelMatrix = nullptr;
  double dispersion = 0;
  Eigen::VectorXd ridge;                // penalty per coefficient on the natural-log scale
  double bound = 0;                     // |beta_k| <= bound (natural-log scale)
};

struct PenalizedNbSolution {
  Eigen::VectorXd beta;  // natural-log scale
  bool converged = false;
  int iterations = 0;
};

// Maximises sum_j log NB(y_j; mu_j = s_j exp(x_j' beta), 1/alpha) - 1/2 sum_k ridge_k beta_k^2 over the box.
PenalizedNbSolution maximizePenalizedNbLikelihood(const PenalizedNbProblem& problem, Eigen::VectorXd start);

}  // namespace diffbio::stats

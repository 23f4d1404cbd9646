#pragma once
// The differentiable mode of the DE engine: DESeq2's Wald test (nb_glm.h + de_tests.h) rewritten as a LibTorch
// module whose inputs are learnable, so that a loss on its results (de_losses.h) sends gradients to the size
// factors, the GLM coefficients and the dispersions.
//
//   mu      = sizeFactor_j * exp(x_j' beta_g)                                    (samples x genes)
//   B_g     = X' W_g X,  w = m / (1 + alpha_g m),  m = max(mu, minMu)             (Fisher information, [G, p, p])
//   Sigma_g = (B_g + Lambda_g)^-1 B_g (B_g + Lambda_g)^-1                         (DESeq2's ridge sandwich)
//   LFC     = c' beta_g / ln 2,   SE = sqrt(c' Sigma_g c) / ln 2                  (log2 scale, as DESeq2 reports)
//   stat    = LFC / SE,  p = 2 Phi(-|stat|) = erfc(|stat| / sqrt 2)
//   s       = sigmoid((threshold - p) / temperature)                             (soft significance)
//
// Initialised from the exact fit (fromExactFit), the module reproduces the exact path: it uses the same floor on
// the means inside the weights and the same per-gene ridge as fitNegativeBinomialGlm (including the log2-scale ridge
// of genes refitted by the fallback optimiser, and no ridge and no floor for an intercept-only design), so its
// statistics and p-values equal stats::waldTest on the GlmFit's coefficients and standard errors to rounding.
// The floor makes the weights flat in mu below minMu (zero gradient there), as in DESeq2.
//
// Genes the exact fit leaves out (all-zero counts, NaN dispersion) are kept at harmless values (beta 0, alpha 1) and
// reported as NaN; the losses below skip them. Everything is double precision on the CPU.
#include <torch/arg.h>
#include <torch/nn/module.h>

#include <ATen/core/Tensor.h>

#include <Eigen/Core>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/ops/de/de_losses.h"
#include "core/stats/nb_glm.h"

namespace diffbio::ops {

struct DifferentiableDeOptions {
  // p-value threshold of a significant call (the seed's alpha).
  TORCH_ARG(double, threshold) = 0.05;
  // Width of the soft step around the threshold, in p-value units: s = 0.5 at p = threshold, s = sigmoid(5) = 0.993
  // at p = 0 with the default. Smaller is closer to the hard call and has fewer genes with a useful gradient.
  TORCH_ARG(double, temperature) = 0.01;
  // The tested coefficient (column of the model matrix); -1 means the last one, DESeq2's default for results().
  TORCH_ARG(std::int64_t, coefficient) = -1;
  // A numeric contrast over the coefficients (DESeq2's contrast = c(...)); when non-empty it replaces `coefficient`.
  TORCH_ARG(std::vector<double>, contrast) = {};
  // Which parameters are learnable; the others are fixed buffers.
  TORCH_ARG(bool, learnSizeFactors) = true;
  TORCH_ARG(bool, learnCoefficients) = true;
  TORCH_ARG(bool, learnDispersions) = true;
};

// Everything the module starts from, as tensors (double). fromExactFit builds it from an exact fit.
struct DifferentiableDeInit {
  at::Tensor counts;          // samples x genes
  at::Tensor modelMatrix;     // samples x p
  at::Tensor logSizeFactors;  // samples
  at::Tensor beta;            // genes x p, natural-log scale
  at::Tensor logDispersion;   // genes
  at::Tensor ridge;           // genes x p: the ridge Lambda on the diagonal of B + Lambda, natural-log scale
  at::Tensor fitted;          // genes, bool: the gene has an exact fit (otherwise reported as NaN)
  double minMu = 0.5;         // floor on the means inside the weights (0 disables it)
};

// One evaluation. Per-gene tensors have one entry per gene; NaN for genes without a fit.
struct DeOutputs {
  at::Tensor log2FoldChange, lfcSE, stat, pvalue;
  at::Tensor significanceLogit;  // (threshold - p) / temperature
  at::Tensor softSignificance;   // sigmoid of the logit
  at::Tensor logMu, mu;          // samples x genes, not floored
};

class DifferentiableDe : public torch::nn::Module {
 public:
  DifferentiableDe(DifferentiableDeInit init, DifferentiableDeOptions options);

  // From an exact fit: sizeFactors and dispersions as given to fitNegativeBinomialGlm with glmOptions, and its
  // result. Throws std::invalid_argument on mismatched shapes or a contrast of the wrong length.
  static std::shared_ptr<DifferentiableDe> fromExactFit(const stats::Counts& counts,
                                                        const Eigen::VectorXd& sizeFactors,
                                                        const Eigen::MatrixXd& modelMatrix, const stats::GlmFit& fit,
                                                        const Eigen::VectorXd& dispersions,
                                                        DifferentiableDeOptions options = {},
                                                        const stats::NbGlmOptions& glmOptions = {});

  DeOutputs forward();

  // NB negative log-likelihood of the counts at the current means and dispersions, over genes with a fit.
  at::Tensor negativeLogLikelihood(const DeOutputs& out, LossReduction reduction = LossReduction::Mean) const;
  // The seed's label loss (labelLossFromLogits) of the soft significance against 0/1 labels, over genes with a fit.
  at::Tensor labelLoss(const DeOutputs& out, const at::Tensor& labels,
                       LossReduction reduction = LossReduction::Mean) const;
  // Hard calls as the seed makes them (soft significance > 0.5, i.e. p < threshold); false for genes without a fit.
  std::vector<bool> significantCalls(const DeOutputs& out) const;

  const DifferentiableDeOptions& options() const { return options_; }
  const at::Tensor& logSizeFactors() const { return logSizeFactors_; }
  const at::Tensor& beta() const { return beta_; }
  const at::Tensor& logDispersion() const { return logDispersion_; }
  const at::Tensor& contrast() const { return contrast_; }
  const at::Tensor& fitted() const { return fitted_; }
  const at::Tensor& counts() const { return counts_; }

 private:
  at::Tensor registerState(const char* name, const at::Tensor& value, bool learnable);

  DifferentiableDeOptions options_;
  double minMu_ = 0.5;
  at::Tensor counts_, modelMatrix_, contrast_, ridge_, fitted_;  // buffers
  at::Tensor logSizeFactors_, beta_, logDispersion_;             // parameters (or buffers when fixed)
};

}  // namespace diffbio::ops

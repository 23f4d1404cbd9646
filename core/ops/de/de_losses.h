#pragma once
// Losses for training the differentiable DE engine (differentiable_de.h):
//
// - nbNegativeLogLikelihood: the negative binomial negative log-likelihood with every normalising constant, so
//   that its value equals -sum(log dnbinom(y, size = 1/alpha, mu)) in R, not just a quantity with the same gradient.
//   It is written in log mu and log alpha (the parameters the module learns) so that it stays finite where mu or
//   alpha is tiny or huge.
// - seedLabelLoss / labelLossFromLogits: the seed's label loss, the binary cross-entropy of the soft significance
//   against known DE labels (1 = differentially expressed). seedLabelLoss is the seed's formula verbatim, with its
//   1e-8 inside the logarithms; labelLossFromLogits is the same loss from the logit of the soft significance, which
//   is exact where the sigmoid saturates (the seed's epsilon caps each term at -log(1e-8) = 18.4 instead and its
//   gradient vanishes there). Elsewhere they differ per gene by about 1e-8 / q, where q is the probability the
//   soft significance gives the true label.
#include <ATen/core/Tensor.h>

namespace diffbio::ops {

enum class LossReduction {
  Mean,  // average over every entry (samples x genes for the likelihood, genes for the label loss)
  Sum,
};

// counts: samples x genes (double); logMu: samples x genes; logDispersion: one per gene (broadcast over samples).
// Per entry, with r = 1/alpha:
//   -log P(y) = -lgamma(y + r) + lgamma(r) + lgamma(y + 1) + r log(1 + alpha mu) - y log(alpha mu / (1 + alpha mu))
// where log(1 + alpha mu) = softplus(log alpha + log mu). Matches stats::nbLogPmf to ~1e-12 relative for moderate
// dispersions; for alpha below ~1e-8 lgamma(y + r) - lgamma(r) loses digits to cancellation.
at::Tensor nbNegativeLogLikelihood(const at::Tensor& counts, const at::Tensor& logMu, const at::Tensor& logDispersion,
                                   LossReduction reduction = LossReduction::Mean);

// The seed's loss: -mean(y log(s + eps) + (1 - y) log(1 - s + eps)); labels are 0/1 (any floating type).
at::Tensor seedLabelLoss(const at::Tensor& softSignificance, const at::Tensor& labels, double epsilon = 1e-8,
                         LossReduction reduction = LossReduction::Mean);

// The same cross-entropy from logits u, with s = sigmoid(u): y softplus(-u) + (1 - y) softplus(u), computed without
// forming s (numerically stable for any u).
at::Tensor labelLossFromLogits(const at::Tensor& significanceLogit, const at::Tensor& labels,
                               LossReduction reduction = LossReduction::Mean);

}  // namespace diffbio::ops

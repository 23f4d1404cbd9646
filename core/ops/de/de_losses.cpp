#include "core/ops/de/de_losses.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace diffbio::ops {

namespace {

at::Tensor reduce(const at::Tensor& perEntry, LossReduction reduction) {
  return reduction == LossReduction::Mean ? perEntry.mean() : perEntry.sum();
}

void checkSameShape(const at::Tensor& a, const at::Tensor& b, const char* what) {
  if (a.sizes() != b.sizes()) throw std::invalid_argument(std::string(what) + ": the inputs must have the same shape");
}

}  // namespace

at::Tensor nbNegativeLogLikelihood(const at::Tensor& counts, const at::Tensor& logMu, const at::Tensor& logDispersion,
                                   LossReduction reduction) {
  checkSameShape(counts, logMu, "nbNegativeLogLikelihood");
  if (logDispersion.dim() != 1 || logDispersion.size(0) != counts.size(-1))
    throw std::invalid_argument("nbNegativeLogLikelihood: one log dispersion per gene (column of counts) expected");
  const at::Tensor size = at::exp(-logDispersion);           // r = 1 / alpha, per gene
  const at::Tensor logAlphaMu = logMu + logDispersion;       // log(alpha mu)
  const at::Tensor log1pAlphaMu = at::softplus(logAlphaMu);  // log(1 + alpha mu), no overflow for large alpha mu
  const at::Tensor logPmf = at::lgamma(counts + size) - at::lgamma(size) - at::lgamma(counts + 1.0) -
                            size * log1pAlphaMu + counts * (logAlphaMu - log1pAlphaMu);
  return reduce(-logPmf, reduction);
}

at::Tensor seedLabelLoss(const at::Tensor& softSignificance, const at::Tensor& labels, double epsilon,
                         LossReduction reduction) {
  checkSameShape(softSignificance, labels, "seedLabelLoss");
  const at::Tensor y = labels.to(softSignificance.scalar_type());
  const at::Tensor perGene =
      -(y * at::log(softSignificance + epsilon) + (1.0 - y) * at::log(1.0 - softSignificance + epsilon));
  return reduce(perGene, reduction);
}

at::Tensor labelLossFromLogits(const at::Tensor& significanceLogit, const at::Tensor& labels,
                               LossReduction reduction) {
  checkSameShape(significanceLogit, labels, "labelLossFromLogits");
  const at::Tensor y = labels.to(significanceLogit.scalar_type());
  // -log sigmoid(u) = softplus(-u); -log(1 - sigmoid(u)) = softplus(u).
  const at::Tensor perGene = y * at::softplus(-significanceLogit) + (1.0 - y) * at::softplus(significanceLogit);
  return reduce(perGene, reduction);
}

}  // namespace diffbio::ops

#pragma once
// The losses a training run can use, by name, so a pipeline file or the GUI can pick one without code.
//
// Every loss takes its inputs as named tensors (a TensorMap) and returns the total plus its named components, so the
// trainer can report e.g. the reconstruction and KL parts of an ELBO separately. Counts likelihoods are written in
// logs (log mean, log dispersion, zero-inflation logit): these are what models learn, and the logs keep the values
// finite where a mean or a dispersion is tiny or huge. All normalising constants are included, so values are true
// negative log-likelihoods (comparable across models), not just quantities with the right gradient.
//
// Reductions: per-entry losses (likelihoods, BCE, MSE) average over all entries. Latent-variable losses (Gaussian
// KL, ELBO) sum over the last dimension (genes, latent units) and average over rows (cells), the usual VAE
// convention, so a KL over 10 latent units and a likelihood over 2,000 genes are on the same per-cell scale.
#include <ATen/core/Tensor.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace diffbio::train {

using TensorMap = std::map<std::string, at::Tensor>;

struct LossValue {
  at::Tensor total;                         // scalar, differentiable
  std::map<std::string, at::Tensor> components;  // scalar parts (detached copies are the caller's choice)
};

// ---- The losses as plain functions (per-entry values; reduce with mean() or sum()) ----

// Poisson: lambda - y log lambda + lgamma(y + 1), with log lambda = logRate.
at::Tensor poissonNllPerEntry(const at::Tensor& counts, const at::Tensor& logRate);
// Negative binomial (mean mu, dispersion alpha, variance mu + alpha mu^2). logDispersion broadcasts against counts
// (e.g. one per gene over cells x genes).
at::Tensor nbNllPerEntry(const at::Tensor& counts, const at::Tensor& logMu, const at::Tensor& logDispersion);
// Zero-inflated NB: P(0) = pi + (1 - pi) NB(0), P(y > 0) = (1 - pi) NB(y), pi = sigmoid(zeroLogit). A logit of
// -inf is no zero inflation (exactly NB).
at::Tensor zinbNllPerEntry(const at::Tensor& counts, const at::Tensor& logMu, const at::Tensor& logDispersion,
                           const at::Tensor& zeroLogit);
// Binary cross-entropy from logits, stable for any logit: y softplus(-u) + (1 - y) softplus(u).
at::Tensor binaryCrossEntropyPerEntry(const at::Tensor& logits, const at::Tensor& labels);
// Multi-class cross-entropy: logits rows x classes, targets int64 class indices (one per row).
at::Tensor crossEntropyPerRow(const at::Tensor& logits, const at::Tensor& targets);
// KL(N(mean, exp(logVar)) || N(0, 1)) per entry: 0.5 (exp(logVar) + mean^2 - 1 - logVar).
at::Tensor gaussianKlPerEntry(const at::Tensor& mean, const at::Tensor& logVar);

// ---- The registry ----

struct LossOptions {
  std::string reconstruction = "nb_nll";  // ELBO only: nb_nll | zinb_nll | poisson_nll | mse
  double klWeight = 1.0;                  // ELBO only: beta of a beta-VAE (KL annealing sets it per step)
};

using LossFunction = std::function<LossValue(const TensorMap&)>;

struct LossInfo {
  std::string name;
  std::string summary;
  std::vector<std::string> inputs;  // names the TensorMap must hold
};

// The registered losses: nb_nll, zinb_nll, poisson_nll, bce, cross_entropy, mse, gaussian_kl, elbo.
const std::vector<LossInfo>& availableLosses();

// Throws std::invalid_argument for an unknown name; the returned function throws std::invalid_argument naming the
// missing input when the map lacks one.
LossFunction makeLoss(const std::string& name, const LossOptions& options = {});

// sum_i weight_i * loss_i; each term's value is reported as a component under its name (the weighted value).
struct WeightedLoss {
  std::string name;
  double weight = 1.0;
  LossOptions options;
};
LossFunction makeWeightedSum(const std::vector<WeightedLoss>& terms);

}  // namespace diffbio::train

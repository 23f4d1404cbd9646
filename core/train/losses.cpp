#include "core/train/losses.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace diffbio::train {

namespace {

const at::Tensor& input(const TensorMap& inputs, const std::string& lossName, const std::string& key) {
  const auto it = inputs.find(key);
  if (it == inputs.end() || !it->second.defined())
    throw std::invalid_argument("loss '" + lossName + "' needs the input '" + key + "'");
  return it->second;
}

// Sum over the last dimension, mean over the rest: per-row (per-cell) totals, averaged. A vector is one row.
at::Tensor rowSumMean(const at::Tensor& perEntry) {
  return perEntry.dim() <= 1 ? perEntry.sum() : perEntry.sum(-1).mean();
}

// log NB(y) with every constant, from log mu and log alpha; r = 1/alpha. log(1 + alpha mu) = softplus(log alpha mu)
// does not overflow for large alpha mu.
at::Tensor nbLogPmf(const at::Tensor& y, const at::Tensor& logMu, const at::Tensor& logDispersion) {
  const at::Tensor r = at::exp(-logDispersion);
  const at::Tensor logAlphaMu = logMu + logDispersion;
  const at::Tensor log1pAlphaMu = at::softplus(logAlphaMu);
  return at::lgamma(y + r) - at::lgamma(r) - at::lgamma(y + 1.0) - r * log1pAlphaMu +
         y * (logAlphaMu - log1pAlphaMu);
}

// The per-entry reconstruction NLL an ELBO (or the plain likelihood losses) use.
at::Tensor reconstructionPerEntry(const std::string& kind, const TensorMap& in, const std::string& lossName) {
  if (kind == "nb_nll")
    return nbNllPerEntry(input(in, lossName, "counts"), input(in, lossName, "log_mu"),
                         input(in, lossName, "log_dispersion"));
  if (kind == "zinb_nll")
    return zinbNllPerEntry(input(in, lossName, "counts"), input(in, lossName, "log_mu"),
                           input(in, lossName, "log_dispersion"), input(in, lossName, "zero_logit"));
  if (kind == "poisson_nll") return poissonNllPerEntry(input(in, lossName, "counts"), input(in, lossName, "log_rate"));
  if (kind == "mse") return at::square(input(in, lossName, "prediction") - input(in, lossName, "target"));
  throw std::invalid_argument("unknown reconstruction loss '" + kind + "' (nb_nll, zinb_nll, poisson_nll, mse)");
}

std::vector<std::string> reconstructionInputs(const std::string& kind) {
  if (kind == "nb_nll") return {"counts", "log_mu", "log_dispersion"};
  if (kind == "zinb_nll") return {"counts", "log_mu", "log_dispersion", "zero_logit"};
  if (kind == "poisson_nll") return {"counts", "log_rate"};
  return {"prediction", "target"};
}

LossValue single(at::Tensor total, const std::string& name) {
  LossValue value{std::move(total), {}};
  value.components[name] = value.total;
  return value;
}

}  // namespace

at::Tensor poissonNllPerEntry(const at::Tensor& counts, const at::Tensor& logRate) {
  return at::exp(logRate) - counts * logRate + at::lgamma(counts + 1.0);
}

at::Tensor nbNllPerEntry(const at::Tensor& counts, const at::Tensor& logMu, const at::Tensor& logDispersion) {
  return -nbLogPmf(counts, logMu, logDispersion);
}

at::Tensor zinbNllPerEntry(const at::Tensor& counts, const at::Tensor& logMu, const at::Tensor& logDispersion,
                           const at::Tensor& zeroLogit) {
  const at::Tensor logPi = -at::softplus(-zeroLogit);        // log sigmoid(u)
  const at::Tensor logOneMinusPi = -at::softplus(zeroLogit);  // log(1 - sigmoid(u))
  // log NB(0) = -r log(1 + alpha mu).
  const at::Tensor logNbZero = -at::exp(-logDispersion) * at::softplus(logMu + logDispersion);
  const at::Tensor logZero = at::logaddexp(logPi, logOneMinusPi + logNbZero);
  const at::Tensor logPositive = logOneMinusPi + nbLogPmf(counts, logMu, logDispersion);
  // Both branches are finite everywhere, so where() passes clean gradients to each entry's own branch.
  return -at::where(counts == 0, logZero, logPositive);
}

at::Tensor binaryCrossEntropyPerEntry(const at::Tensor& logits, const at::Tensor& labels) {
  const at::Tensor y = labels.to(logits.scalar_type());
  return y * at::softplus(-logits) + (1.0 - y) * at::softplus(logits);
}

at::Tensor crossEntropyPerRow(const at::Tensor& logits, const at::Tensor& targets) {
  if (logits.dim() != 2 || targets.dim() != 1 || targets.size(0) != logits.size(0))
    throw std::invalid_argument("cross_entropy: logits rows x classes and one target class per row expected");
  return -at::log_softmax(logits, 1).gather(1, targets.to(at::kLong).unsqueeze(1)).squeeze(1);
}

at::Tensor gaussianKlPerEntry(const at::Tensor& mean, const at::Tensor& logVar) {
  return 0.5 * (at::exp(logVar) + at::square(mean) - 1.0 - logVar);
}

const std::vector<LossInfo>& availableLosses() {
  static const std::vector<LossInfo> losses = {
      {"nb_nll", "negative binomial negative log-likelihood (mean over entries)", reconstructionInputs("nb_nll")},
      {"zinb_nll", "zero-inflated negative binomial negative log-likelihood (mean over entries)",
       reconstructionInputs("zinb_nll")},
      {"poisson_nll", "Poisson negative log-likelihood (mean over entries)", reconstructionInputs("poisson_nll")},
      {"bce", "binary cross-entropy from logits against 0/1 labels (the seed's DE label loss)", {"logits", "labels"}},
      {"cross_entropy", "multi-class cross-entropy from logits (mean over rows)", {"logits", "targets"}},
      {"mse", "mean squared error", {"prediction", "target"}},
      {"gaussian_kl", "KL divergence of N(mean, exp(log_var)) from N(0, 1) (sum per row, mean over rows)",
       {"mean", "log_var"}},
      {"elbo", "negative ELBO: reconstruction NLL + kl weight x Gaussian KL (sums per row, mean over rows)",
       {"counts", "log_mu", "log_dispersion", "mean", "log_var"}},
  };
  return losses;
}

LossFunction makeLoss(const std::string& name, const LossOptions& options) {
  if (name == "nb_nll" || name == "zinb_nll" || name == "poisson_nll" || name == "mse")
    return [name](const TensorMap& in) { return single(reconstructionPerEntry(name, in, name).mean(), name); };
  if (name == "bce")
    return [](const TensorMap& in) {
      return single(binaryCrossEntropyPerEntry(input(in, "bce", "logits"), input(in, "bce", "labels")).mean(), "bce");
    };
  if (name == "cross_entropy")
    return [](const TensorMap& in) {
      return single(
          crossEntropyPerRow(input(in, "cross_entropy", "logits"), input(in, "cross_entropy", "targets")).mean(),
          "cross_entropy");
    };
  if (name == "gaussian_kl")
    return [](const TensorMap& in) {
      return single(rowSumMean(gaussianKlPerEntry(input(in, "gaussian_kl", "mean"), input(in, "gaussian_kl", "log_var"))),
                    "gaussian_kl");
    };
  if (name == "elbo") {
    if (options.reconstruction != "nb_nll" && options.reconstruction != "zinb_nll" &&
        options.reconstruction != "poisson_nll" && options.reconstruction != "mse")
      throw std::invalid_argument("elbo: unknown reconstruction loss '" + options.reconstruction + "'");
    return [options](const TensorMap& in) {
      const at::Tensor reconstruction = rowSumMean(reconstructionPerEntry(options.reconstruction, in, "elbo"));
      const at::Tensor kl = rowSumMean(gaussianKlPerEntry(input(in, "elbo", "mean"), input(in, "elbo", "log_var")));
      LossValue value{reconstruction + options.klWeight * kl, {}};
      value.components["reconstruction"] = reconstruction;
      value.components["kl"] = kl;
      return value;
    };
  }
  throw std::invalid_argument("unknown loss '" + name +
                              "' (nb_nll, zinb_nll, poisson_nll, bce, cross_entropy, mse, gaussian_kl, elbo)");
}

LossFunction makeWeightedSum(const std::vector<WeightedLoss>& terms) {
  if (terms.empty()) throw std::invalid_argument("a weighted sum of losses needs at least one term");
  std::vector<std::pair<WeightedLoss, LossFunction>> parts;
  for (const auto& term : terms) parts.emplace_back(term, makeLoss(term.name, term.options));
  return [parts](const TensorMap& in) {
    LossValue sum;
    for (const auto& [term, function] : parts) {
      const at::Tensor weighted = term.weight * function(in).total;
      sum.total = sum.total.defined() ? sum.total + weighted : weighted;
      sum.components[term.name] = weighted;
    }
    return sum;
  };
}

}  // namespace diffbio::train

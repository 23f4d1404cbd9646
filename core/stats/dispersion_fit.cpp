#include "core/stats/dispersion_fit.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/stats/gamma_batch.h"
#include "core/stats/nb_likelihood.h"
#include "core/util/cpu_dispatch.h"
#include "core/util/vector_math.h"

namespace diffbio::stats {

namespace {

// DESeq2 keeps log(alpha) inside [-30, 10]: lgamma(1/alpha) becomes unreliable beyond about 1e13.
constexpr double kMinProposal = -30.0;
constexpr double kMaxProposal = 10.0;
constexpr double kArmijo = 1e-4;
constexpr int kGridPoints = 20;

}  // namespace

DispersionPosterior::DispersionPosterior(const DesignGroups& groups, bool useCoxReid)
    : useCoxReid_(useCoxReid), coxReid_(groups), samplesOfGroup_(groups.samplesOfGroup) {
  groupW_.resize(groups.count());
  groupDW_.resize(groups.count());
}

void DispersionPosterior::setGene(const double* counts, Eigen::Index countStride, const double* mu,
                                  Eigen::Index muStride, Eigen::Index nSamples, DispersionPrior prior) {
  n_ = nSamples;
  countBuffer_.resize(static_cast<std::size_t>(n_));
  muBuffer_.resize(static_cast<std::size_t>(n_));
  positive_.resize(static_cast<std::size_t>(n_));
  // One pass: the gene's counts and means, and the samples with a positive count (stored unconditionally, kept by
  // advancing the end only for positive counts, which avoids a branch per sample).
  std::size_t nPositive = 0;
  for (Eigen::Index j = 0; j < n_; ++j) {
    const double y = counts[j * countStride];
    countBuffer_[static_cast<std::size_t>(j)] = y;
    muBuffer_[static_cast<std::size_t>(j)] = mu[j * muStride];
    positive_[nPositive] = j;
    nPositive += y > 0 ? 1 : 0;
  }
  positive_.resize(nPositive);
  y_ = countBuffer_.data();
  mu_ = muBuffer_.data();
  prior_ = prior;
  prepared_ = false;
  log1pMuAlpha_.resize(n_);
  inverse1pMuAlpha_.resize(n_);
  weights_.resize(n_);
  // Distinct counts: small whole counts through a lookup table, anything else gets a slot of its own. (For a
  // positive count, truncation is the floor: a whole count is one that survives the round trip through an integer.)
  constexpr int kTableSize = 4096;
  // The table index of a whole count below kTableSize, or -1.
  const auto tableIndex = [](double count) -> std::int64_t {
    const auto whole = static_cast<std::int64_t>(count < kTableSize ? count : 0.0);
    return count < kTableSize && static_cast<double>(whole) == count ? whole : -1;
  };
  if (slotOfCount_.empty()) slotOfCount_.assign(kTableSize, -1);
  distinct_.clear();
  slot_.resize(positive_.size());
  for (std::size_t k = 0; k < positive_.size(); ++k) {
    const double count = y_[positive_[k]];
    if (const std::int64_t index = tableIndex(count); index >= 0) {
      int& slot = slotOfCount_[static_cast<std::size_t>(index)];
      if (slot < 0) {
        slot = static_cast<int>(distinct_.size());
        distinct_.push_back(count);
      }
      slot_[k] = slot;
    } else {
      slot_[k] = static_cast<int>(distinct_.size());
      distinct_.push_back(count);
    }
  }
  for (const double count : distinct_)
    if (const std::int64_t index = tableIndex(count); index >= 0) slotOfCount_[static_cast<std::size_t>(index)] = -1;
  // Worth it only when a good share of the counts repeat.
  useDistinct_ = 4 * distinct_.size() < 3 * positive_.size();
  gammaTerms_.resize(useDistinct_ ? distinct_.size() : positive_.size());
}

void DispersionPosterior::fillGammaArguments() {
  if (useDistinct_) {
    std::copy(distinct_.begin(), distinct_.end(), gammaTerms_.begin());
  } else {
    for (std::size_t k = 0; k < positive_.size(); ++k) gammaTerms_[k] = y_[positive_[k]];
  }
}

DIFFBIO_AVX2_CLONES void DispersionPosterior::prepare(double logAlpha) {
  if (prepared_ && logAlpha == preparedLogAlpha_) return;
  prepared_ = true;
  preparedLogAlpha_ = logAlpha;
  gammaLog1pReady_ = false;
  alpha_ = std::exp(logAlpha);
  size_ = 1.0 / alpha_;
  logSize_ = std::log(size_);
  // Separate passes so that each vectorises (the logs four at a time through libmvec, core/util/vector_math.h).
  double* inverse = inverse1pMuAlpha_.data();
  double* logs = log1pMuAlpha_.data();
  double* weights = weights_.data();
  for (Eigen::Index j = 0; j < n_; ++j) inverse[j] = logs[j] = 1.0 + mu_[j] * alpha_;
  logInPlace(logs, static_cast<std::size_t>(n_));  // DESeq2 writes log(1 + mu alpha), not log1p
  for (Eigen::Index j = 0; j < n_; ++j) inverse[j] = 1.0 / inverse[j];
  for (Eigen::Index j = 0; j < n_; ++j) weights[j] = mu_[j] * inverse[j];  // w = 1 / (1/mu + alpha)
  // Per group: the sum of w and of dw/dalpha = -w^2, in four running sums (one chain of additions would wait on
  // each previous one).
  for (std::size_t g = 0; g < samplesOfGroup_.size(); ++g) {
    const std::vector<int>& members = samplesOfGroup_[g];
    double sum[4] = {0, 0, 0, 0}, squares[4] = {0, 0, 0, 0};
    std::size_t k = 0;
    for (; k + 4 <= members.size(); k += 4) {
      for (int u = 0; u < 4; ++u) {
        const double w = weights[members[k + static_cast<std::size_t>(u)]];
        sum[u] += w;
        squares[u] += w * w;
      }
    }
    for (; k < members.size(); ++k) {
      const double w = weights[members[k]];
      sum[0] += w;
      squares[0] += w * w;
    }
    groupW_[static_cast<Eigen::Index>(g)] = (sum[0] + sum[1]) + (sum[2] + sum[3]);
    groupDW_[static_cast<Eigen::Index>(g)] = -((squares[0] + squares[1]) + (squares[2] + squares[3]));
  }
  if (useCoxReid_) coxReidValue_ = coxReid_.value(groupW_.data());
}

DIFFBIO_AVX2_CLONES double DispersionPosterior::value(double logAlpha) {
  prepare(logAlpha);
  // Per sample: lgamma(y + size) - lgamma(size) - y log(mu + size) - size log(1 + mu alpha), where
  // log(mu + size) = log(size) + log(1 + mu alpha). A zero count leaves only the last term. The log-gamma
  // difference is expanded as one term (gamma_batch.h), without the cancellation of two huge values at small alpha.
  double logLik = 0;
  fillGammaArguments();
  gammaLog1p_.resize(gammaTerms_.size());
  logGammaDifferenceBatch(gammaTerms_.data(), size_, gammaTerms_.data(), gammaTerms_.size(), gammaLog1p_.data());
  gammaLog1pReady_ = true;
  logLik = sumOverPositive([&](std::size_t k, Eigen::Index j) {
    return gammaTerms_[gammaSlot(k)] - y_[j] * (logSize_ + log1pMuAlpha_[j]);
  });
  logLik -= size_ * log1pMuAlpha_.sum();
  const double coxReid = useCoxReid_ ? coxReidValue_ : 0.0;
  const double prior =
      prior_.use ? -0.5 * (logAlpha - prior_.mean) * (logAlpha - prior_.mean) / prior_.variance : 0.0;
  return logLik + prior + coxReid;
}

DIFFBIO_AVX2_CLONES double DispersionPosterior::derivative(double logAlpha) {
  prepare(logAlpha);
  // d logLik / d alpha = alpha^-2 sum_j [digamma(size) - digamma(y + size) + log(1 + mu alpha)
  //                                      - mu alpha / (1 + mu alpha) + y / (mu + size)]
  // log(1 + mu alpha) - mu alpha / (1 + mu alpha) = log(1 + mu alpha) - alpha w, summed by Eigen in vector lanes.
  double sum = (log1pMuAlpha_.array() - alpha_ * weights_.array()).sum();
  fillGammaArguments();
  digammaDifferenceBatch(gammaTerms_.data(), size_, gammaTerms_.data(), gammaTerms_.size(),
                         gammaLog1pReady_ ? gammaLog1p_.data() : nullptr);
  sum += sumOverPositive([&](std::size_t k, Eigen::Index j) {  // the digamma and y terms vanish for a zero count
    return -gammaTerms_[gammaSlot(k)] + y_[j] * alpha_ * inverse1pMuAlpha_[j];
  });
  const double logLikDerivative = size_ * size_ * sum;

  // d/dalpha of -1/2 log det(X'WX) = -1/2 trace((X'WX)^-1 X' dW X).
  const double coxReidDerivative = useCoxReid_ ? coxReid_.derivative(groupDW_.data()) : 0.0;
  const double prior = prior_.use ? -(logAlpha - prior_.mean) / prior_.variance : 0.0;
  // Chain rule: d/da = alpha * d/dalpha.
  return (logLikDerivative + coxReidDerivative) * alpha_ + prior;
}

LineSearchResult maximizeByLineSearch(DispersionPosterior& posterior, double startLogAlpha,
                                      const LineSearchOptions& options) {
  LineSearchResult result;
  double a = startLogAlpha;
  double lp = posterior.value(a);
  double dlp = posterior.derivative(a);
  double kappa = options.kappa0;
  result.initialLp = lp;
  int accepted = 0;
  for (int t = 0; t < options.maxIterations; ++t) {
    ++result.iterations;
    const double proposal = a + kappa * dlp;
    if (proposal < kMinProposal) kappa = (kMinProposal - a) / dlp;
    if (proposal > kMaxProposal) kappa = (kMaxProposal - a) / dlp;
    // The Armijo rule on the negative log posterior: accept if it falls by at least c * kappa * dlp^2.
    const double lpProposal = posterior.value(a + kappa * dlp);
    if (-lpProposal <= -lp - kappa * kArmijo * dlp * dlp) {
      ++accepted;
      a += kappa * dlp;
      const double lpNew = lpProposal;  // DESeq2 re-evaluates at the same point: the same number
      const double change = lpNew - lp;
      if (change < options.tolerance) {
        lp = lpNew;
        break;
      }
      if (a < options.minLogAlpha) break;  // heading for alpha = 0
      lp = lpNew;
      dlp = posterior.derivative(a);
      // Grow the step again, but not beyond kappa0; halve it every fifth accepted step against overshooting.
      kappa = std::min(kappa * 1.1, options.kappa0);
      if (accepted % 5 == 0) kappa /= 2.0;
    } else {
      kappa /= 2.0;
    }
  }
  result.lastLp = lp;
  result.logAlpha = a;
  return result;
}

double maximizeOnGrid(DispersionPosterior& posterior, double minLogAlpha, double maxLogAlpha) {
  const double delta = (maxLogAlpha - minLogAlpha) / (kGridPoints - 1);
  const auto bestOf = [&](double from, double to) {
    const double step = (to - from) / (kGridPoints - 1);
    double best = from, bestValue = -INFINITY;
    for (int i = 0; i < kGridPoints; ++i) {
      const double a = i == kGridPoints - 1 ? to : from + i * step;
      const double v = posterior.value(a);
      if (v > bestValue) {  // the first maximum wins, as arma::index_max
        bestValue = v;
        best = a;
      }
    }
    return best;
  };
  const double coarse = bestOf(minLogAlpha, maxLogAlpha);
  return bestOf(coarse - delta, coarse + delta);
}

}  // namespace diffbio::stats

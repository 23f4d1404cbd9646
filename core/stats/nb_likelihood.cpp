#include "core/stats/nb_likelihood.h"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/stats/gamma_batch.h"
#include "core/util/vector_math.h"

namespace diffbio::stats {

namespace {

using DoublePolicy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;

// R's dnbinom_mu switches to a Poisson-like expansion when the count is tiny next to the size.
constexpr double kPoissonLimit = 1e-10;

// log P(y) = constantPart(y) + meanPart(y, mu): the split lets NbGeneLikelihood cache the first term.
double constantPart(double y, double size, double logGammaSize) {
  if (y == 0) return 0.0;
  if (y < kPoissonLimit * size) return -logGamma(y + 1) + std::log1p(y * (y - 1) / (2 * size));
  return logGamma(y + size) - logGammaSize - logGamma(y + 1);
}

// log(1 + x): log1p only where 1 + x would lose digits of x (it costs four times a log here); elsewhere the
// relative error of log(1 + x) stays below 1e-13.
double log1pFast(double x) { return std::abs(x) < 1e-3 ? std::log1p(x) : std::log(1.0 + x); }

double meanPart(double y, double size, double mu) {
  if (y == 0) return size * (size < mu ? std::log(size / (size + mu)) : log1pFast(-mu / (size + mu)));
  if (y < kPoissonLimit * size) {
    const double logRate = size < mu ? std::log(size / (1 + size / mu)) : std::log(mu / (1 + mu / size));
    return y * logRate - mu;
  }
  return -size * log1pFast(mu / size) + y * std::log(mu / (size + mu));
}

}  // namespace

double logGamma(double x) {
#if defined(__GLIBC__)
  int sign = 0;
  return lgamma_r(x, &sign);
#else
  return boost::math::lgamma(x, DoublePolicy());
#endif
}

double digammaFunction(double x) { return boost::math::digamma(x, DoublePolicy()); }
double trigammaFunction(double x) { return boost::math::trigamma(x, DoublePolicy()); }

double nbLogPmf(double y, double size, double mu) {
  return constantPart(y, size, logGamma(size)) + meanPart(y, size, mu);
}

namespace {

// log(y!) for whole counts below 4096 from a table filled once (glibc's lgamma); anything else computed.
double logFactorial(double y) {
  constexpr int kTableSize = 4096;
  static const std::vector<double> table = [] {
    std::vector<double> values(kTableSize);
    for (int k = 0; k < kTableSize; ++k) values[static_cast<std::size_t>(k)] = logGamma(k + 1.0);
    return values;
  }();
  return y < kTableSize && y == std::floor(y) ? table[static_cast<std::size_t>(y)] : logGamma(y + 1);
}

}  // namespace

NbGeneLikelihood::NbGeneLikelihood(const double* counts, Eigen::Index nSamples, double dispersion)
    : counts_(counts), n_(nSamples), size_(1.0 / dispersion) {
  // lgamma(y + size) - lgamma(size) for every positive count in one batch (gamma_batch.h); the tiny counts of R's
  // Poisson branch keep their own formula.
  thread_local std::vector<double> positive;
  positive.clear();
  const double logGammaSize = logGamma(size_);
  for (Eigen::Index j = 0; j < n_; ++j) {
    const double y = counts_[j];
    if (y == 0) continue;
    if (y < kPoissonLimit * size_) {
      constantPart_ += constantPart(y, size_, logGammaSize);
    } else {
      positive.push_back(y);
      constantPart_ -= logFactorial(y);
    }
  }
  logGammaDifferenceBatch(positive.data(), size_, positive.data(), positive.size());
  for (const double difference : positive) constantPart_ += difference;
}

double NbGeneLikelihood::logLikelihood(const double* mu) const {
  // Two passes: the arguments of every logarithm first, all logarithms in two vector calls (vector_math.h), then
  // the sum. The cases where R's formula needs log1p or its Poisson branch are evaluated one by one.
  enum Kind : std::uint8_t { kZeroCount, kGeneral, kGeneralSmall, kOneByOne };
  thread_local std::vector<double> first, second;
  thread_local std::vector<std::uint8_t> kind;
  const auto n = static_cast<std::size_t>(n_);
  first.resize(n);
  second.resize(n);
  kind.resize(n);
  for (std::size_t j = 0; j < n; ++j) {
    const double y = counts_[j], m = mu[j];
    first[j] = second[j] = 1.0;
    if (y == 0) {
      const double x = -m / (size_ + m);
      if (size_ < m) {
        first[j] = size_ / (size_ + m);
        kind[j] = kZeroCount;
      } else if (std::abs(x) >= 1e-3) {
        first[j] = 1.0 + x;
        kind[j] = kZeroCount;
      } else {
        kind[j] = kOneByOne;
      }
    } else if (y < kPoissonLimit * size_) {
      kind[j] = kOneByOne;
    } else {
      const double x = m / size_;
      second[j] = m / (size_ + m);
      if (std::abs(x) >= 1e-3) {
        first[j] = 1.0 + x;
        kind[j] = kGeneral;
      } else {
        kind[j] = kGeneralSmall;
      }
    }
  }
  logInPlace(first.data(), n);
  logInPlace(second.data(), n);
  double sum = constantPart_;
  for (std::size_t j = 0; j < n; ++j) {
    const double y = counts_[j];
    switch (kind[j]) {
      case kZeroCount: sum += size_ * first[j]; break;
      case kGeneral: sum += -size_ * first[j] + y * second[j]; break;
      case kGeneralSmall: sum += -size_ * std::log1p(mu[j] / size_) + y * second[j]; break;
      case kOneByOne: sum += meanPart(y, size_, mu[j]); break;
    }
  }
  return sum;
}

}  // namespace diffbio::stats

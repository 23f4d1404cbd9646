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
  // Passes: the arguments of every logarithm; all logarithms in two vector calls (vector_math.h); the cases where
  // R's formula needs log1p or its Poisson branch, one by one; then the sum in sample order, every term written as
  // factor * log(first) + y * log(second) (for a zero count second = 1, so the y term is an exact 0). The sum runs
  // in its own loop without calls, so it stays in a register (with the calls of the rare cases inside, the compiler
  // kept it in memory and every addition waited for the previous store).
  enum Kind : std::uint8_t { kPlain, kGeneralSmall, kOneByOne };
  thread_local std::vector<double> firstBuffer, secondBuffer, factorBuffer;
  thread_local std::vector<std::uint8_t> kindBuffer;
  const auto n = static_cast<std::size_t>(n_);
  firstBuffer.resize(n);
  secondBuffer.resize(n);
  factorBuffer.resize(n);
  kindBuffer.resize(n);
  double* const first = firstBuffer.data();
  double* const second = secondBuffer.data();
  double* const factor = factorBuffer.data();
  std::uint8_t* const kind = kindBuffer.data();
  const double size = size_;
  bool anySpecial = false;
  for (std::size_t j = 0; j < n; ++j) {
    const double y = counts_[j], m = mu[j];
    first[j] = second[j] = 1.0;
    kind[j] = kPlain;
    if (y == 0) {
      factor[j] = size;
      const double x = -m / (size + m);
      if (size < m) {
        first[j] = size / (size + m);
      } else if (std::abs(x) >= 1e-3) {
        first[j] = 1.0 + x;
      } else {
        kind[j] = kOneByOne;
      }
    } else if (y < kPoissonLimit * size) {
      kind[j] = kOneByOne;
    } else {
      factor[j] = -size;
      const double x = m / size;
      second[j] = m / (size + m);
      if (std::abs(x) >= 1e-3) {
        first[j] = 1.0 + x;
      } else {
        kind[j] = kGeneralSmall;
      }
    }
    anySpecial = anySpecial || kind[j] != kPlain;
  }
  logInPlace(first, n);
  logInPlace(second, n);
  if (anySpecial) {
    for (std::size_t j = 0; j < n; ++j) {
      if (kind[j] == kGeneralSmall) {
        first[j] = std::log1p(mu[j] / size);
      } else if (kind[j] == kOneByOne) {
        first[j] = meanPart(counts_[j], size, mu[j]);  // the whole term: factor 1, no y term
        factor[j] = 1.0;
        second[j] = 0.0;
      }
    }
  }
  const double* const y = counts_;
  double sum = constantPart_;
  for (std::size_t j = 0; j < n; ++j) sum += factor[j] * first[j] + y[j] * second[j];
  return sum;
}

}  // namespace diffbio::stats

#include "core/stats/nb_likelihood.h"

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>

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

NbGeneLikelihood::NbGeneLikelihood(const double* counts, Eigen::Index nSamples, double dispersion)
    : counts_(counts), n_(nSamples), size_(1.0 / dispersion) {
  const double logGammaSize = logGamma(size_);
  for (Eigen::Index j = 0; j < n_; ++j) constantPart_ += constantPart(counts_[j], size_, logGammaSize);
}

double NbGeneLikelihood::logLikelihood(const double* mu) const {
  double sum = constantPart_;
  for (Eigen::Index j = 0; j < n_; ++j) sum += meanPart(counts_[j], size_, mu[j]);
  return sum;
}

}  // namespace diffbio::stats

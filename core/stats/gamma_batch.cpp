#include "core/stats/gamma_batch.h"

#include <cmath>
#include <vector>

#include "core/util/cpu_dispatch.h"
#include "core/util/vector_math.h"

namespace diffbio::stats {

namespace {

// Arguments at or above this use the asymptotic series directly; its first omitted term is below 1e-16 relative.
constexpr double kSeriesFrom = 10.0;
constexpr double kHalfLogTwoPi = 0.91893853320467274178;

struct Scratch {
  std::vector<double> shifted, correction, logs, ratios;
  void resize(std::size_t n) {
    shifted.resize(n);
    correction.resize(n);
    logs.resize(n);
    ratios.resize(n);
  }
};

// The series parts of Stirling's formula and of the digamma expansion, for z >= kSeriesFrom.
double logGammaSeries(double z) {
  const double inverse = 1.0 / z, inverse2 = inverse * inverse;
  return inverse * (1.0 / 12 + inverse2 * (-1.0 / 360 + inverse2 * (1.0 / 1260 + inverse2 * (-1.0 / 1680 +
                    inverse2 * (1.0 / 1188 + inverse2 * (-691.0 / 360360))))));
}

double digammaSeries(double z) {
  const double inverse2 = 1.0 / (z * z);
  return inverse2 * (1.0 / 12 + inverse2 * (-1.0 / 120 + inverse2 * (1.0 / 252 + inverse2 * (-1.0 / 240 +
                     inverse2 * (1.0 / 132 + inverse2 * (-691.0 / 32760))))));
}

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

void logGammaBatch(const double* x, double* out, std::size_t count) {
  Scratch& s = scratch();
  s.resize(count);
  // Shift small arguments up; the product of the skipped factors stays far from overflow (at most 10 factors < 10).
  for (std::size_t i = 0; i < count; ++i) {
    double value = x[i], product = 1.0;
    while (value < kSeriesFrom) {
      product *= value;
      value += 1.0;
    }
    s.shifted[i] = s.logs[i] = value;
    s.correction[i] = product;
  }
  logInPlace(s.logs.data(), count);
  logInPlace(s.correction.data(), count);
  for (std::size_t i = 0; i < count; ++i) {
    // Stirling: (z - 1/2) log z - z + log(2 pi)/2 + sum_k B_2k / (2k (2k-1) z^(2k-1)), k = 1..6.
    const double z = s.shifted[i];
    out[i] = (z - 0.5) * s.logs[i] - z + kHalfLogTwoPi + logGammaSeries(z) - s.correction[i];
  }
}

void digammaBatch(const double* x, double* out, std::size_t count) {
  Scratch& s = scratch();
  s.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    double value = x[i], reciprocals = 0.0;
    while (value < kSeriesFrom) {
      reciprocals += 1.0 / value;
      value += 1.0;
    }
    s.shifted[i] = s.logs[i] = value;
    s.correction[i] = reciprocals;
  }
  logInPlace(s.logs.data(), count);
  for (std::size_t i = 0; i < count; ++i) {
    // log z - 1/(2z) - sum_k B_2k / (2k z^2k), k = 1..6.
    const double z = s.shifted[i];
    out[i] = s.logs[i] - 0.5 / z - digammaSeries(z) - s.correction[i];
  }
}

// Sizes below kSeriesFrom are moved up by a whole number of steps first, with the recurrences applied to both
// terms of the difference: for shifted = size + k,
//   lgamma(y + size) - lgamma(size) = [lgamma(y + shifted) - lgamma(shifted)] + log prod_{i<k} (size + i)
//                                     - log prod_{i<k} (y + size + i),
// and the same with sums of reciprocals for digamma. k is the same for every element of a call, so these loops
// vectorise (no per-element branches).
int stepsToSeries(double size) { return size < kSeriesFrom ? static_cast<int>(std::ceil(kSeriesFrom - size)) : 0; }

DIFFBIO_AVX2_CLONES void logGammaDifferenceBatch(const double* y, double size, double* out, std::size_t count, double* log1pRatios) {
  const int steps = stepsToSeries(size);
  const double shifted = size + steps;
  double sizeProduct = 1.0;
  for (int k = 0; k < steps; ++k) sizeProduct *= size + k;
  // lgamma(s + y) - lgamma(s) = (s - 1/2) log1p(y/s) + y log(s + y) - y + S(s + y) - S(s), S the Stirling series.
  // log(s + y) is taken of the rounded sum, not as log(s) + log1p(y/s): y times the extra rounding of that sum moved
  // enough gene-wise estimates to shift DESeq2's dispersion trend by 1e-6.
  Scratch& s = scratch();
  s.resize(count);
  double* ratios = log1pRatios != nullptr ? log1pRatios : s.ratios.data();
  for (std::size_t i = 0; i < count; ++i) {
    ratios[i] = y[i] / shifted;
    s.logs[i] = shifted + y[i];
    s.correction[i] = 1.0;
  }
  for (int k = 0; k < steps; ++k)
    for (std::size_t i = 0; i < count; ++i) s.correction[i] *= y[i] + size + k;
  log1pInPlace(ratios, count);
  logInPlace(s.logs.data(), count);
  if (steps > 0) logInPlace(s.correction.data(), count);
  const double seriesSize = logGammaSeries(shifted);
  const double logSizeProduct = steps > 0 ? std::log(sizeProduct) : 0.0;
  for (std::size_t i = 0; i < count; ++i) {
    const double stepTerms = steps > 0 ? logSizeProduct - s.correction[i] : 0.0;
    out[i] = (shifted - 0.5) * ratios[i] + y[i] * s.logs[i] - y[i] +
             (logGammaSeries(shifted + y[i]) - seriesSize) + stepTerms;
  }
}

DIFFBIO_AVX2_CLONES void digammaDifferenceBatch(const double* y, double size, double* out, std::size_t count, const double* log1pRatios) {
  const int steps = stepsToSeries(size);
  const double shifted = size + steps;
  double sizeReciprocals = 0.0;
  for (int k = 0; k < steps; ++k) sizeReciprocals += 1.0 / (size + k);
  // digamma(s + y) - digamma(s) = log1p(y/s) + y / (2 s (s + y)) - (T(s + y) - T(s)), T the digamma series.
  Scratch& s = scratch();
  s.resize(count);
  for (std::size_t i = 0; i < count; ++i) s.correction[i] = 0.0;
  for (int k = 0; k < steps; ++k)
    for (std::size_t i = 0; i < count; ++i) s.correction[i] += 1.0 / (y[i] + size + k);
  if (log1pRatios == nullptr) {
    for (std::size_t i = 0; i < count; ++i) s.ratios[i] = y[i] / shifted;
    log1pInPlace(s.ratios.data(), count);
    log1pRatios = s.ratios.data();
  }
  const double seriesSize = digammaSeries(shifted);
  for (std::size_t i = 0; i < count; ++i)
    out[i] = log1pRatios[i] + y[i] / (2 * shifted * (shifted + y[i])) - (digammaSeries(shifted + y[i]) - seriesSize) +
             (sizeReciprocals - s.correction[i]);
}

}  // namespace diffbio::stats

#pragma once
// log Gamma and digamma of many positive arguments in one call.
//
// The dispersion line search (dispersion_fit) evaluates lgamma(y + 1/alpha) and digamma(y + 1/alpha) for every
// distinct count of a gene at every trial alpha; one call per value through glibc/Boost was a fifth of a 100-sample
// analysis. Here each argument below 10 is first shifted up with the recurrences
//   lgamma(x) = lgamma(x + k) - log(x (x+1) ... (x+k-1)),   digamma(x) = digamma(x + k) - sum_i 1/(x + i),
// and then the Stirling / asymptotic series, exact to double precision for arguments of at least 10, is evaluated
// with the logarithms four at a time (core/util/vector_math.h). Agreement with glibc's lgamma and Boost's digamma
// is within 1e-14 relative (tests/core/stats/test_gamma_batch.cpp, over 1e-8 .. 1e15).
//
// The negative binomial likelihood needs differences, lgamma(y + size) - lgamma(size): for a large size (a small
// dispersion) both terms are huge and their difference loses digits, which made the line search's log posterior
// noisy at dispersions near the floor. The *Difference functions expand the difference itself, so its error stays
// at a few ulp of the result.
#include <cstddef>

namespace diffbio::stats {

// out[i] = log Gamma(x[i]) and digamma(x[i]) for x[i] > 0; x and out may be the same array.
void logGammaBatch(const double* x, double* out, std::size_t count);
void digammaBatch(const double* x, double* out, std::size_t count);

// out[i] = lgamma(y[i] + size) - lgamma(size) and digamma(y[i] + size) - digamma(size), for y[i] >= 0, size > 0.
// Both expansions use log1p(y[i] / shifted), shifted = size moved up to the series range. The line search asks for
// the digamma difference at the size whose lgamma difference it has just computed, so logGammaDifferenceBatch can
// hand these logs out (log1pRatios, count entries) and digammaDifferenceBatch can take them instead of recomputing.
// y and out may be the same array; log1pRatios must not alias either.
void logGammaDifferenceBatch(const double* y, double size, double* out, std::size_t count,
                             double* log1pRatios = nullptr);
void digammaDifferenceBatch(const double* y, double size, double* out, std::size_t count,
                            const double* log1pRatios = nullptr);

}  // namespace diffbio::stats

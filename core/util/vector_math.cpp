#include "core/util/vector_math.h"

#include <cmath>

#if defined(__x86_64__) && defined(__GLIBC__)
#include <immintrin.h>
#define DIFFBIO_HAVE_LIBMVEC 1
// libmvec's AVX2 variants (the vector-function ABI names of log and exp for four doubles).
extern "C" __m256d _ZGVdN4v_log(__m256d);
extern "C" __m256d _ZGVdN4v_exp(__m256d);
extern "C" __m256d _ZGVdN4v_log1p(__m256d);  // glibc 2.35 and later
#endif

namespace diffbio {

namespace {

#ifdef DIFFBIO_HAVE_LIBMVEC
const bool kUseAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");

// The last 1-3 elements go through the vector kernel too, with the missing lanes masked off (they read as 0 and
// are never stored): the dispersion fits call these on a handful of samples per gene millions of times, where three
// scalar calls would cost as much as the vector call, and every element then gets the same kernel.
template <__m256d (*kernel)(__m256d)>
__attribute__((target("avx2,fma"))) inline void applyAvx2(double* values, std::size_t count) {
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) _mm256_storeu_pd(values + i, kernel(_mm256_loadu_pd(values + i)));
  if (i < count) {
    const std::size_t left = count - i;
    const __m256i mask = _mm256_setr_epi64x(-1, left > 1 ? -1 : 0, left > 2 ? -1 : 0, 0);
    _mm256_maskstore_pd(values + i, mask, kernel(_mm256_maskload_pd(values + i, mask)));
  }
}

__attribute__((target("avx2,fma"))) void logAvx2(double* values, std::size_t count) {
  applyAvx2<_ZGVdN4v_log>(values, count);
}

__attribute__((target("avx2,fma"))) void log1pAvx2(double* values, std::size_t count) {
  applyAvx2<_ZGVdN4v_log1p>(values, count);
}

__attribute__((target("avx2,fma"))) void expAvx2(double* values, std::size_t count) {
  applyAvx2<_ZGVdN4v_exp>(values, count);
}
#else
const bool kUseAvx2 = false;
#endif

}  // namespace

void logInPlace(double* values, std::size_t count) {
#ifdef DIFFBIO_HAVE_LIBMVEC
  if (kUseAvx2) return logAvx2(values, count);
#endif
  for (std::size_t i = 0; i < count; ++i) values[i] = std::log(values[i]);
}

void log1pInPlace(double* values, std::size_t count) {
#ifdef DIFFBIO_HAVE_LIBMVEC
  if (kUseAvx2) return log1pAvx2(values, count);
#endif
  for (std::size_t i = 0; i < count; ++i) values[i] = std::log1p(values[i]);
}

void expInPlace(double* values, std::size_t count) {
#ifdef DIFFBIO_HAVE_LIBMVEC
  if (kUseAvx2) return expAvx2(values, count);
#endif
  for (std::size_t i = 0; i < count; ++i) values[i] = std::exp(values[i]);
}

bool vectorMathAccelerated() { return kUseAvx2; }

}  // namespace diffbio

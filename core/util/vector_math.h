#pragma once
// Elementwise log and exp over arrays of doubles, four at a time.
//
// The dispersion line search evaluates log(1 + mu_j alpha) for every sample at every trial alpha: on a 100-sample
// study that is most of the work. glibc's vector math library (libmvec, part of libc6 on Debian) computes four logs
// in the time of about one scalar call, to within 4 ulp (the scalar std::log is within 1 ulp). The AVX2 kernels are
// chosen at run time, so the same binary runs on CPUs without AVX2 (then these are plain std::log / std::exp loops).
// Results may differ from std::log by a few units in the last place, never by more; they do not depend on the
// thread count.
#include <cstddef>

namespace diffbio {

void logInPlace(double* values, std::size_t count);
void log1pInPlace(double* values, std::size_t count);  // log(1 + x), accurate for small x
void expInPlace(double* values, std::size_t count);

// Whether the vector kernels are in use on this CPU (for benchmarks and the build information).
bool vectorMathAccelerated();

}  // namespace diffbio

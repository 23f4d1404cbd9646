#pragma once
// DIFFBIO_AVX2_CLONES: compile a hot numeric function twice, for plain x86-64 and for AVX2, and pick the version
// once at load time (GCC's target_clones, resolved through an ifunc).
//
// Why: the library is built for any x86-64 CPU, so the compiler's own vectorisation works two doubles at a time
// (SSE2). The arithmetic around the vector logarithms in the dispersion line search (divisions, series, products;
// also the lgamma differences of the GLM's likelihood) runs four at a time in the AVX2 clone.
//
// The results are bitwise the same in both clones: "avx2" does not include FMA, so no multiply-add is fused; GCC
// does not reorder floating-point sums without -ffast-math; and Eigen chooses its packets by the preprocessor,
// which the attribute does not change. (Checked when it was introduced: every output file of `diffbio de` on
// pasilla, both designs and the LRT, and on the 20k x 100 and 64k x 8 simulations was byte-identical.)
//
// GCC does not vectorise std::floor (nor some other rounding functions) without -fno-trapping-math, clone or not;
// such loops need intrinsics (see kernel_density_mode.cpp).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
#define DIFFBIO_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define DIFFBIO_AVX2_CLONES
#endif

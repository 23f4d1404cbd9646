#pragma once
// One-predictor local regression (Cleveland's loess, as R's stats::loess with family = "gaussian" computes each
// local fit): at a point q, the nf = floor(n * span) nearest x values are used with tricube weights
// (1 - (|x - q| / d_max)^3)^3, d_max the distance to the nf-th nearest, and a polynomial of the given degree in
// (x - q) is fitted by weighted least squares (columns equilibrated, near-singular directions dropped as R's
// pseudo-inverse does). The fit's intercept is the smoothed value at q.
//
// Two ways to get the fitted values, as R's loess(surface = ...):
//   Direct      — a local fit at every data point;
//   Interpolate — R's default: local fits (value and slope) only at the vertices of a k-d tree over x, blended
//                 inside each leaf cell by cubic Hermite interpolation. In one dimension the tree is built as R
//                 builds it: the bounding interval widened by 0.5 % of the range on each side; a cell with more
//                 than floor(n * span * cell) points is split at the median point (ties all go to the upper half,
//                 by searching outward from the median for a gap), unless the split value is a cell bound.
// Interpolate is what Seurat's vst (R) and scanpy's seurat_v3 (skmisc, the same Fortran) use; Direct differs from
// it by a small amount (measured in tests/core/singlecell/test_hvg_seurat_v3.cpp).
#include <vector>

namespace diffbio::sc {

enum class LoessSurface { Interpolate, Direct };

struct LoessOptions {
  double span = 0.75;  // fraction of the points in each local fit, in (0, 1]
  int degree = 2;      // 0, 1 or 2
  LoessSurface surface = LoessSurface::Interpolate;
  double cell = 0.2;   // Interpolate: a cell holds at most floor(n * span * cell) points (R's loess.control)
};

// Fitted values at each x. InputError when the sizes differ, a value is not finite, the span or degree is out of
// range, or the span covers fewer points than the local polynomial has coefficients.
std::vector<double> loessFit(const std::vector<double>& x, const std::vector<double>& y, const LoessOptions& options);

// The local fit at one point q (intercept and slope of the local polynomial), exposed for tests.
struct LocalFit {
  double value = 0;
  double slope = 0;
};
LocalFit loessLocalFit(const std::vector<double>& x, const std::vector<double>& y, double q,
                       const LoessOptions& options);

}  // namespace diffbio::sc

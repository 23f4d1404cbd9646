#pragma once
// Local polynomial regression: at each evaluation point, a weighted least-squares polynomial in (x - point) over
// the nearest `span` fraction of the data, with tricube kernel weights times optional prior weights.
//
// This is the idea behind R's loess (span, degree 2) and locfit (nn = 0.7, degree 2, tricube), which DESeq2 uses
// for its local dispersion trend and for matching the dispersion prior width by simulation. We evaluate the local
// fit directly at each point, whereas loess and locfit interpolate between fits at kd-tree vertices, so results
// are close to but not identical with R's.
#include <Eigen/Core>

namespace diffbio::stats {

struct LocalRegressionOptions {
  double span = 0.7;  // fraction of the points in each neighbourhood
  int degree = 2;     // 0, 1 or 2
};

// x, y, weights: the data (weights may be empty = all one). Returns the fitted value at every point of `at`.
// Throws std::invalid_argument when the sizes differ or there are fewer points than degree + 1.
Eigen::VectorXd localPolynomialRegression(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                          const Eigen::VectorXd& weights, const Eigen::VectorXd& at,
                                          const LocalRegressionOptions& options = {});

}  // namespace diffbio::stats

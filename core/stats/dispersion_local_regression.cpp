#include "core/stats/dispersion_local_regression.h"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

namespace diffbio::stats {

namespace {

double tricube(double u) {
  const double a = 1.0 - u * u * u;
  return u < 1.0 ? a * a * a : 0.0;
}

}  // namespace

Eigen::VectorXd localPolynomialRegression(const Eigen::VectorXd& x, const Eigen::VectorXd& y,
                                          const Eigen::VectorXd& weights, const Eigen::VectorXd& at,
                                          const LocalRegressionOptions& options) {
  const Eigen::Index n = x.size();
  const int degree = std::clamp(options.degree, 0, 2);
  if (y.size() != n || (weights.size() != 0 && weights.size() != n))
    throw std::invalid_argument("localPolynomialRegression: x, y and weights differ in length");
  if (n < degree + 1) throw std::invalid_argument("localPolynomialRegression: too few points for the degree");

  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return x[a] < x[b]; });
  std::vector<double> sortedX(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) sortedX[i] = x[order[i]];

  const Eigen::Index q =
      std::clamp<Eigen::Index>(static_cast<Eigen::Index>(std::floor(static_cast<double>(n) * options.span)),
                               degree + 1, n);
  const int terms = degree + 1;
  Eigen::VectorXd fitted(at.size());
  for (Eigen::Index e = 0; e < at.size(); ++e) {
    const double t = at[e];
    // The q nearest neighbours form a contiguous run of the sorted x: grow it from the insertion point.
    auto lo = static_cast<Eigen::Index>(std::lower_bound(sortedX.begin(), sortedX.end(), t) - sortedX.begin());
    Eigen::Index hi = lo;  // the run is [lo, hi)
    while (hi - lo < q) {
      if (lo == 0) ++hi;
      else if (hi == n) --lo;
      else if (t - sortedX[lo - 1] <= sortedX[hi] - t) --lo;
      else ++hi;
    }
    double bandwidth = std::max(t - sortedX[lo], sortedX[hi - 1] - t);
    if (!(bandwidth > 0)) bandwidth = 1e-12;
    bandwidth *= 1.0 + 1e-10;  // the q-th neighbour itself keeps a (tiny) weight

    Eigen::Matrix3d normal = Eigen::Matrix3d::Zero();
    Eigen::Vector3d rhs = Eigen::Vector3d::Zero();
    for (Eigen::Index i = lo; i < hi; ++i) {
      const Eigen::Index k = order[i];
      const double u = (x[k] - t) / bandwidth;  // scaled for conditioning
      const double w = tricube(std::abs(u)) * (weights.size() ? weights[k] : 1.0);
      const double basis[3] = {1.0, u, u * u};
      for (int a = 0; a < terms; ++a) {
        rhs[a] += w * basis[a] * y[k];
        for (int b = 0; b < terms; ++b) normal(a, b) += w * basis[a] * basis[b];
      }
    }
    const Eigen::MatrixXd m = normal.topLeftCorner(terms, terms);
    fitted[e] = m.ldlt().solve(rhs.head(terms))[0];
  }
  return fitted;
}

}  // namespace diffbio::stats

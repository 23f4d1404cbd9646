#include "core/stats/cox_reid.h"

#include <Eigen/LU>
#include <cmath>

namespace diffbio::stats {

CoxReidTerm::CoxReidTerm(const DesignGroups& groups) : groups_(groups) {
  const Eigen::Index p = groups.rows.cols(), nGroups = groups.count();
  if (nGroups == p) {
    Eigen::PartialPivLU<Eigen::MatrixXd> lu(groups.rows);
    const double det = lu.determinant();
    if (std::isfinite(det) && std::abs(det) > 1e-12) {
      method_ = Method::Saturated;
      logAbsDetR_ = std::log(std::abs(det));
      return;
    }
  }
  if (p <= 4) {
    method_ = Method::Fixed4;
    rows4_ = Eigen::Matrix<double, 4, Eigen::Dynamic>::Zero(4, nGroups);
    rows4_.topRows(p) = groups.rows.transpose();
    return;
  }
  xtwx_.resize(p, p);
}

double CoxReidTerm::value(const double* groupWeights) {
  weights_ = groupWeights;
  factorised_ = false;
  const Eigen::Index nGroups = groups_.count();
  switch (method_) {
    case Method::Saturated: {
      // One log of the product: the group weights are sums of mu / (1 + mu alpha), far from under- or overflow.
      double product = 1;
      for (Eigen::Index g = 0; g < nGroups; ++g) product *= groupWeights[g];
      return -0.5 * std::log(product) - logAbsDetR_;
    }
    case Method::Fixed4: {
      const Eigen::Index p = groups_.rows.cols();
      xtwx4_.setZero();
      for (Eigen::Index k = p; k < 4; ++k) xtwx4_(k, k) = 1;
      for (Eigen::Index g = 0; g < nGroups; ++g) xtwx4_.noalias() += groupWeights[g] * rows4_.col(g) * rows4_.col(g).transpose();
      llt4_.compute(xtwx4_);
      factorised_ = true;
      if (llt4_.info() == Eigen::Success) return -llt4_.matrixLLT().diagonal().array().log().sum();
      return -0.5 * std::log(xtwx4_.partialPivLu().determinant());
    }
    case Method::General: {
      const Eigen::Map<const Eigen::VectorXd> w(groupWeights, nGroups);
      xtwx_.setZero();
      addGroupCrossProduct(groups_, w, xtwx_);
      llt_.compute(xtwx_);
      factorised_ = true;
      // -1/2 log det(X'WX) = -sum log diag(L) for the Cholesky factor L.
      if (llt_.info() == Eigen::Success) return -llt_.matrixLLT().diagonal().array().log().sum();
      return -0.5 * std::log(xtwx_.partialPivLu().determinant());
    }
  }
  return 0;
}

double CoxReidTerm::derivative(const double* groupWeightDerivatives) {
  const Eigen::Index nGroups = groups_.count();
  double trace = 0;
  switch (method_) {
    case Method::Saturated:
      for (Eigen::Index g = 0; g < nGroups; ++g) trace += groupWeightDerivatives[g] / weights_[g];
      break;
    case Method::Fixed4:
      // x' (L L')^-1 x = |L^-1 x|^2: one forward substitution per group instead of a full solve.
      for (Eigen::Index g = 0; g < nGroups; ++g) {
        const Eigen::Vector4d z = llt4_.matrixL().solve(rows4_.col(g));
        trace += groupWeightDerivatives[g] * z.squaredNorm();
      }
      break;
    case Method::General:
      for (Eigen::Index g = 0; g < nGroups; ++g) {
        row_ = groups_.rows.row(g).transpose();
        solved_ = row_;
        llt_.solveInPlace(solved_);
        trace += groupWeightDerivatives[g] * row_.dot(solved_);
      }
      break;
  }
  return -0.5 * trace;
}

}  // namespace diffbio::stats

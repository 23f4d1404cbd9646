#pragma once
// The Cox-Reid adjustment of the dispersion likelihood, -1/2 log det(X'WX), and its derivative in alpha,
// -1/2 trace((X'WX)^-1 X' dW/dalpha X), for one gene at a time (dispersion_fit.h).
//
// The samples fall into design groups (rows of X that are equal), so X'WX = sum_g W_g x_g x_g' with W_g the summed
// weights of group g. This is evaluated ~20 times per gene for tens of thousands of genes, so the general
// factorisation (dynamic-size Eigen) is avoided where the design allows:
// - as many groups as coefficients (one- or multi-factor designs with every combination present, e.g.
//   ~condition): X restricted to the groups is a square invertible R, so
//     log det(X'WX) = 2 log|det R| + sum_g log W_g   and   trace(...) = sum_g W'_g / W_g;
// - at most 4 coefficients: a fixed-size 4 x 4 Cholesky factorisation, the unused diagonal padded with ones (which
//   changes neither the determinant nor the trace);
// - otherwise the dynamic-size factorisation.
// All three give the same numbers up to rounding.
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "core/stats/model_matrix_groups.h"

namespace diffbio::stats {

class CoxReidTerm {
 public:
  explicit CoxReidTerm(const DesignGroups& groups);

  // Sets the group weights W_g (sum of w_j = mu_j / (1 + mu_j alpha)); returns -1/2 log det(X'WX).
  double value(const double* groupWeights);
  // -1/2 trace((X'WX)^-1 X' dW X) for the weights of the last value() call and their derivatives dW_g/dalpha.
  double derivative(const double* groupWeightDerivatives);

 private:
  enum class Method { Saturated, Fixed4, General };
  const DesignGroups& groups_;
  Method method_ = Method::General;
  double logAbsDetR_ = 0;  // Saturated: log |det R|
  const double* weights_ = nullptr;
  bool factorised_ = false;
  // Fixed4
  Eigen::Matrix4d xtwx4_;
  Eigen::LLT<Eigen::Matrix4d> llt4_;
  Eigen::Matrix<double, 4, Eigen::Dynamic> rows4_;  // the group rows as columns, padded with zeros
  // General
  Eigen::MatrixXd xtwx_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::VectorXd row_, solved_;
};

}  // namespace diffbio::stats

#include "core/stats/vst.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace diffbio::stats {

ParametricVst::ParametricVst(double asymptDisp_, double extraPois_) : asymptDisp(asymptDisp_), extraPois(extraPois_) {
  if (!(asymptDisp > 0) || !(extraPois >= 0))
    throw std::invalid_argument("ParametricVst: the dispersion trend needs asymptDisp > 0 and extraPois >= 0 (got " +
                                std::to_string(asymptDisp) + ", " + std::to_string(extraPois) + ")");
}

double ParametricVst::operator()(double q) const {
  // Same operations and order as DESeq2's vst(), including log(.) / log(2) rather than log2(.).
  const double a0 = asymptDisp, a1 = extraPois;
  return std::log((1.0 + a1 + 2.0 * a0 * q + 2.0 * std::sqrt(a0 * q * (1.0 + a1 + a0 * q))) / (4.0 * a0)) /
         std::log(2.0);
}

Eigen::MatrixXd ParametricVst::transform(const Eigen::MatrixXd& normalized) const {
  return normalized.unaryExpr([this](double q) { return (*this)(q); });
}

Eigen::MatrixXd normalizedCounts(const Eigen::MatrixXd& counts, const Eigen::VectorXd& sizeFactors) {
  if (sizeFactors.size() != counts.rows())
    throw std::invalid_argument("normalizedCounts: need one size factor per sample (row)");
  // Divide (as R's t(t(counts) / sizeFactors)) rather than multiply by the inverse: bit-identical to DESeq2.
  return (counts.array().colwise() / sizeFactors.array()).matrix();
}

Eigen::MatrixXd varianceStabilizingTransformation(const Eigen::MatrixXd& counts, const Eigen::VectorXd& sizeFactors,
                                                  const ParametricVst& vst) {
  return vst.transform(normalizedCounts(counts, sizeFactors));
}

}  // namespace diffbio::stats

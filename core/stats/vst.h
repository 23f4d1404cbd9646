#pragma once
// DESeq2's variance-stabilizing transformation for a parametric dispersion trend (getVarianceStabilizedData with
// fitType = "parametric"). With the trend alpha(q) = asymptDisp + extraPois / q, the transformation of a normalized
// count q is the closed-form integral of 1 / sqrt(variance):
//   vst(q) = log2((1 + extraPois + 2 asymptDisp q + 2 sqrt(asymptDisp q (1 + extraPois + asymptDisp q)))
//                 / (4 asymptDisp))
// It behaves like log2(q) for large counts and stays finite at q = 0.
//
// `blind = TRUE` (the default of vst()/varianceStabilizingTransformation()) only changes where the trend comes
// from: a dispersion fit with design ~1. That fit lives in the dispersion code; here the coefficients are inputs.
// vst() (the fast variant) fits the trend on a subset of 1000 genes, varianceStabilizingTransformation() on all.
#include <Eigen/Core>

namespace diffbio::stats {

struct ParametricVst {
  double asymptDisp = 0;  // a0 > 0: the dispersion reached at high counts
  double extraPois = 0;   // a1 >= 0: extra-Poisson dispersion that fades as 1 / mean

  // Throws std::invalid_argument unless asymptDisp > 0 and extraPois >= 0 (DESeq2's fit guarantees both > 0).
  ParametricVst(double asymptDisp, double extraPois);
  double operator()(double normalizedCount) const;
  // Element-wise on a samples x genes matrix of normalized counts.
  Eigen::MatrixXd transform(const Eigen::MatrixXd& normalizedCounts) const;
};

// counts(dds, normalized = TRUE): each sample's counts divided by its size factor (samples x genes).
Eigen::MatrixXd normalizedCounts(const Eigen::MatrixXd& counts, const Eigen::VectorXd& sizeFactors);

// The whole transformation from raw counts: vst(counts / size factor), samples x genes.
Eigen::MatrixXd varianceStabilizingTransformation(const Eigen::MatrixXd& counts, const Eigen::VectorXd& sizeFactors,
                                                  const ParametricVst& vst);

}  // namespace diffbio::stats

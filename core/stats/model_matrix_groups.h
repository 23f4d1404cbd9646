#pragma once
// The distinct rows of a model matrix, in order of first appearance (DESeq2's modelMatrixGroups). Sums over
// samples such as X'WX only need per-group sums of the weights, and the linear predictor X beta only needs one value
// per group; "as many groups as coefficients" is also how DESeq2 decides to estimate means by a linear model.
#include <Eigen/Core>
#include <vector>

namespace diffbio::stats {

struct DesignGroups {
  Eigen::MatrixXd rows;            // groups x coefficients
  std::vector<int> groupOfSample;  // index into rows for every sample
  // The samples of each group, ascending: per-group sums over them add in sample order.
  std::vector<std::vector<int>> samplesOfGroup;
  Eigen::Index count() const { return rows.rows(); }
};

DesignGroups designGroups(const Eigen::MatrixXd& modelMatrix);

// Adds sum_g weight_g x_g x_g' over the groups to `out` (p x p, fixed or dynamic size): X'WX when weight_g sums
// the sample weights of group g. The weights are any vector expression with one entry per group.
template <typename Weights, typename Matrix>
void addGroupCrossProduct(const DesignGroups& groups, const Weights& groupWeights, Matrix& out) {
  const Eigen::Index p = groups.rows.cols();
  for (Eigen::Index g = 0; g < groups.count(); ++g) {
    const double w = groupWeights[g];
    for (Eigen::Index a = 0; a < p; ++a) {
      const double wa = w * groups.rows(g, a);
      if (wa == 0) continue;  // indicator designs: most entries are zero
      for (Eigen::Index b = 0; b < p; ++b) out(a, b) += wa * groups.rows(g, b);
    }
  }
}

}  // namespace diffbio::stats

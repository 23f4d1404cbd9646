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
  Eigen::Index count() const { return rows.rows(); }
};

DesignGroups designGroups(const Eigen::MatrixXd& modelMatrix);

// sum_g weight_g x_g x_g' over the groups: X'WX when weight_g sums the sample weights of group g.
void addGroupCrossProduct(const DesignGroups& groups, const Eigen::VectorXd& groupWeights, Eigen::MatrixXd& out);

}  // namespace diffbio::stats

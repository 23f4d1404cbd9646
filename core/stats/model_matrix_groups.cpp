#include "core/stats/model_matrix_groups.h"

namespace diffbio::stats {

DesignGroups designGroups(const Eigen::MatrixXd& modelMatrix) {
  DesignGroups groups;
  std::vector<Eigen::Index> firstRows;
  groups.groupOfSample.resize(static_cast<std::size_t>(modelMatrix.rows()));
  for (Eigen::Index j = 0; j < modelMatrix.rows(); ++j) {
    int found = -1;
    for (std::size_t g = 0; g < firstRows.size() && found < 0; ++g)
      if (modelMatrix.row(firstRows[g]) == modelMatrix.row(j)) found = static_cast<int>(g);
    if (found < 0) {
      found = static_cast<int>(firstRows.size());
      firstRows.push_back(j);
    }
    groups.groupOfSample[static_cast<std::size_t>(j)] = found;
  }
  groups.rows.resize(static_cast<Eigen::Index>(firstRows.size()), modelMatrix.cols());
  for (std::size_t g = 0; g < firstRows.size(); ++g)
    groups.rows.row(static_cast<Eigen::Index>(g)) = modelMatrix.row(firstRows[g]);
  return groups;
}

void addGroupCrossProduct(const DesignGroups& groups, const Eigen::VectorXd& groupWeights, Eigen::MatrixXd& out) {
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

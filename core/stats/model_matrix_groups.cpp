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
  groups.samplesOfGroup.resize(firstRows.size());
  for (std::size_t j = 0; j < groups.groupOfSample.size(); ++j)
    groups.samplesOfGroup[static_cast<std::size_t>(groups.groupOfSample[j])].push_back(static_cast<int>(j));
  groups.rows.resize(static_cast<Eigen::Index>(firstRows.size()), modelMatrix.cols());
  for (std::size_t g = 0; g < firstRows.size(); ++g)
    groups.rows.row(static_cast<Eigen::Index>(g)) = modelMatrix.row(firstRows[g]);
  return groups;
}

}  // namespace diffbio::stats

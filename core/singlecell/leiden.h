#pragma once
// Leiden community detection (Traag et al. 2019) on a cell graph via igraph's igraph_community_leiden, with the
// modularity objective and a resolution parameter — the same quality function as scanpy's leiden (leidenalg's
// RBConfigurationVertexPartition, weighted). Seeded; iterated until the partition no longer changes. Clusters are
// numbered by decreasing size (0 = largest), as leidenalg numbers them.
#include <cstdint>
#include <vector>

#include "core/singlecell/cell_graph.h"

namespace diffbio::sc {

struct LeidenOptions {
  double resolution = 1.0;
  double beta = 0.01;        // randomness of the refinement step (leidenalg's default)
  int iterations = -1;       // < 0: until stable
  std::uint64_t seed = 0;
};

struct LeidenResult {
  std::vector<std::int32_t> membership;
  int nClusters = 0;
  double modularity = 0;     // the modularity of the partition at this resolution
};

LeidenResult leiden(const CellGraph& graph, const LeidenOptions& options = {});

}  // namespace diffbio::sc

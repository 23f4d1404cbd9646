#pragma once
// UMAP's fuzzy simplicial set from a kNN graph, as umap-learn's fuzzy_simplicial_set computes it (and scanpy's
// neighbors(method='umap')):
//   rho_i   = distance to the nearest neighbour at distance > 0 (local_connectivity 1),
//   sigma_i by bisection (64 steps, tolerance 1e-5) so that sum_j exp(-max(0, d_ij - rho_i) / sigma_i) over the
//           k - 1 neighbours = log2(k), with umap-learn's floor of 1e-3 x the mean neighbour distance,
//   w_ij    = exp(-(d_ij - rho_i) / sigma_i) (1 when d_ij <= rho_i), then the fuzzy union w + w^T - w o w^T.
#include <vector>

#include "core/singlecell/cell_graph.h"
#include "core/singlecell/knn.h"

namespace diffbio::sc {

struct SmoothKnn {
  std::vector<double> rho;
  std::vector<double> sigma;
};
SmoothKnn smoothKnnDistances(const KnnGraph& knn, double localConnectivity = 1.0, double bandwidth = 1.0);

CellGraph fuzzySimplicialSet(const KnnGraph& knn);

}  // namespace diffbio::sc

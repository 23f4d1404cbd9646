#pragma once
// k nearest neighbours of every cell in an embedding (PCA space), Euclidean. Exact brute force (blocked matrix
// products) below `exactBelow` cells, hnswlib's HNSW graph above it. As in umap-learn and scanpy, each cell is its
// own first neighbour (distance 0), so k counts the cell itself.
#include <cstdint>
#include <vector>

#include <Eigen/Core>

namespace diffbio::sc {

struct KnnGraph {
  std::int64_t nCells = 0;
  int k = 0;
  std::vector<std::int32_t> indices;  // nCells x k, row-major; column 0 is the cell itself
  std::vector<float> distances;       // same layout, ascending within a row
  std::int32_t index(std::int64_t cell, int j) const { return indices[cell * k + j]; }
  float distance(std::int64_t cell, int j) const { return distances[cell * k + j]; }
};

enum class KnnMethod { Auto, Exact, Hnsw };

struct KnnOptions {
  int k = 15;
  KnnMethod method = KnnMethod::Auto;
  std::int64_t exactBelow = 20000;  // Auto: exact below this many cells
  int hnswM = 16;
  int hnswEfConstruction = 100;  // hnswlib suggests 100-200; 100 halves the build time at ~0.99 recall here
  int hnswEf = 0;                   // 0: max(3k, 50)
  std::uint64_t seed = 0;
};

// `points`: cells x dimensions. k is capped at the number of cells (InputError below 2 cells).
KnnGraph nearestNeighbors(const Eigen::MatrixXd& points, const KnnOptions& options = {});

}  // namespace diffbio::sc

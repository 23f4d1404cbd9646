#pragma once
// A weighted, undirected graph over cells stored as a symmetric CSR adjacency (both directions of each edge, no
// self loops): UMAP's fuzzy simplicial set, the input of Leiden and of the UMAP layout.
#include <cstdint>
#include <vector>

namespace diffbio::sc {

struct CellGraph {
  std::int64_t nCells = 0;
  std::vector<std::int64_t> indptr;   // nCells + 1
  std::vector<std::int32_t> indices;  // neighbours, ascending within a row
  std::vector<float> weights;
  std::int64_t nEdges() const { return static_cast<std::int64_t>(indices.size()) / 2; }  // undirected edges
};

}  // namespace diffbio::sc

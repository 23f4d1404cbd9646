#pragma once
// What flows between the single-cell pipeline nodes besides count matrices (io::LoadedCounts) and tables:
// per-cell embeddings (PCA, UMAP), the neighbour graph and labels (clusters), each carrying the cell names so a
// node can check that its inputs describe the same cells.
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/data/table.h"
#include "core/singlecell/cell_graph.h"
#include "core/singlecell/knn.h"

namespace diffbio::sc {

struct CellEmbedding {
  std::string name;                 // "X_pca", "X_umap"
  std::vector<std::string> cells;
  Eigen::MatrixXd values;           // cells x dimensions
  std::vector<std::string> genes;   // PCA: the genes it was computed from (empty otherwise)
  Eigen::MatrixXd loadings;         // PCA: genes x components
};

struct NeighbourGraph {
  std::vector<std::string> cells;
  KnnGraph knn;
  CellGraph graph;                  // UMAP's fuzzy simplicial set
};

struct CellLabels {
  std::string name;                 // "leiden"
  std::vector<std::string> cells;
  std::vector<std::int32_t> codes;  // index into levels
  std::vector<std::string> levels;
};

// Tables for writing: barcode + one column per dimension (name_1, name_2, ...) / barcode + the label.
data::Table embeddingTable(const CellEmbedding& embedding, const std::string& columnPrefix);
data::Table labelTable(const CellLabels& labels);

}  // namespace diffbio::sc

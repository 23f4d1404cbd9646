#pragma once
// The standard single-cell analysis in one call, the same steps scanpy's tutorial runs: QC metrics → cell and
// gene filters → normalise_total + log1p → highly variable genes → scale (clip 10) → PCA → kNN → fuzzy graph →
// Leiden → UMAP → Wilcoxon markers per cluster. Used by `diffbio sc`, the benchmark and the pipeline operator,
// so all three give the same numbers. Small inputs are handled by capping n_pcs and n_neighbors (with a note).
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "core/data/count_matrix.h"
#include "core/singlecell/cell_graph.h"
#include "core/singlecell/hvg.h"
#include "core/singlecell/knn.h"
#include "core/singlecell/leiden.h"
#include "core/singlecell/markers.h"
#include "core/singlecell/pca.h"
#include "core/singlecell/qc.h"

namespace diffbio::sc {

struct PipelineOptions {
  CellFilter cellFilter;               // default: no cell filter
  GeneFilter geneFilter{1, 0};         // default: drop genes never detected
  double targetSum = 1e4;
  HvgFlavor hvgFlavor = HvgFlavor::Seurat;
  std::int64_t nTopGenes = 2000;       // capped at the number of genes
  int nPcs = 50;
  int nNeighbors = 15;
  double resolution = 1.0;
  std::uint64_t seed = 0;
  int umapEpochs = 0;                  // 0: umap-learn's rule
  double umapMinDist = 0.5;
  bool markers = true;
  // Called between steps with the step's name; may throw diffbio::Cancelled.
  std::function<void(const std::string&)> onStep;
};

struct PipelineResult {
  CellQc qc;                           // every input cell, before filtering
  std::vector<std::int64_t> keptCells, keptGenes;
  data::CountMatrix logNormalized;     // kept cells x kept genes
  HvgResult hvg;                       // over the kept genes
  std::vector<std::int64_t> hvgGenes;  // indices into the kept genes used for PCA
  PcaResult pca;
  KnnGraph knn;
  CellGraph graph;
  LeidenResult clusters;
  Eigen::MatrixXd umap;
  std::vector<MarkerComparison> markers;
  std::vector<std::string> notes;
  std::vector<std::pair<std::string, double>> seconds;  // wall time per step
};

// InputError when fewer than 3 cells or no genes remain after filtering, or the values are negative / not finite.
PipelineResult runPipeline(const data::CountMatrix& counts, const PipelineOptions& options);

}  // namespace diffbio::sc

#pragma once
// scanpy's pp.scale / Seurat's ScaleData on a subset of genes (the highly variable ones): each gene centred on its
// mean and divided by its standard deviation (ddof 1; a constant gene is divided by 1), then values above
// `maxValue` set to it (both tools clip only the upper end). The result is dense, cells x selected genes only —
// never cells x all genes.
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "core/data/count_matrix.h"
#include "core/singlecell/sparse_stats.h"

namespace diffbio::sc {

using DenseF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct ScaleOptions {
  bool zeroCenter = true;
  double maxValue = 10;  // <= 0: no clipping
};

// Columns in the order of `genes`. `columns`: `values` gene-major (toCsc) when the caller has them already: then
// nothing is copied and the work is parallel; the result is the same.
DenseF scaleGenes(const data::CountMatrix& values, const std::vector<std::int64_t>& genes,
                  const ScaleOptions& options = {}, const CscStorage* columns = nullptr);

}  // namespace diffbio::sc

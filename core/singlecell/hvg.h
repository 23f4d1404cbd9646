#pragma once
// Highly variable genes with scanpy 1.9's definitions (pp.highly_variable_genes):
//   seurat       — on log1p data: mean and variance (ddof 1) of expm1(x); dispersion = var / mean, then
//                  log(dispersion) and log1p(mean); genes binned by pd.cut of the mean into n_bins equal-width
//                  bins; dispersion normalised by the bin's mean and standard deviation (a bin with a single gene:
//                  mean 0, sd = that gene's dispersion, as scanpy does).
//   cell_ranger  — on log1p data directly: dispersion = var / mean; bins at the 10th, 15th, ..., 100th
//                  percentiles of the mean; normalised by the bin's median and MAD (statsmodels' robust.mad).
//   seurat_v3    — on RAW COUNTS: variance of counts standardised by a loess fit of the mean-variance relation,
//                  with optional batches (core/singlecell/hvg_seurat_v3.h); n_top_genes is required.
// Selection: n_top_genes when > 0 (the genes with the largest normalised dispersion), else the mean/dispersion
// cut-offs (seurat, cell_ranger). Sparse in; per-gene vectors out.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/data/table.h"
#include "core/singlecell/sparse_stats.h"

namespace diffbio::sc {

enum class HvgFlavor { Seurat, CellRanger, SeuratV3 };
// "seurat", "cell_ranger" or "seurat_v3"; InputError otherwise.
HvgFlavor parseHvgFlavor(const std::string& name);
// True when the flavour works on raw counts (seurat_v3) rather than log-normalised values.
bool hvgFlavorNeedsCounts(HvgFlavor flavor);

struct HvgOptions {
  HvgFlavor flavor = HvgFlavor::Seurat;
  std::int64_t nTopGenes = 0;  // 0 = use the cut-offs below
  double minMean = 0.0125;
  double maxMean = 3;
  double minDisp = 0.5;
  double maxDisp = 1e300;      // inf
  int nBins = 20;
  double span = 0.3;                   // seurat_v3: loess span
  std::vector<std::int32_t> batches;   // seurat_v3: batch code per cell (empty: one batch)
};

struct HvgResult {
  HvgFlavor flavor = HvgFlavor::Seurat;
  std::vector<double> means;           // seurat: log1p(mean of expm1(x)); cell_ranger: mean of x; seurat_v3: mean
  // seurat and cell_ranger (empty for seurat_v3):
  std::vector<double> dispersions;     // seurat: log(var / mean) (NaN when var is 0); cell_ranger: var / mean
  std::vector<double> dispersionsNorm; // normalised within the mean bin (NaN where undefined)
  // seurat_v3 (empty otherwise), see hvg_seurat_v3.h:
  std::vector<double> variances, variancesExpected, variancesNorm, rank;
  std::vector<std::int32_t> nBatches;
  std::vector<std::uint8_t> highlyVariable;
  std::vector<std::int64_t> selected() const;  // indices of the highly variable genes, in gene order
  // The per-gene score the selection ranks by: dispersionsNorm (seurat, cell_ranger) or variancesNorm (seurat_v3).
  const std::vector<double>& score() const;
};

// One row per gene with scanpy's column names: means, dispersions, dispersions_norm (seurat, cell_ranger) or
// means, variances, variances_expected, variances_norm, highly_variable_rank, highly_variable_nbatches (seurat_v3);
// then highly_variable.
data::Table hvgTable(const HvgResult& result, const std::vector<std::string>& geneNames);

// Batch codes (0..B-1, levels in first-appearance order) from a column of the cell table (seurat_v3's batch_key).
// InputError when the column is absent, has the wrong length or a missing value.
std::vector<std::int32_t> hvgBatchCodes(const data::Table& cells, const std::string& column);

// `values`: log1p-normalised data (natural log) for seurat and cell_ranger; raw counts for seurat_v3.
// `columns`: the same values gene-major (toCsc), when the caller has them already (seurat and cell_ranger use them
// for the gene moments; the results are the same with or without).
HvgResult highlyVariableGenes(const data::CountMatrix& values, const HvgOptions& options,
                              const CscStorage* columns = nullptr);

}  // namespace diffbio::sc

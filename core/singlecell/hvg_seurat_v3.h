#pragma once
// Highly variable genes, flavour "seurat_v3": Seurat v3's FindVariableFeatures(selection.method = "vst") as scanpy's
// pp.highly_variable_genes(flavor = "seurat_v3") reproduces it. On RAW COUNTS, per batch:
//   1. per gene mean and variance (ddof 1);
//   2. over the non-constant genes, a loess (degree 2, span 0.3) of log10(variance) on log10(mean); the expected
//      variance is 10^fit (0 for constant genes);
//   3. counts standardised by (x - mean) / sqrt(expected variance), clipped above at sqrt(n cells of the batch);
//      the standardised variance is their sum of squares / (n - 1) (0 for constant genes).
// Ranking (scanpy's rule, from Seurat's SelectIntegrationFeatures): in each batch genes are ranked by decreasing
// standardised variance (ties by gene order); a gene is highly variable in a batch when its rank < n_top_genes.
// Genes are sorted by the number of batches in which they are highly variable (descending), then by the median of
// those ranks (ascending; genes variable in no batch last), ties keeping gene order; the first n_top_genes are
// selected. With one batch this is simply the n_top_genes largest standardised variances.
//
// The loess (core/singlecell/loess.h) interpolates over a k-d tree as R and scanpy's skmisc do; its direct
// evaluation at every gene is available and differs by a small measured amount (see
// tests/core/singlecell/test_hvg_seurat_v3.cpp).
#include <cstdint>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/singlecell/loess.h"

namespace diffbio::sc {

struct HvgSeuratV3Options {
  std::int64_t nTopGenes = 2000;       // capped at the number of genes
  double span = 0.3;                   // loess span
  LoessSurface surface = LoessSurface::Interpolate;  // R's default; Direct: a local fit at every gene
  std::vector<std::int32_t> batches;   // batch code per cell (0..B-1); empty: one batch
};

struct HvgSeuratV3Result {
  std::vector<double> means;             // over all cells
  std::vector<double> variances;         // over all cells (ddof 1)
  std::vector<double> variancesExpected; // 10^loess fit; with batches, the mean over batches
  std::vector<double> variancesNorm;     // standardised variance; with batches, the mean over batches
  std::vector<double> rank;              // median rank over the batches where the gene is variable; NaN if none
  std::vector<std::int32_t> nBatches;    // batches in which the gene is among the n_top_genes
  std::vector<std::uint8_t> highlyVariable;
};

// InputError when the values are negative, not finite or not whole numbers (not raw counts), when there are fewer
// than 2 cells in a batch, when nTopGenes < 1, or when batches has the wrong length / negative codes.
HvgSeuratV3Result highlyVariableGenesSeuratV3(const data::CountMatrix& counts, const HvgSeuratV3Options& options);

}  // namespace diffbio::sc

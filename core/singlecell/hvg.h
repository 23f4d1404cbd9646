#pragma once
// Highly variable genes with scanpy 1.9's definitions (pp.highly_variable_genes):
//   seurat       — on log1p data: mean and variance (ddof 1) of expm1(x); dispersion = var / mean, then
//                  log(dispersion) and log1p(mean); genes binned by pd.cut of the mean into n_bins equal-width
//                  bins; dispersion normalised by the bin's mean and standard deviation (a bin with a single gene:
//                  mean 0, sd = that gene's dispersion, as scanpy does).
//   cell_ranger  — on log1p data directly: dispersion = var / mean; bins at the 10th, 15th, ..., 100th
//                  percentiles of the mean; normalised by the bin's median and MAD (statsmodels' robust.mad).
// Selection: n_top_genes when > 0 (the genes with the largest normalised dispersion), else the mean/dispersion
// cut-offs. Sparse in; per-gene vectors out.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/count_matrix.h"

namespace diffbio::sc {

enum class HvgFlavor { Seurat, CellRanger };
HvgFlavor parseHvgFlavor(const std::string& name);  // "seurat" or "cell_ranger"; InputError otherwise

struct HvgOptions {
  HvgFlavor flavor = HvgFlavor::Seurat;
  std::int64_t nTopGenes = 0;  // 0 = use the cut-offs below
  double minMean = 0.0125;
  double maxMean = 3;
  double minDisp = 0.5;
  double maxDisp = 1e300;      // inf
  int nBins = 20;
};

struct HvgResult {
  std::vector<double> means;           // seurat: log1p(mean of expm1(x)); cell_ranger: mean of x
  std::vector<double> dispersions;     // seurat: log(var / mean) (NaN when var is 0); cell_ranger: var / mean
  std::vector<double> dispersionsNorm; // normalised within the mean bin (NaN where undefined)
  std::vector<std::uint8_t> highlyVariable;
  std::vector<std::int64_t> selected() const;  // indices of the highly variable genes, in gene order
};

// `values`: log1p-normalised data (natural log).
HvgResult highlyVariableGenes(const data::CountMatrix& values, const HvgOptions& options);

}  // namespace diffbio::sc

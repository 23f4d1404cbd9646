#pragma once
// Quality-control metrics per cell and per gene (scanpy's calculate_qc_metrics, the columns people filter on) and
// the cell/gene filters. Computed from the CSR rows without densifying.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/data/table.h"

namespace diffbio::sc {

// Mitochondrial genes: names starting "MT-" (human) or "mt-" (mouse). Ribosomal: "RPS"/"RPL" (human) or
// "Rps"/"Rpl" (mouse), scanpy's tutorial convention.
bool isMitochondrialGene(const std::string& name);
bool isRibosomalGene(const std::string& name);

struct CellQc {
  std::vector<double> totalCounts;         // sum over genes
  std::vector<std::int64_t> genesDetected; // genes with a non-zero value
  std::vector<double> pctMito;             // 100 * mitochondrial counts / total (0 when total is 0)
  std::vector<double> pctRibo;             // 100 * ribosomal counts / total
};

struct GeneQc {
  std::vector<double> totalCounts;
  std::vector<std::int64_t> cellsDetected;
  std::vector<double> meanCounts;
  std::vector<double> pctDropout;          // 100 * cells with a zero / cells
};

CellQc cellQc(const data::CountMatrix& counts);
GeneQc geneQc(const data::CountMatrix& counts);
// One row per cell: total_counts, n_genes_by_counts, pct_counts_mt, pct_counts_ribo (scanpy's column names).
data::Table cellQcTable(const data::CountMatrix& counts, const CellQc& qc);

struct CellFilter {
  double minCounts = 0;
  double maxCounts = 0;      // 0 = no upper limit
  std::int64_t minGenes = 0;
  std::int64_t maxGenes = 0; // 0 = no upper limit
  double maxPctMito = 100;
};
struct GeneFilter {
  std::int64_t minCells = 0;
  double minCounts = 0;
};

// Indices of the rows (cells) / columns (genes) that pass, in order.
std::vector<std::int64_t> passingCells(const CellQc& qc, const CellFilter& filter);
std::vector<std::int64_t> passingGenes(const GeneQc& qc, const GeneFilter& filter);

}  // namespace diffbio::sc

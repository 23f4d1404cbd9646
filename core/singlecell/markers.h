#pragma once
// Marker genes by the Wilcoxon rank-sum test, as scanpy's rank_genes_groups(method='wilcoxon') computes them:
//   z = (R_group - n_g (n_g + n_r + 1) / 2) / sqrt(T n_g n_r (n_g + n_r + 1) / 12), ranks averaged over ties,
//   T = 1 - sum(t^3 - t) / (N^3 - N) when tie correction is on (scanpy's tie_correct=True), else 1;
//   p = 2 (1 - Phi(|z|)) (normal approximation); Benjamini-Hochberg over the genes of each comparison;
//   log2 fold change = log2((expm1(mean_g) + 1e-9) / (expm1(mean_r) + 1e-9)) with means of the log1p values
//   (scanpy's formula: expm1 of the mean of logs); fraction of cells with a non-zero value in each side.
// Sparse: ranks come from each gene's stored values, the zeros forming one tied block.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/data/table.h"
#include "core/singlecell/sparse_stats.h"

namespace diffbio::sc {

struct MarkerOptions {
  bool tieCorrect = true;
  std::int64_t topGenes = 0;  // rows per comparison in the table; 0 = all genes
};

struct MarkerComparison {
  std::string group;                 // the tested group
  std::string reference;             // "rest" or the other group
  std::vector<std::int64_t> order;   // genes by decreasing score
  std::vector<double> scores, logFoldChanges, pvalues, pvaluesAdjusted, fractionIn, fractionOut;  // by gene
};

// Every group against all other cells. `labels`: one per cell, -1 = not part of any group (left out).
// `columns`: logValues gene-major (toCsc) when the caller has them already; the results are the same without.
std::vector<MarkerComparison> markersVersusRest(const data::CountMatrix& logValues,
                                                const std::vector<std::int32_t>& labels,
                                                const std::vector<std::string>& groupNames,
                                                const MarkerOptions& options = {},
                                                const CscStorage* columns = nullptr);
// Cells where `inGroup` is 1 against cells where `inReference` is 1 (a cell in both is an InputError).
MarkerComparison markersTwoGroups(const data::CountMatrix& logValues, const std::vector<std::uint8_t>& inGroup,
                                  const std::vector<std::uint8_t>& inReference, const std::string& groupName,
                                  const std::string& referenceName, const MarkerOptions& options = {});

// Long format: group, reference, rank, gene, score, logfoldchange, pval, pval_adj, pct_in, pct_out.
data::Table markerTable(const std::vector<MarkerComparison>& comparisons, const std::vector<std::string>& geneNames,
                        std::int64_t topGenes = 0);

}  // namespace diffbio::sc

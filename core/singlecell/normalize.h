#pragma once
// Library-size normalisation and log1p, as scanpy's normalize_total + log1p compute them: in float32, each cell
// scaled by target_sum / its total (a cell with total 0 is left at 0), then log(1 + x). Sparse in, sparse out.
#include "core/data/count_matrix.h"

namespace diffbio::sc {

// targetSum <= 0: the median of the non-zero cell totals (scanpy's target_sum=None).
data::CountMatrix normalizeTotal(const data::CountMatrix& counts, double targetSum = 1e4);
data::CountMatrix log1p(const data::CountMatrix& values);
// normalizeTotal then log1p in one pass (one copy of the matrix instead of two).
data::CountMatrix logNormalize(const data::CountMatrix& counts, double targetSum = 1e4);
// logNormalize(counts.selectGenes(genes)) without the intermediate copy: `genes` ascending (the gene filter's
// survivors); each cell's total is over those genes only, as when the filtered matrix is normalised. Same values
// bit for bit.
data::CountMatrix logNormalizeGenes(const data::CountMatrix& counts, const std::vector<std::int64_t>& genes,
                                    double targetSum = 1e4);

// counts.selectGenes(genes) for ascending `genes`: the same matrix; sparse ones are copied in parallel over cells.
data::CountMatrix selectGenesParallel(const data::CountMatrix& counts, const std::vector<std::int64_t>& genes);

// The matrix as CSR (a no-op copy for sparse input).
data::CountMatrix asSparse(const data::CountMatrix& matrix);

}  // namespace diffbio::sc

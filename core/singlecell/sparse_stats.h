#pragma once
// Per-gene moments of a sparse cells x genes matrix without densifying, and a gene-major (CSC) view for the
// column-wise work (ranks for marker tests).
#include <cstdint>
#include <vector>

#include "core/data/count_matrix.h"

namespace diffbio::sc {

enum class ValueTransform {
  None,
  Expm1Float,  // expm1 computed in float32, as numpy does on a float32 array (scanpy's seurat flavour)
};

struct GeneMoments {
  std::vector<double> mean;
  std::vector<double> variance;  // unbiased (ddof 1), as scanpy's _get_mean_var and R's var
};

// Two passes in double over the stored values; the implicit zeros are counted exactly.
GeneMoments geneMeanVariance(const data::CountMatrix& values, ValueTransform transform = ValueTransform::None);

// The same storage transposed: for gene g, rows (cells) colIndptr[g]..colIndptr[g+1] in increasing cell order.
struct CscStorage {
  std::vector<std::int64_t> indptr;   // nGenes + 1
  std::vector<std::int32_t> cells;
  std::vector<float> values;
};
// Parallel over cells; the result does not depend on the thread count.
CscStorage toCsc(const data::CountMatrix& matrix);

// geneMeanVariance from the gene-major view of an nObs-row matrix: the same sums in the same order (each gene's
// cells in increasing order), so the same bits, computed in parallel over genes.
// With `genes`, the moments of those columns only, in that order.
GeneMoments geneMeanVariance(const CscStorage& columns, std::int64_t nObs,
                             ValueTransform transform = ValueTransform::None,
                             const std::vector<std::int64_t>* genes = nullptr);

}  // namespace diffbio::sc

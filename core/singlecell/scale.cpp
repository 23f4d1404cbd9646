#include "core/singlecell/scale.h"

#include <cmath>

#include "core/singlecell/sparse_stats.h"
#include "core/util/parallel.h"

namespace diffbio::sc {

namespace {

// From the gene-major view: the same moments (same sums in the same order) and the same float values as below.
DenseF scaleFromColumns(const CscStorage& csc, std::int64_t n, const std::vector<std::int64_t>& genes,
                        const ScaleOptions& options) {
  const GeneMoments moments = geneMeanVariance(csc, n, ValueTransform::None, &genes);
  const auto m = static_cast<std::int64_t>(genes.size());
  std::vector<double> sd(m), center(m);
  for (std::int64_t j = 0; j < m; ++j) {
    sd[j] = std::sqrt(moments.variance[j]);
    if (sd[j] == 0) sd[j] = 1;
    center[j] = options.zeroCenter ? moments.mean[j] : 0.0;
  }
  DenseF out(n, m);
  const float cap = options.maxValue > 0 ? static_cast<float>(options.maxValue) : 0.0f;
  parallelFor(0, n, 256, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t i = first; i < last; ++i)
      for (std::int64_t j = 0; j < m; ++j) out(i, j) = static_cast<float>(-center[j] / sd[j]);
  });
  // Whole genes per thread (contiguous column ranges: neighbouring threads share cache lines only at the edges).
  parallelFor(0, m, 64, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t j = first; j < last; ++j) {
      const auto g = genes[j];
      for (auto p = csc.indptr[g]; p < csc.indptr[g + 1]; ++p)
        out(csc.cells[p], j) = static_cast<float>((csc.values[p] - center[j]) / sd[j]);
    }
  });
  if (options.maxValue > 0)
    parallelFor(0, n, 256, [&](std::int64_t first, std::int64_t last) {
      out.middleRows(first, last - first) = out.middleRows(first, last - first).cwiseMin(cap);
    });
  return out;
}

}  // namespace

DenseF scaleGenes(const data::CountMatrix& values, const std::vector<std::int64_t>& genes,
                  const ScaleOptions& options, const CscStorage* columns) {
  if (columns && values.isSparse()) return scaleFromColumns(*columns, values.nObs(), genes, options);
  const data::CountMatrix subset = values.selectGenes(genes);
  const GeneMoments moments = geneMeanVariance(subset);
  const auto n = subset.nObs();
  const auto m = subset.nGenes();
  std::vector<double> sd(m), center(m);
  for (std::int64_t g = 0; g < m; ++g) {
    sd[g] = std::sqrt(moments.variance[g]);
    if (sd[g] == 0) sd[g] = 1;
    center[g] = options.zeroCenter ? moments.mean[g] : 0.0;
  }
  DenseF out(n, m);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t g = 0; g < m; ++g) out(i, g) = static_cast<float>(-center[g] / sd[g]);
  if (subset.isSparse()) {
    const auto& csr = subset.csr();
    for (std::int64_t i = 0; i < n; ++i)
      for (auto p = csr.indptr[i]; p < csr.indptr[i + 1]; ++p) {
        const auto g = csr.indices[p];
        out(i, g) = static_cast<float>((csr.values[p] - center[g]) / sd[g]);
      }
  } else {
    const auto& d = subset.dense();
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t g = 0; g < m; ++g) out(i, g) = static_cast<float>((d(i, g) - center[g]) / sd[g]);
  }
  if (options.maxValue > 0) {
    const float cap = static_cast<float>(options.maxValue);
    out = out.cwiseMin(cap);
  }
  return out;
}

}  // namespace diffbio::sc

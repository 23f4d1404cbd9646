#include "core/singlecell/scale.h"

#include <cmath>

#include "core/singlecell/sparse_stats.h"
#include "core/util/parallel.h"

namespace diffbio::sc {

namespace {

// Per gene: the standard deviation divided by (1 for a constant gene) and the centre subtracted (0 unless
// zero-centring), from the genes' moments.
struct GeneScaling {
  std::vector<double> sd, center;
};

GeneScaling scalingFrom(const GeneMoments& moments, const ScaleOptions& options) {
  const std::size_t m = moments.mean.size();
  GeneScaling s{std::vector<double>(m), std::vector<double>(m)};
  for (std::size_t j = 0; j < m; ++j) {
    s.sd[j] = std::sqrt(moments.variance[j]);
    if (s.sd[j] == 0) s.sd[j] = 1;
    s.center[j] = options.zeroCenter ? moments.mean[j] : 0.0;
  }
  return s;
}

// From the gene-major view: the same moments (same sums in the same order) and the same float values as below.
DenseF scaleFromColumns(const CscStorage& csc, std::int64_t n, const std::vector<std::int64_t>& genes,
                        const ScaleOptions& options) {
  const GeneScaling scaling = scalingFrom(geneMeanVariance(csc, n, ValueTransform::None, &genes), options);
  const std::vector<double>& sd = scaling.sd;
  const std::vector<double>& center = scaling.center;
  const auto m = static_cast<std::int64_t>(genes.size());
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
  const GeneScaling scaling = scalingFrom(geneMeanVariance(subset), options);
  const std::vector<double>& sd = scaling.sd;
  const std::vector<double>& center = scaling.center;
  const auto n = subset.nObs();
  const auto m = subset.nGenes();
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

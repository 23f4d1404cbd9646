#include "core/singlecell/scale.h"

#include <cmath>

#include "core/singlecell/sparse_stats.h"

namespace diffbio::sc {

DenseF scaleGenes(const data::CountMatrix& values, const std::vector<std::int64_t>& genes,
                  const ScaleOptions& options) {
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

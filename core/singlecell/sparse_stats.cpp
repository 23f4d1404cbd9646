#include "core/singlecell/sparse_stats.h"

#include <cmath>

namespace diffbio::sc {

namespace {
inline double transformed(float v, ValueTransform t) {
  return t == ValueTransform::Expm1Float ? static_cast<double>(std::expm1(v)) : static_cast<double>(v);
}
}  // namespace

GeneMoments geneMeanVariance(const data::CountMatrix& values, ValueTransform transform) {
  const auto m = values.nGenes();
  const double n = static_cast<double>(values.nObs());
  GeneMoments moments;
  moments.mean.assign(m, 0.0);
  moments.variance.assign(m, 0.0);
  if (values.isSparse()) {
    const auto& csr = values.csr();
    std::vector<std::int64_t> stored(m, 0);
    for (std::size_t p = 0; p < csr.values.size(); ++p) moments.mean[csr.indices[p]] += transformed(csr.values[p], transform);
    for (auto& mean : moments.mean) mean /= n;
    for (std::size_t p = 0; p < csr.values.size(); ++p) {
      const auto g = csr.indices[p];
      const double d = transformed(csr.values[p], transform) - moments.mean[g];
      moments.variance[g] += d * d;
      ++stored[g];
    }
    for (std::int64_t g = 0; g < m; ++g) {
      const double zeros = n - static_cast<double>(stored[g]);
      moments.variance[g] = (moments.variance[g] + zeros * moments.mean[g] * moments.mean[g]) / (n - 1);
    }
  } else {
    const auto& d = values.dense();
    for (std::int64_t i = 0; i < values.nObs(); ++i)
      for (std::int64_t g = 0; g < m; ++g) moments.mean[g] += transformed(static_cast<float>(d(i, g)), transform);
    for (auto& mean : moments.mean) mean /= n;
    for (std::int64_t i = 0; i < values.nObs(); ++i)
      for (std::int64_t g = 0; g < m; ++g) {
        const double x = transformed(static_cast<float>(d(i, g)), transform) - moments.mean[g];
        moments.variance[g] += x * x;
      }
    for (auto& v : moments.variance) v /= (n - 1);
  }
  return moments;
}

CscStorage toCsc(const data::CountMatrix& matrix) {
  const data::CountMatrix sparse = matrix.isSparse() ? data::CountMatrix() : matrix.toSparse();
  const auto& csr = matrix.isSparse() ? matrix.csr() : sparse.csr();
  const auto m = matrix.nGenes();
  CscStorage csc;
  csc.indptr.assign(m + 1, 0);
  for (auto g : csr.indices) ++csc.indptr[g + 1];
  for (std::int64_t g = 0; g < m; ++g) csc.indptr[g + 1] += csc.indptr[g];
  csc.cells.resize(csr.indices.size());
  csc.values.resize(csr.indices.size());
  std::vector<std::int64_t> next(csc.indptr.begin(), csc.indptr.end() - 1);
  for (std::int64_t i = 0; i < matrix.nObs(); ++i)
    for (auto p = csr.indptr[i]; p < csr.indptr[i + 1]; ++p) {
      const auto q = next[csr.indices[p]]++;
      csc.cells[q] = static_cast<std::int32_t>(i);
      csc.values[q] = csr.values[p];
    }
  return csc;
}

}  // namespace diffbio::sc

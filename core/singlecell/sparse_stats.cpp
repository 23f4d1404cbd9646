#include "core/singlecell/sparse_stats.h"

#include <cmath>

#include "core/util/parallel.h"

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

GeneMoments geneMeanVariance(const CscStorage& columns, std::int64_t nObs, ValueTransform transform,
                             const std::vector<std::int64_t>* genes) {
  const auto m = genes ? static_cast<std::int64_t>(genes->size()) : static_cast<std::int64_t>(columns.indptr.size()) - 1;
  const double n = static_cast<double>(nObs);
  GeneMoments moments;
  moments.mean.assign(m, 0.0);
  moments.variance.assign(m, 0.0);
  parallelFor(0, m, 512, [&](std::int64_t first, std::int64_t last) {
    std::vector<double> x;  // the gene's transformed values (expm1 once per value)
    for (std::int64_t g = first; g < last; ++g) {
      const std::int64_t column = genes ? (*genes)[g] : g;
      x.clear();
      for (auto p = columns.indptr[column]; p < columns.indptr[column + 1]; ++p)
        x.push_back(transformed(columns.values[p], transform));
      double sum = 0;
      for (double v : x) sum += v;
      const double mean = sum / n;
      double ss = 0;
      for (double v : x) ss += (v - mean) * (v - mean);
      const double zeros = n - static_cast<double>(x.size());
      moments.mean[g] = mean;
      moments.variance[g] = (ss + zeros * mean * mean) / (n - 1);
    }
  });
  return moments;
}

CscStorage toCsc(const data::CountMatrix& matrix) {
  const data::CountMatrix sparse = matrix.isSparse() ? data::CountMatrix() : matrix.toSparse();
  const auto& csr = matrix.isSparse() ? matrix.csr() : sparse.csr();
  const auto m = matrix.nGenes();
  const auto n = matrix.nObs();
  // Cells in fixed blocks (not one per thread), so the work splits the same way whatever the thread count. Each
  // block counts its entries per gene; a gene's entries from block b start after those of blocks 0..b-1.
  constexpr std::int64_t kBlockCells = 512;
  const std::int64_t nBlocks = std::max<std::int64_t>(1, (n + kBlockCells - 1) / kBlockCells);
  std::vector<std::vector<std::int64_t>> start(nBlocks);
  parallelFor(0, nBlocks, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t b = first; b < last; ++b) {
      auto& count = start[b];
      count.assign(m, 0);
      const std::int64_t end = std::min(n, (b + 1) * kBlockCells);
      for (auto p = csr.indptr[b * kBlockCells]; p < csr.indptr[end]; ++p) ++count[csr.indices[p]];
    }
  });
  CscStorage csc;
  csc.indptr.assign(m + 1, 0);
  for (std::int64_t g = 0; g < m; ++g) {
    std::int64_t at = csc.indptr[g];
    for (std::int64_t b = 0; b < nBlocks; ++b) {
      const std::int64_t c = start[b][g];
      start[b][g] = at;
      at += c;
    }
    csc.indptr[g + 1] = at;
  }
  csc.cells.resize(csr.indices.size());
  csc.values.resize(csr.indices.size());
  parallelFor(0, nBlocks, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t b = first; b < last; ++b) {
      auto& next = start[b];
      const std::int64_t end = std::min(n, (b + 1) * kBlockCells);
      for (std::int64_t i = b * kBlockCells; i < end; ++i)
        for (auto p = csr.indptr[i]; p < csr.indptr[i + 1]; ++p) {
          const auto q = next[csr.indices[p]]++;
          csc.cells[q] = static_cast<std::int32_t>(i);
          csc.values[q] = csr.values[p];
        }
    }
  });
  return csc;
}

}  // namespace diffbio::sc

#include "core/data/count_matrix_tensor.h"

#include <ATen/ATen.h>

#include <numeric>
#include <stdexcept>

namespace diffbio::data {

namespace {

std::vector<std::int64_t> allIndices(std::int64_t n) {
  std::vector<std::int64_t> indices(static_cast<std::size_t>(n));
  std::iota(indices.begin(), indices.end(), 0);
  return indices;
}

}  // namespace

at::Tensor sharedDenseTensor(std::shared_ptr<const CountMatrix> matrix) {
  if (matrix->isSparse()) throw std::logic_error("sharedDenseTensor: the matrix is sparse (use denseBlock)");
  const CountMatrix::Dense& values = matrix->dense();
  double* data = const_cast<double*>(values.data());  // read-only by contract, see the header
  // The deleter owns a reference to the matrix: the storage lives as long as any tensor viewing it.
  auto keepAlive = [matrix](void*) {};
  return at::from_blob(data, {matrix->nObs(), matrix->nGenes()}, keepAlive, at::TensorOptions().dtype(at::kDouble));
}

at::Tensor denseBlock(const CountMatrix& matrix, const std::vector<std::int64_t>& observations,
                      const std::vector<std::int64_t>& genes) {
  const auto rows = observations.empty() ? allIndices(matrix.nObs()) : observations;
  const auto cols = genes.empty() ? allIndices(matrix.nGenes()) : genes;
  for (auto r : rows)
    if (r < 0 || r >= matrix.nObs()) throw std::out_of_range("denseBlock: observation index out of range");
  for (auto c : cols)
    if (c < 0 || c >= matrix.nGenes()) throw std::out_of_range("denseBlock: gene index out of range");

  at::Tensor block = at::zeros({static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(cols.size())},
                               at::TensorOptions().dtype(at::kDouble));
  double* out = block.data_ptr<double>();
  const auto width = static_cast<std::int64_t>(cols.size());
  if (!matrix.isSparse()) {
    const auto& values = matrix.dense();
    for (std::size_t i = 0; i < rows.size(); ++i)
      for (std::size_t j = 0; j < cols.size(); ++j) out[i * width + j] = values(rows[i], cols[j]);
    return block;
  }
  // Sparse: map each requested gene to its column in the block, then scatter each requested row's entries.
  std::vector<std::int64_t> columnOf(static_cast<std::size_t>(matrix.nGenes()), -1);
  for (std::size_t j = 0; j < cols.size(); ++j) columnOf[cols[j]] = static_cast<std::int64_t>(j);
  const auto& csr = matrix.csr();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::int64_t k = csr.indptr[rows[i]]; k < csr.indptr[rows[i] + 1]; ++k) {
      const std::int64_t j = columnOf[csr.indices[k]];
      if (j >= 0) out[i * width + j] = csr.values[k];
    }
  }
  // A gene selected twice gets its value only in the last column mapped; fill earlier duplicates too.
  for (std::size_t j = 0; j < cols.size(); ++j) {
    const std::int64_t mapped = columnOf[cols[j]];
    if (mapped != static_cast<std::int64_t>(j)) block.select(1, static_cast<std::int64_t>(j)).copy_(block.select(1, mapped));
  }
  return block;
}

at::Tensor sparseCsrTensor(const CountMatrix& matrix) {
  if (!matrix.isSparse()) throw std::logic_error("sparseCsrTensor: the matrix is dense");
  const auto& csr = matrix.csr();
  const at::Tensor indptr = at::tensor(csr.indptr, at::kLong);
  const at::Tensor indices = at::tensor(std::vector<std::int64_t>(csr.indices.begin(), csr.indices.end()), at::kLong);
  const at::Tensor values = at::tensor(csr.values, at::kFloat);
  return at::sparse_csr_tensor(indptr, indices, values, {matrix.nObs(), matrix.nGenes()},
                               at::TensorOptions().dtype(at::kFloat));
}

}  // namespace diffbio::data

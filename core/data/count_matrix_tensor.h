#pragma once
// CountMatrix -> LibTorch tensors (observations x genes).
//
// Dense matrices are shared, not copied: the tensor views the matrix's own row-major storage and keeps the matrix
// alive through the shared pointer, so the two can never dangle. The tensor is read-only by contract (the matrix is
// immutable); clone() it before writing. Subsets and sparse matrices need a gather, so they copy just the requested
// block. Sparse matrices can also become a LibTorch sparse CSR tensor that shares nothing but costs no densifying.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/data/count_matrix.h"

namespace diffbio::data {

// The whole dense matrix as a float64 tensor, without a copy. Throws std::logic_error for sparse storage.
at::Tensor sharedDenseTensor(std::shared_ptr<const CountMatrix> matrix);

// A dense float64 block of the given observations and genes (empty = all), in the order given; works for dense and
// sparse storage and densifies only the block.
at::Tensor denseBlock(const CountMatrix& matrix, const std::vector<std::int64_t>& observations = {},
                      const std::vector<std::int64_t>& genes = {});

// A sparse CSR tensor (float32 values, int64 indices) of a sparse matrix. Throws std::logic_error for dense storage.
at::Tensor sparseCsrTensor(const CountMatrix& matrix);

}  // namespace diffbio::data

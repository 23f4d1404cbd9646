#pragma once
// Tensors of a ReadBatch for models: one-hot bases, Phred scores and a length mask, all padded to a common length L.
// L is the batch's longest read, or a fixed length given by the caller (a model with a fixed input width); with a
// fixed L, longer reads are cut to their first L bases and shorter ones padded.
// Padding positions are zero in every tensor, so the mask is what tells a base from padding.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>

#include "core/data/read_batch.h"

namespace diffbio::data {

// N x L x 4 float32, channels A, C, G, T (either case); N and padding are all zeros.
at::Tensor oneHotTensor(const ReadBatch& batch, std::optional<std::int64_t> fixedLength = std::nullopt);

// N x L float32: quality character minus the batch's encoding offset; 0 at padding.
at::Tensor phredTensor(const ReadBatch& batch, std::optional<std::int64_t> fixedLength = std::nullopt);

// N x L bool: true where position j < the read's length (and < L).
at::Tensor lengthMask(const ReadBatch& batch, std::optional<std::int64_t> fixedLength = std::nullopt);

}  // namespace diffbio::data

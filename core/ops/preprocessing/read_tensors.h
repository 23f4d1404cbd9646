#pragma once
// The payload of a Reads port in a pipeline: a batch of reads as tensors, with the weights the differentiable
// preprocessing stages put on bases and reads. Stages never change the one-hot bases except error correction; they
// multiply `baseWeights` (soft masking, soft trimming) and `readWeights` (duplicates), so the seed's
// "preprocessed reads" are oneHot x baseWeights.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/data/read_batch.h"

namespace diffbio::ops {

struct ReadTensors {
  std::vector<std::string> names;  // one per read (empty for simulated reads)
  at::Tensor oneHot;               // N x L x 4 float: A, C, G, T; N and padding all zero (soft after correction)
  at::Tensor phred;                // N x L float: Phred scores, 0 at padding
  at::Tensor mask;                 // N x L float: 1 where there is a base
  at::Tensor baseWeights;          // N x L float in [0, 1]: product of the stages' retained-base weights
  at::Tensor readWeights;          // N float: product of the stages' read weights (duplicates)
  // The base weights as they entered the last quality filter, so a training node can re-apply the filter with a
  // learnable threshold; undefined when no quality filter ran.
  at::Tensor weightsBeforeQualityFilter;
  at::Tensor adapterProbability;   // N: probability that the read holds the adapter; undefined when not searched
  // Likewise for the adapter and duplicate training nodes: the weights as they entered the last adapter removal /
  // duplicate weighting (undefined when none ran).
  at::Tensor weightsBeforeAdapterRemoval;
  at::Tensor readWeightsBeforeDuplicates;
  // Known truth of simulated reads (read_simulation.h), undefined for real reads: where the adapter starts in each
  // read (N long; L = no adapter) and each read's duplicate family (N long).
  at::Tensor trueAdapterStart;
  at::Tensor duplicateFamily;

  std::int64_t reads() const { return oneHot.defined() ? oneHot.size(0) : 0; }
  std::int64_t length() const { return oneHot.defined() ? oneHot.size(1) : 0; }
  // oneHot x baseWeights: what downstream models see.
  at::Tensor preprocessed() const;
};

// From parsed reads: one-hot, Phred and mask (core/data/read_batch_tensor.h), weights 1. `fixedLength` cuts or pads.
ReadTensors readTensorsFromBatch(const data::ReadBatch& batch, std::optional<std::int64_t> fixedLength = {});

// The synthetic reads of seed 003: uniformly random bases; Phred 35 falling linearly to 20 along the read
// (35 - 15 j / L), plus N(0, 3) per read and N(0, 5) per position, clipped to [2, 41] (not rounded, as in the seed).
ReadTensors simulateSeedReads(std::int64_t reads, std::int64_t length, std::uint64_t seed);

}  // namespace diffbio::ops

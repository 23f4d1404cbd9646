#include "core/ops/preprocessing/read_tensors.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/data/read_batch_tensor.h"

namespace diffbio::ops {

at::Tensor ReadTensors::preprocessed() const { return oneHot * baseWeights.unsqueeze(-1); }

ReadTensors readTensorsFromBatch(const data::ReadBatch& batch, std::optional<std::int64_t> fixedLength) {
  ReadTensors reads;
  reads.names.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) reads.names.emplace_back(batch.name(i));
  reads.oneHot = data::oneHotTensor(batch, fixedLength);
  reads.phred = data::phredTensor(batch, fixedLength);
  reads.mask = data::lengthMask(batch, fixedLength).to(at::kFloat);
  reads.baseWeights = reads.mask.clone();
  reads.readWeights = at::ones({reads.oneHot.size(0)}, at::kFloat);
  return reads;
}

ReadTensors simulateSeedReads(std::int64_t reads, std::int64_t length, std::uint64_t seed) {
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  ReadTensors out;
  const at::Tensor bases = at::randint(0, 4, {reads, length}, generator, at::kLong);
  out.oneHot = at::one_hot(bases, 4).to(at::kFloat);
  const at::Tensor position = at::arange(length, at::kFloat) / static_cast<double>(length);
  const at::Tensor baseQuality = 35.0 - 15.0 * position;
  const at::Tensor readNoise = at::normal(0.0, 3.0, {reads, 1}, generator);
  const at::Tensor positionNoise = at::normal(0.0, 5.0, {reads, length}, generator);
  out.phred = at::clamp(baseQuality.unsqueeze(0) + readNoise + positionNoise, 2.0, 41.0).to(at::kFloat);
  out.mask = at::ones({reads, length}, at::kFloat);
  out.baseWeights = out.mask.clone();
  out.readWeights = at::ones({reads}, at::kFloat);
  return out;
}

}  // namespace diffbio::ops

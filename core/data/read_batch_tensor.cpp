#include "core/data/read_batch_tensor.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

namespace diffbio::data {

namespace {

std::int64_t paddedLength(const ReadBatch& batch, std::optional<std::int64_t> fixedLength) {
  if (!fixedLength) return static_cast<std::int64_t>(batch.maxLength());
  if (*fixedLength < 0) throw std::invalid_argument("read tensors: a fixed length must not be negative");
  return *fixedLength;
}

// How many positions of read i are real bases once padded/cut to L.
std::int64_t usedLength(const ReadBatch& batch, std::size_t i, std::int64_t L) {
  return std::min<std::int64_t>(static_cast<std::int64_t>(batch.length(i)), L);
}

// Channel of each byte: 0..3 for A, C, G, T in either case, -1 for anything else (N).
std::array<std::int8_t, 256> makeChannelTable() {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  const char* bases = "ACGT";
  for (int channel = 0; channel < 4; ++channel) {
    table[static_cast<unsigned char>(bases[channel])] = static_cast<std::int8_t>(channel);
    table[static_cast<unsigned char>(bases[channel] - 'A' + 'a')] = static_cast<std::int8_t>(channel);
  }
  return table;
}

}  // namespace

at::Tensor oneHotTensor(const ReadBatch& batch, std::optional<std::int64_t> fixedLength) {
  static const std::array<std::int8_t, 256> channelOf = makeChannelTable();
  const auto n = static_cast<std::int64_t>(batch.size());
  const std::int64_t L = paddedLength(batch, fixedLength);
  at::Tensor out = at::zeros({n, L, 4}, at::kFloat);
  float* data = out.data_ptr<float>();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::string_view bases = batch.sequence(i);
    float* row = data + static_cast<std::int64_t>(i) * L * 4;
    const std::int64_t used = usedLength(batch, i, L);
    for (std::int64_t j = 0; j < used; ++j) {
      const int channel = channelOf[static_cast<unsigned char>(bases[j])];
      if (channel >= 0) row[j * 4 + channel] = 1.0f;
    }
  }
  return out;
}

at::Tensor phredTensor(const ReadBatch& batch, std::optional<std::int64_t> fixedLength) {
  const auto n = static_cast<std::int64_t>(batch.size());
  const std::int64_t L = paddedLength(batch, fixedLength);
  const int offset = qualityOffset(batch.qualityEncoding());
  at::Tensor out = at::zeros({n, L}, at::kFloat);
  float* data = out.data_ptr<float>();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::string_view quality = batch.quality(i);
    float* row = data + static_cast<std::int64_t>(i) * L;
    const std::int64_t used = usedLength(batch, i, L);
    for (std::int64_t j = 0; j < used; ++j) row[j] = static_cast<float>(static_cast<unsigned char>(quality[j]) - offset);
  }
  return out;
}

at::Tensor lengthMask(const ReadBatch& batch, std::optional<std::int64_t> fixedLength) {
  const auto n = static_cast<std::int64_t>(batch.size());
  const std::int64_t L = paddedLength(batch, fixedLength);
  at::Tensor out = at::zeros({n, L}, at::kBool);
  bool* data = out.data_ptr<bool>();
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::fill_n(data + static_cast<std::int64_t>(i) * L, usedLength(batch, i, L), true);
  }
  return out;
}

}  // namespace diffbio::data

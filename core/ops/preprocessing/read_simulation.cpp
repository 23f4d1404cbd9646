#include "core/ops/preprocessing/read_simulation.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include "core/data/read_batch.h"

namespace diffbio::ops {

namespace {

constexpr char kBases[] = "ACGT";

// Draws from the 64-bit Mersenne Twister with `% n` (not std::uniform_int_distribution, whose algorithm differs
// between standard libraries): the same seed gives the same reads everywhere.
struct Draw {
  std::mt19937_64 engine;
  explicit Draw(std::uint64_t seed) : engine(seed) {}
  std::int64_t below(std::int64_t n) { return static_cast<std::int64_t>(engine() % static_cast<std::uint64_t>(n)); }
  double unit() { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }
  char base() { return kBases[below(4)]; }
  char otherBase(char than) {
    char b = than;
    while (b == than) b = base();
    return b;
  }
  std::string sequence(std::int64_t length) {
    std::string s(static_cast<std::size_t>(length), 'A');
    for (auto& c : s) c = base();
    return s;
  }
  // `count` distinct positions in [from, to), substituted by another base.
  void substitute(std::string& s, std::int64_t from, std::int64_t to, int count) {
    std::vector<std::int64_t> positions(static_cast<std::size_t>(std::max<std::int64_t>(0, to - from)));
    std::iota(positions.begin(), positions.end(), from);
    count = std::min<int>(count, static_cast<int>(positions.size()));
    for (int k = 0; k < count; ++k) {  // partial Fisher-Yates
      std::swap(positions[static_cast<std::size_t>(k)],
                positions[static_cast<std::size_t>(k + below(static_cast<std::int64_t>(positions.size()) - k))]);
      auto& c = s[static_cast<std::size_t>(positions[static_cast<std::size_t>(k)])];
      c = otherBase(c);
    }
  }
};

ReadTensors tensorsOf(const std::vector<std::string>& sequences, const std::string& prefix) {
  data::ReadBatch batch;
  for (std::size_t i = 0; i < sequences.size(); ++i)
    batch.append(prefix + std::to_string(i + 1), sequences[i], std::string(sequences[i].size(), 'D'));  // Phred 35
  return readTensorsFromBatch(batch);
}

}  // namespace

ReadTensors simulateAdapterReads(const AdapterSimulation& o) {
  if (o.reads < 1 || o.adapter.empty() || o.minAdapterBases < 1 || o.length < o.minAdapterBases)
    throw std::invalid_argument("adapter simulation: need reads >= 1, an adapter, 1 <= min_adapter_bases <= length");
  if (o.maxMismatches < 0 || o.maxMismatches >= o.minAdapterBases)
    throw std::invalid_argument("adapter simulation: max_mismatches must be below min_adapter_bases");
  Draw draw(o.seed);
  const auto adapterLength = static_cast<std::int64_t>(o.adapter.size());
  std::vector<std::string> sequences;
  std::vector<std::int64_t> starts;
  for (std::int64_t i = 0; i < o.reads; ++i) {
    std::string read = draw.sequence(o.length);
    std::int64_t start = o.length;
    if (draw.unit() < o.adapterFraction) {
      start = draw.below(o.length - o.minAdapterBases + 1);
      const std::int64_t visible = std::min(adapterLength, o.length - start);
      read.replace(static_cast<std::size_t>(start), static_cast<std::size_t>(visible), o.adapter, 0,
                   static_cast<std::size_t>(visible));
      draw.substitute(read, start, start + visible, static_cast<int>(draw.below(o.maxMismatches + 1)));
    }
    sequences.push_back(std::move(read));
    starts.push_back(start);
  }
  ReadTensors out = tensorsOf(sequences, "adapter_sim_");
  out.trueAdapterStart = at::tensor(starts, at::kLong);
  return out;
}

ReadTensors simulateDuplicateReads(const DuplicateSimulation& o) {
  if (o.families < 1 || o.maxCopies < 1 || o.prefix < 0 || o.length <= o.prefix)
    throw std::invalid_argument("duplicate simulation: need families >= 1, max_copies >= 1, length > prefix >= 0");
  if (o.maxCopyErrors < 0 || o.siblingDifferences < 1)
    throw std::invalid_argument("duplicate simulation: copy errors >= 0 and sibling differences >= 1");
  Draw draw(o.seed);
  std::vector<std::string> molecules;
  for (std::int64_t f = 0; f < o.families; ++f) {
    if (f > 0 && draw.unit() < o.siblingFraction) {
      std::string sibling = molecules[static_cast<std::size_t>(draw.below(f))];
      draw.substitute(sibling, o.prefix, o.length, o.siblingDifferences);
      molecules.push_back(std::move(sibling));
    } else {
      molecules.push_back(draw.sequence(o.length));
    }
  }
  struct Read {
    std::string sequence;
    std::int64_t family;
  };
  std::vector<Read> reads;
  for (std::int64_t f = 0; f < o.families; ++f) {
    const auto copies = 1 + draw.below(o.maxCopies);
    for (std::int64_t c = 0; c < copies; ++c) {
      std::string read = molecules[static_cast<std::size_t>(f)];
      if (c > 0) draw.substitute(read, o.prefix, o.length, static_cast<int>(draw.below(o.maxCopyErrors + 1)));
      reads.push_back({std::move(read), f});
    }
  }
  for (std::size_t i = reads.size(); i > 1; --i)  // shuffle: copies are not neighbours in a file
    std::swap(reads[i - 1], reads[static_cast<std::size_t>(draw.below(static_cast<std::int64_t>(i)))]);
  std::vector<std::string> sequences;
  std::vector<std::int64_t> families;
  for (auto& read : reads) {
    sequences.push_back(std::move(read.sequence));
    families.push_back(read.family);
  }
  ReadTensors out = tensorsOf(sequences, "duplicate_sim_");
  out.duplicateFamily = at::tensor(families, at::kLong);
  return out;
}

}  // namespace diffbio::ops

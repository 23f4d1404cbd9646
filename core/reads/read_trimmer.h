#pragma once
// One read through cutadapt's order of operations: 3' (and optionally 5') quality trimming first, then the 3'
// adapter search on what is left, removing the adapter and everything after it.
#include <cstddef>
#include <optional>
#include <string_view>

#include "core/reads/adapter_aligner.h"

namespace diffbio::reads {

struct ReadTrimSettings {
  int qualityCutoffFront = 0;  // 0 = no 5' quality trimming
  int qualityCutoffBack = 0;   // 0 = no 3' quality trimming
  int qualityOffset = 33;
  std::optional<AdapterAligner> adapter;
};

struct ReadTrimResult {
  std::size_t start = 0;  // kept part of the read: [start, stop)
  std::size_t stop = 0;
  std::size_t qualityTrimmedBases = 0;
  std::optional<AdapterAlignment> adapter;  // read positions relative to the quality-trimmed read
  std::size_t adapterRemovedBases = 0;      // adapter plus anything after it
  std::size_t length() const { return stop - start; }
};

class ReadTrimmer {
 public:
  explicit ReadTrimmer(ReadTrimSettings settings) : settings_(std::move(settings)) {}
  ReadTrimResult trim(std::string_view sequence, std::string_view qualities) const;
  const ReadTrimSettings& settings() const { return settings_; }

 private:
  ReadTrimSettings settings_;
};

}  // namespace diffbio::reads

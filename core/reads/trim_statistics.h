#pragma once
// What trimming did, counted per mate and merged across worker threads: the figures of cutadapt's report (reads and
// bases in and out, bases quality-trimmed, reads with adapters, removed lengths with their error counts, the base
// before each adapter) plus per-position quality and length distributions for the QC plots.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/reads/read_trimmer.h"

namespace diffbio::reads {

constexpr int kMaxPhred = 93;  // '~' in Phred+33

// Quality characters counted by position and Phred score; mean, standard deviation and fractions follow from it.
class PositionQuality {
 public:
  void add(std::string_view qualities, int offset);
  void merge(const PositionQuality& other);
  std::size_t positions() const { return counts_.size(); }
  std::uint64_t bases(std::size_t position) const;
  double mean(std::size_t position) const;
  double standardDeviation(std::size_t position) const;  // population SD; 0 with fewer than two bases
  std::uint64_t totalBases() const;
  double overallMean() const;
  double fractionAtLeast(int phred) const;  // of all bases

 private:
  std::vector<std::array<std::uint64_t, kMaxPhred + 1>> counts_;
};

struct MateStatistics {
  std::uint64_t readsIn = 0;
  std::uint64_t basesIn = 0;
  std::uint64_t basesQualityTrimmed = 0;
  std::uint64_t readsWithAdapter = 0;
  std::uint64_t basesAdapterTrimmed = 0;
  std::uint64_t readsOut = 0;
  std::uint64_t basesOut = 0;
  // removedByLength[length][errors]: reads whose adapter match removed `length` bases with that many errors.
  std::vector<std::vector<std::uint64_t>> removedByLength;
  std::array<std::uint64_t, 5> precedingBase{};  // A, C, G, T, other/none
  std::vector<std::uint64_t> adapterStarts;      // by position in the original read
  std::vector<std::uint64_t> lengthsOut;         // histogram of written read lengths
  PositionQuality qualityIn;
  PositionQuality qualityOut;

  // Everything that does not depend on the filter; `kept` says whether the read (pair) is written.
  void countRead(std::string_view sequence, std::string_view qualities, int offset, const ReadTrimResult& result);
  void countWritten(std::string_view qualitiesKept, int offset);
  void merge(const MateStatistics& other);
};

struct TrimStatistics {
  bool paired = false;
  std::uint64_t readsIn = 0;   // reads, or pairs
  std::uint64_t tooShort = 0;  // reads (pairs) dropped by the minimum length
  std::uint64_t tooLong = 0;   // reads (pairs) dropped by the maximum length
  std::uint64_t readsOut = 0;  // reads (pairs) written
  MateStatistics first;
  MateStatistics second;       // paired only

  void merge(const TrimStatistics& other);
};

}  // namespace diffbio::reads

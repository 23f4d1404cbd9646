#pragma once
// Quality trimming with BWA's algorithm, as cutadapt applies it (its quality_trim_index).
//
// For the 3' end: walk from the last base towards the first, adding (cutoff - Phred) to a running sum; stop as soon
// as the sum turns negative; cut at the position where the sum was largest. The 5' end works the same way from the
// first base. Bases are never examined beyond the point where the sum goes negative, so a single good base in a bad
// tail is trimmed together with it, as BWA and cutadapt do.
#include <cstddef>
#include <string_view>

namespace diffbio::reads {

struct QualityTrimRange {
  std::size_t start = 0;  // first base kept
  std::size_t stop = 0;   // one past the last base kept; start == stop == 0 when nothing is left
};

// `qualities` are the raw characters; `offset` is 33 or 64. A cutoff of 0 leaves that end untouched (a Phred score
// is never negative). When the 5' and 3' cuts cross, the whole read is removed ({0, 0}), as in cutadapt.
QualityTrimRange qualityTrimIndex(std::string_view qualities, int cutoffFront, int cutoffBack, int offset);

}  // namespace diffbio::reads

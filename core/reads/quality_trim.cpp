#include "core/reads/quality_trim.h"

namespace diffbio::reads {

QualityTrimRange qualityTrimIndex(std::string_view qualities, int cutoffFront, int cutoffBack, int offset) {
  const std::size_t n = qualities.size();
  std::size_t start = 0;
  std::size_t stop = n;

  int sum = 0;
  int best = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sum += cutoffFront - (static_cast<unsigned char>(qualities[i]) - offset);
    if (sum < 0) break;
    if (sum > best) {
      best = sum;
      start = i + 1;
    }
  }

  sum = 0;
  best = 0;
  for (std::size_t i = n; i-- > 0;) {
    sum += cutoffBack - (static_cast<unsigned char>(qualities[i]) - offset);
    if (sum < 0) break;
    if (sum > best) {
      best = sum;
      stop = i;
    }
  }
  if (start >= stop) return {0, 0};
  return {start, stop};
}

}  // namespace diffbio::reads

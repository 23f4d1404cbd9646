#include "core/reads/read_trimmer.h"

#include "core/reads/quality_trim.h"

namespace diffbio::reads {

ReadTrimResult ReadTrimmer::trim(std::string_view sequence, std::string_view qualities) const {
  ReadTrimResult result;
  result.start = 0;
  result.stop = sequence.size();
  if (settings_.qualityCutoffFront > 0 || settings_.qualityCutoffBack > 0) {
    const QualityTrimRange range = qualityTrimIndex(qualities, settings_.qualityCutoffFront,
                                                    settings_.qualityCutoffBack, settings_.qualityOffset);
    result.start = range.start;
    result.stop = range.stop;
    result.qualityTrimmedBases = sequence.size() - (range.stop - range.start);
  }
  if (settings_.adapter) {
    const std::string_view rest = sequence.substr(result.start, result.stop - result.start);
    result.adapter = settings_.adapter->locate(rest);
    if (result.adapter) {
      const std::size_t cut = result.start + static_cast<std::size_t>(result.adapter->readStart);
      result.adapterRemovedBases = result.stop - cut;
      result.stop = cut;
    }
  }
  return result;
}

}  // namespace diffbio::reads

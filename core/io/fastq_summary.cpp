// The read counts and length range shown by `diffbio info`, computed by streaming the whole file in chunks.
#include <algorithm>

#include "core/io/fastq.h"

namespace diffbio::io {

namespace {

constexpr std::size_t kSummaryChunk = 16384;  // reads per chunk: a few MB whatever the file size

void addBatch(FastqSummary& summary, const ReadBatch& batch, bool& first) {
  if (batch.empty()) return;
  summary.minLength = first ? batch.minLength() : std::min(summary.minLength, batch.minLength());
  summary.maxLength = std::max(summary.maxLength, batch.maxLength());
  summary.totalBases += batch.totalBases();
  first = false;
}

}  // namespace

FastqSummary summarizeFastq(const std::string& path) {
  FastqReader reader(path);
  FastqSummary summary;
  summary.gzip = reader.compressed();
  summary.encoding = reader.encoding();
  ReadBatch batch;
  bool first = true;
  while (reader.next(batch, kSummaryChunk)) {
    summary.reads += batch.size();
    addBatch(summary, batch, first);
  }
  return summary;
}

FastqSummary summarizePairedFastq(const std::string& r1Path, const std::string& r2Path) {
  PairedFastqReader reader(r1Path, r2Path);
  FastqSummary summary;
  summary.gzip = reader.first().compressed();
  summary.encoding = reader.encoding();
  ReadBatch r1, r2;
  bool first = true;
  while (reader.next(r1, r2, kSummaryChunk)) {
    summary.reads += r1.size();
    addBatch(summary, r1, first);
    addBatch(summary, r2, first);
  }
  return summary;
}

}  // namespace diffbio::io

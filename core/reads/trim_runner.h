#pragma once
// `diffbio reads trim` as a library call: stream single or paired FASTQ(.gz) through the exact trimmer with a
// reader (the calling thread), worker threads that trim and format (and gzip-compress) chunks of reads, and a writer
// thread that writes the chunks in input order. Memory stays constant: a fixed pool of chunks circulates between
// them. Outputs appear only when the whole run succeeded (AtomicOutputPath); an error in any input leaves no output.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/data/read_batch.h"
#include "core/reads/read_trimmer.h"
#include "core/reads/trim_statistics.h"

namespace diffbio {
class CancelToken;
}

namespace diffbio::reads {

struct TrimJob {
  std::string input1;
  std::string input2;   // empty for single-end
  std::string output1;  // gzip when the name ends in .gz
  std::string output2;  // paired only
  // Qualities offset for trimming and statistics; Phred+33 unless forced otherwise (cutadapt's default). Unset =
  // detect from the first reads.
  std::optional<data::QualityEncoding> encoding = data::QualityEncoding::Phred33;
  int qualityCutoffFront = 0;
  int qualityCutoffBack = 0;
  std::optional<AdapterSequence> adapter1;
  std::optional<AdapterSequence> adapter2;  // paired: the adapter searched in read 2
  double maxErrors = 0.1;                   // rate (< 1) or number of errors (>= 1)
  int minOverlap = 3;
  std::size_t minLength = 0;                // reads (pairs, when either mate is shorter) below it are dropped
  std::optional<std::size_t> maxLength;
  int threads = 1;                          // worker threads
  // libdeflate level for .gz outputs. 1 by default: with libdeflate it compresses 2-3x faster than level 4-6 for
  // ~7 % larger files, the trade-off of cutadapt's -Z (its own default is 4).
  int compressionLevel = 1;
  std::size_t chunkReads = 4096;
  const CancelToken* cancel = nullptr;
};

// Throws InputError for bad input (with the read number) or unwritable outputs, std::invalid_argument for bad
// settings, Cancelled when the token fires.
TrimStatistics runTrim(const TrimJob& job);

}  // namespace diffbio::reads

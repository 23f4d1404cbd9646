#pragma once
// FASTQ reading and writing at constant memory.
//
// Accepted input: 4-line records ("@name", bases, "+" optionally repeating the name, qualities), plain or gzip
// (detected by magic bytes), LF or CRLF line ends, with or without a final newline, blank lines only at the very end.
// Reads of length 0 are valid. Multi-line (wrapped) FASTQ is rejected with a message saying how to reformat it.
// Bases must be A, C, G, T or N in either case: other IUPAC codes are rejected (read number, line, column and the
// character are named), because downstream one-hot encoding and adapter matching only know these five.
// Quality characters must lie in '!'..'~' (ASCII 33..126), one per base.
//
// Quality encoding. Unless forced, it is detected from the first reads (up to kEncodingScanReads reads or
// kEncodingScanBytes bytes) by the range of their quality characters — see detectQualityEncoding(). Under Phred+64,
// a later character below '@' is an error that suggests forcing Phred+33.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/data/read_batch.h"
#include "core/io/atomic_output.h"
#include "core/io/text_source.h"

namespace diffbio::io {

using data::QualityEncoding;
using data::qualityEncodingName;
using data::qualityOffset;
using data::ReadBatch;

constexpr std::size_t kEncodingScanReads = 10000;
constexpr std::size_t kEncodingScanBytes = 4 << 20;

// The detection rule, from the lowest and highest quality character seen:
//   - any character below ';' (59)              -> Phred+33 (impossible in Phred+64, even in old Solexa files);
//   - all characters >= '@' (64) and some >= 'K' (75) -> Phred+64 (Phred+33 would mean every base >= Q31 and some
//     >= Q42, which Illumina instruments do not produce);
//   - anything else, including no qualities at all -> Phred+33, the encoding of every current instrument.
QualityEncoding detectQualityEncoding(unsigned char lowest, unsigned char highest);

struct FastqReadOptions {
  std::optional<QualityEncoding> encoding;  // force an encoding instead of detecting it
};

class FastqReader {
 public:
  explicit FastqReader(std::string path, FastqReadOptions options = {});

  // Replaces `out` with the next up to `maxReads` reads (fewer only at the end of the file). Returns false when no
  // read is left. Throws InputError naming the file, line, read number and the fix for malformed input.
  bool next(ReadBatch& out, std::size_t maxReads);

  // The encoding in force: forced, or detected from the first reads (reading them ahead if needed).
  QualityEncoding encoding();
  // Quality characters of the reads that detection looks at: {lowest, highest}; {255, 0} when there are none.
  // A paired reader uses both files' ranges to decide once for the pair.
  std::pair<unsigned char, unsigned char> scannedQualityRange();
  // Before the first next() only (std::logic_error otherwise); reads already parsed ahead are checked against it.
  void setEncoding(QualityEncoding encoding);

  const std::string& path() const { return source_.path(); }
  bool compressed() const { return source_.compressed(); }
  std::uint64_t readsDelivered() const { return delivered_; }  // reads handed out by next() so far

 private:
  bool parseRecord(ReadBatch& out);  // false at the end of the input
  bool nextLine(std::string_view& line);
  void checkBases(std::string_view line, long lineNumber) const;
  void checkQualities(std::string_view line, long lineNumber);  // also tracks the lowest/highest character seen
  void scanAhead();                  // fills lookahead_ with the first reads for encoding detection
  void finishTrailingBlankLines();
  [[noreturn]] void failBelowPhred64(std::uint64_t read, long line, std::size_t position, unsigned char c) const;
  [[noreturn]] void fail(long line, long column, const std::string& problem, const std::string& fix) const;

  TextSource source_;
  std::optional<QualityEncoding> encoding_;
  bool encodingForced_ = false;      // by the caller's options, rather than detected or set for a pair
  bool scanned_ = false;
  ReadBatch lookahead_;              // reads parsed ahead for detection, handed out first
  std::size_t lookaheadNext_ = 0;
  unsigned char lowestAllowed_ = '!';  // '@' under Phred+64
  unsigned char lowestQuality_ = 255;  // over every read parsed so far
  unsigned char highestQuality_ = 0;
  unsigned char scannedLowest_ = 255;  // over the reads parsed ahead for detection
  unsigned char scannedHighest_ = 0;
  std::uint64_t parsed_ = 0;         // records parsed so far (the number of the record being parsed is parsed_ + 1)
  std::uint64_t delivered_ = 0;
  std::string name_;                 // the current record's name and bases, copied because the source's line views
  std::string bases_;                //   do not survive the next line
  bool finished_ = false;
};

// Two FASTQ files of a pair read in lockstep. Each batch pair has the same count; names must match after removing
// anything from the first whitespace on and a trailing "/1" or "/2". The quality encoding is decided once for both
// files (from both files' first reads) unless forced.
class PairedFastqReader {
 public:
  PairedFastqReader(std::string r1Path, std::string r2Path, FastqReadOptions options = {});

  bool next(ReadBatch& r1, ReadBatch& r2, std::size_t maxPairs);
  QualityEncoding encoding() { return first_.encoding(); }
  FastqReader& first() { return first_; }
  FastqReader& second() { return second_; }

 private:
  FastqReader first_;
  FastqReader second_;
  std::uint64_t pairs_ = 0;
};

// The part of a read name that must agree between mates: up to the first whitespace, without a trailing /1 or /2.
std::string_view mateName(std::string_view name);

// Writes 4-line FASTQ ("@name", bases, "+", qualities); gzip when the path ends in ".gz". Nothing appears under the
// path until commit(); if the writer is destroyed before that (an error), no file is left behind.
class FastqWriter {
 public:
  explicit FastqWriter(std::string path, int gzipLevel = 6);

  void write(const ReadBatch& batch);
  // Throws std::invalid_argument if the lengths differ or a field contains a line break (a programming error).
  void write(std::string_view name, std::string_view sequence, std::string_view quality);
  void commit();
  std::uint64_t readsWritten() const { return written_; }

 private:
  AtomicOutputFile out_;
  std::uint64_t written_ = 0;
};

struct FastqSummary {
  std::uint64_t reads = 0;       // reads, or pairs for a paired summary
  std::size_t minLength = 0;     // over all reads (both mates for a pair); 0 when there are none
  std::size_t maxLength = 0;
  std::uint64_t totalBases = 0;  // both mates for a pair
  QualityEncoding encoding = QualityEncoding::Phred33;
  bool gzip = false;             // for a pair: the first file is gzip-compressed
};

// Reads the whole file (or pair) at constant memory; throws InputError for malformed input.
FastqSummary summarizeFastq(const std::string& path);
FastqSummary summarizePairedFastq(const std::string& r1Path, const std::string& r2Path);

}  // namespace diffbio::io

// FastqReader and PairedFastqReader: strict 4-line FASTQ over TextSource, with quality-encoding detection.
#include "core/io/fastq.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/util/error.h"

namespace diffbio::io {

namespace {

constexpr unsigned char kLowestQuality = '!';   // Phred+33 Q0
constexpr unsigned char kHighestQuality = '~';  // Q93 in Phred+33, the top of printable ASCII

const char* const kFourLineFix =
    "every record must be exactly 4 lines: '@name', the bases, '+', the qualities. Wrapped (multi-line) FASTQ can be "
    "rewritten as 4-line FASTQ with `seqtk seq in.fq > out.fq`";

constexpr std::array<bool, 256> makeBaseTable() {
  std::array<bool, 256> table{};
  for (const char c : std::string_view("ACGTNacgtn")) table[static_cast<unsigned char>(c)] = true;
  return table;
}
constexpr std::array<bool, 256> kIsBase = makeBaseTable();

// A byte as a user can read it in a message: 'X' when printable, otherwise its code.
std::string describeByte(unsigned char c) {
  if (c >= 32 && c < 127) return std::string("'") + static_cast<char>(c) + "'";
  static const char* hex = "0123456789ABCDEF";
  return std::string("byte 0x") + hex[c >> 4] + hex[c & 15];
}

// The start of a line for a message, with unprintable bytes replaced, so a binary line cannot garble the terminal.
std::string excerpt(std::string_view line) {
  constexpr std::size_t kShown = 40;
  std::string text;
  for (std::size_t i = 0; i < line.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    text += (c >= 32 && c < 127) ? static_cast<char>(c) : '?';
  }
  if (line.size() > kShown) text += "...";
  return "'" + text + "'";
}

std::string readLabel(std::uint64_t read, long line) {
  return "read " + std::to_string(read) + " (line " + std::to_string(line) + "): ";
}

bool allBases(std::string_view line) {
  for (const char c : line)
    if (!kIsBase[static_cast<unsigned char>(c)]) return false;
  return true;
}

}  // namespace

QualityEncoding detectQualityEncoding(unsigned char lowest, unsigned char highest) {
  if (lowest > highest) return QualityEncoding::Phred33;  // no quality characters seen
  if (lowest < ';') return QualityEncoding::Phred33;
  if (lowest >= '@' && highest >= 'K') return QualityEncoding::Phred64;
  return QualityEncoding::Phred33;
}

std::string_view mateName(std::string_view name) {
  const std::size_t space = name.find_first_of(" \t");
  if (space != std::string_view::npos) name = name.substr(0, space);
  if (name.size() >= 2 && name[name.size() - 2] == '/' && (name.back() == '1' || name.back() == '2')) {
    name.remove_suffix(2);
  }
  return name;
}

// ---------------------------------------------------------------------------------------------------------------
// FastqReader

FastqReader::FastqReader(std::string path, FastqReadOptions options) : source_(std::move(path)) {
  encodingForced_ = options.encoding.has_value();
  if (options.encoding) setEncoding(*options.encoding);
}

void FastqReader::fail(long line, long column, const std::string& problem, const std::string& fix) const {
  throw InputError({source_.path(), line, column}, readLabel(parsed_ + 1, line) + problem, fix);
}

bool FastqReader::nextLine(std::string_view& line) {
  try {
    return source_.nextLine(line);
  } catch (const InputError& error) {  // e.g. a truncated gzip archive: add which read was being read
    throw InputError(error.where(), "read " + std::to_string(parsed_ + 1) + ": " + error.problem(), error.fix());
  }
}

bool FastqReader::parseRecord(ReadBatch& out) {
  if (finished_) return false;
  std::string_view line;
  if (!nextLine(line)) {
    finished_ = true;
    return false;
  }
  if (line.empty()) {
    finishTrailingBlankLines();
    return false;
  }

  // Header.
  const long headerLine = source_.lineNumber();
  if (line[0] != '@') {
    if (headerLine == 1 && line[0] == '>') {
      fail(1, 1, "this is FASTA (the first line starts with '>'), not FASTQ", "give reads with qualities (FASTQ)");
    }
    fail(headerLine, 1, "expected a record header starting with '@' but found " + excerpt(line),
         parsed_ == 0 ? std::string("give a FASTQ file (plain or gzip-compressed)") : std::string(kFourLineFix));
  }
  name_.assign(line.data() + 1, line.size() - 1);

  // Bases.
  if (!nextLine(line)) {
    fail(headerLine, 0, "the file ends after the header line; the record has no bases, '+' or qualities",
         "the file was probably cut short; obtain a complete copy");
  }
  const long basesLine = source_.lineNumber();
  checkBases(line, basesLine);
  bases_.assign(line);

  // Separator.
  if (!nextLine(line)) {
    fail(basesLine, 0, "the file ends after the bases; the record has no '+' line or qualities",
         "the file was probably cut short; obtain a complete copy");
  }
  const long plusLine = source_.lineNumber();
  if (line.empty() || line[0] != '+') {
    const bool wrapped = !line.empty() && allBases(line);
    fail(plusLine, 1,
         wrapped ? "the bases continue on a second line (multi-line FASTQ); expected the '+' line"
                 : "expected the '+' line after the bases but found " + excerpt(line),
         kFourLineFix);
  }
  if (line.size() > 1) {
    const std::string_view repeated = line.substr(1);
    if (repeated != name_ && mateName(repeated) != mateName(name_)) {
      fail(plusLine, 2, "the '+' line names " + excerpt(repeated) + " but the record header names " + excerpt(name_),
           "the '+' line may repeat the header's name or be just '+'; a different name means records are out of step");
    }
  }

  // Qualities.
  if (!nextLine(line)) {
    fail(plusLine, 0, "the file ends after the '+' line; the record has no qualities",
         "the file was probably cut short; obtain a complete copy");
  }
  const long qualityLine = source_.lineNumber();
  if (line.size() != bases_.size()) {
    fail(qualityLine, 0,
         "the record has " + std::to_string(bases_.size()) + " bases but " + std::to_string(line.size()) +
             " quality characters",
         "each base needs exactly one quality character on the line after '+'; the file is corrupt or was edited");
  }
  checkQualities(line, qualityLine);
  out.append(name_, bases_, line);
  ++parsed_;
  return true;
}

void FastqReader::checkBases(std::string_view line, long lineNumber) const {
  for (std::size_t j = 0; j < line.size(); ++j) {
    const auto c = static_cast<unsigned char>(line[j]);
    if (kIsBase[c]) continue;
    fail(lineNumber, static_cast<long>(j) + 1,
         "the bases contain " + describeByte(c) + " at position " + std::to_string(j + 1) +
             "; DiffBio accepts only A, C, G, T and N (either case)",
         line[0] == '@' || line[0] == '+'  // a header or separator where bases belong: records are out of step
             ? std::string(kFourLineFix)
             : std::string("replace other characters (IUPAC codes such as R or Y, or '.') by N, e.g. "
                           "`sed -E '2~4 s/[^ACGTNacgtn]/N/g' in.fq > out.fq`"));
  }
}

void FastqReader::checkQualities(std::string_view line, long lineNumber) {
  unsigned char lowest = 255, highest = 0;
  for (const char c : line) {  // min/max without a branch per byte: the compiler vectorises this loop
    const auto u = static_cast<unsigned char>(c);
    lowest = std::min(lowest, u);
    highest = std::max(highest, u);
  }
  if (!line.empty() && (lowest < lowestAllowed_ || highest > kHighestQuality)) {
    // Rare path: find the first offending character to name it.
    for (std::size_t j = 0; j < line.size(); ++j) {
      const auto c = static_cast<unsigned char>(line[j]);
      const bool printable = c >= kLowestQuality && c <= kHighestQuality;
      if (printable && c >= lowestAllowed_) continue;
      if (printable) failBelowPhred64(parsed_ + 1, lineNumber, j, c);
      fail(lineNumber, static_cast<long>(j) + 1,
           "quality " + describeByte(c) + " at position " + std::to_string(j + 1) +
               " is outside the printable range '!'..'~' of FASTQ qualities",
           "the quality line is corrupt; re-create the file from the sequencer output");
    }
  }
  lowestQuality_ = std::min(lowestQuality_, lowest);
  highestQuality_ = std::max(highestQuality_, highest);
}

void FastqReader::finishTrailingBlankLines() {
  // Blank lines are tolerated at the very end (editors add them); anywhere else they shift records out of step.
  const long firstBlank = source_.lineNumber();
  std::string_view line;
  while (nextLine(line)) {
    if (!line.empty()) {
      fail(firstBlank, 0, "a blank line between records", "remove blank lines; " + std::string(kFourLineFix));
    }
  }
  finished_ = true;
}

void FastqReader::scanAhead() {
  if (scanned_) return;
  while (lookahead_.size() < kEncodingScanReads && lookahead_.bytesUsed() < kEncodingScanBytes &&
         parseRecord(lookahead_)) {
  }
  scannedLowest_ = lowestQuality_;
  scannedHighest_ = highestQuality_;
  scanned_ = true;
}

std::pair<unsigned char, unsigned char> FastqReader::scannedQualityRange() {
  scanAhead();
  return {scannedLowest_, scannedHighest_};
}

QualityEncoding FastqReader::encoding() {
  if (!encoding_) {
    scanAhead();
    setEncoding(detectQualityEncoding(scannedLowest_, scannedHighest_));
  }
  return *encoding_;
}

void FastqReader::setEncoding(QualityEncoding encoding) {
  if (delivered_ > 0) throw std::logic_error("FastqReader::setEncoding after reads were delivered");
  encoding_ = encoding;
  lowestAllowed_ = encoding == QualityEncoding::Phred64 ? '@' : kLowestQuality;
  if (lowestAllowed_ <= lowestQuality_) return;
  // Reads already parsed ahead hold a quality below the offset: report the first one.
  for (std::size_t i = 0; i < lookahead_.size(); ++i) {
    const std::string_view quality = lookahead_.quality(i);
    for (std::size_t j = 0; j < quality.size(); ++j) {
      const auto c = static_cast<unsigned char>(quality[j]);
      if (c < lowestAllowed_) failBelowPhred64(i + 1, static_cast<long>(4 * i + 4), j, c);
    }
  }
}

void FastqReader::failBelowPhred64(std::uint64_t read, long line, std::size_t position, unsigned char c) const {
  const std::string problem = "quality " + describeByte(c) + " at position " + std::to_string(position + 1) +
                              " is below '@', the lowest Phred+64 quality";
  throw InputError({source_.path(), line, static_cast<long>(position) + 1},
                   readLabel(read, line) + problem +
                       (encodingForced_ ? "" : ", but the first reads of the file looked like Phred+64"),
                   encodingForced_ ? "the file is Phred+33: do not force Phred+64 (let DiffBio detect the encoding)"
                                   : "force Phred+33 if the file is Phred+33");
}

bool FastqReader::next(ReadBatch& out, std::size_t maxReads) {
  if (maxReads == 0) throw std::invalid_argument("FastqReader::next: maxReads must be at least 1");
  out.clear();
  out.setQualityEncoding(encoding());
  while (out.size() < maxReads && lookaheadNext_ < lookahead_.size()) out.appendFrom(lookahead_, lookaheadNext_++);
  if (!lookahead_.empty() && lookaheadNext_ == lookahead_.size()) {
    lookahead_ = ReadBatch();  // release its memory: the scan is only needed once
    lookaheadNext_ = 0;
  }
  while (out.size() < maxReads && parseRecord(out)) {
  }
  delivered_ += out.size();
  return !out.empty();
}

// ---------------------------------------------------------------------------------------------------------------
// PairedFastqReader

PairedFastqReader::PairedFastqReader(std::string r1Path, std::string r2Path, FastqReadOptions options)
    : first_(std::move(r1Path), options), second_(std::move(r2Path), options) {
  if (options.encoding) return;
  const auto [lowest1, highest1] = first_.scannedQualityRange();
  const auto [lowest2, highest2] = second_.scannedQualityRange();
  const QualityEncoding encoding = detectQualityEncoding(std::min(lowest1, lowest2), std::max(highest1, highest2));
  first_.setEncoding(encoding);
  second_.setEncoding(encoding);
}

bool PairedFastqReader::next(ReadBatch& r1, ReadBatch& r2, std::size_t maxPairs) {
  first_.next(r1, maxPairs);
  second_.next(r2, maxPairs);
  if (r1.size() != r2.size()) {
    // A reader returns fewer than maxPairs only at its end, so the smaller batch belongs to the shorter file.
    FastqReader& shorter = r1.size() < r2.size() ? first_ : second_;
    FastqReader& longer = r1.size() < r2.size() ? second_ : first_;
    throw InputError({shorter.path()},
                     "this file ends after " + std::to_string(shorter.readsDelivered()) +
                         " reads but its mate file " + longer.path() + " has more",
                     "the two files of a pair must hold the same reads in the same order; check that they belong "
                     "together and that neither was cut short");
  }
  for (std::size_t i = 0; i < r1.size(); ++i) {
    const std::string_view name1 = mateName(r1.name(i));
    const std::string_view name2 = mateName(r2.name(i));
    if (name1 == name2) continue;
    const std::uint64_t pair = pairs_ + i + 1;
    const long line = static_cast<long>(4 * (pair - 1) + 1);  // strict 4-line records: the header of read `pair`
    throw InputError({second_.path(), line},
                     readLabel(pair, line) + "the name " + excerpt(name2) + " does not match its mate " +
                         excerpt(name1) + " in " + first_.path() +
                         " (names are compared up to the first space, without a trailing /1 or /2)",
                     "the two files of a pair must hold the same reads in the same order; check that they belong "
                     "together (tools such as `seqkit pair` re-pair files that were filtered separately)");
  }
  pairs_ += r1.size();
  return !r1.empty();
}

}  // namespace diffbio::io

#include "core/io/mtx_parse.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <new>
#include <string_view>
#include <utility>
#include <vector>

#include "core/io/mtx_number.h"
#include "core/io/text_source.h"
#include "core/util/error.h"

namespace diffbio::io {

namespace {

using mtx::isBlank;

constexpr std::size_t kLongestLine = std::size_t(16) << 20;  // far beyond any real header, comment or entry line

constexpr const char* kEntryFix =
    "each line after the size line must be 'row column value' (whole-number indices from 1, a plain number value)";

std::string lowerCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

std::vector<std::string_view> splitBlanks(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && isBlank(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !isBlank(line[i])) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

// The token starting at `p` (up to the next blank or line end), for error messages.
std::string tokenAt(const char* p) {
  const char* end = p;
  while (!mtx::endsToken(*end) && end - p < 40) ++end;
  return std::string(p, end);
}

// Streams blocks from a TextSource into CSR. Lines are parsed from complete lines only: a line split across two
// blocks is completed in `carry` first, so no number is ever read from half a token.
class MtxParser {
 public:
  MtxParser(const std::string& path, MtxOrientation orientation)
      : source_(path), rowsAreGenes_(orientation == MtxOrientation::RowsAreGenes) {}

  MtxContent run();

 private:
  enum class Stage { Banner, Size, Entries };

  void parseLines(const char* p, const char* end);
  const char* headerLine(const char* p, const char* end);
  void parseBanner(std::string_view line);
  void parseSize(std::string_view line);
  void parseEntries(const char* p, const char* end);
  void becomeUnsorted();
  void finish();
  void groupRowsByObservation();
  void sortWithinRows();

  [[noreturn]] void failAt(const char* lineStart, const char* at, const std::string& problem,
                           const std::string& fix = kEntryFix) const {
    throw InputError({source_.path(), line_, static_cast<long>(at - lineStart) + 1}, problem, fix);
  }
  [[noreturn]] void failLine(const std::string& problem, const std::string& fix) const {
    throw InputError({source_.path(), line_}, problem, fix);
  }
  std::string sizeLineText() const { return "the size line (line " + std::to_string(sizeLine_) + ")"; }

  TextSource source_;
  bool rowsAreGenes_;
  Stage stage_ = Stage::Banner;
  long line_ = 0;
  long sizeLine_ = 0;
  MtxContent out_;
  std::uint64_t declared_ = 0;       // entries announced on the size line
  std::uint64_t count_ = 0;          // entries read so far
  std::int64_t currentRow_ = 0;      // CSR row of the latest entry while the stream is still grouped by row
  bool inOrder_ = true;
  std::vector<std::int32_t> rowOf_;  // CSR row of every entry; kept only once the stream is out of order
};

MtxContent MtxParser::run() {
  std::string carry;  // an incomplete last line of the previous block
  for (std::string_view block = source_.nextBlock(); !block.empty(); block = source_.nextBlock()) {
    const char* begin = block.data();
    const char* end = begin + block.size();
    if (!carry.empty()) {
      const auto* newline = static_cast<const char*>(std::memchr(begin, '\n', block.size()));
      if (!newline) {
        carry.append(begin, end);
        if (carry.size() > kLongestLine) {
          throw InputError({source_.path(), line_ + 1}, "this line is longer than 16 MB",
                           "a MatrixMarket file has short text lines; check that this is the right file");
        }
        continue;
      }
      carry.append(begin, newline + 1);
      parseLines(carry.data(), carry.data() + carry.size());
      carry.clear();
      begin = newline + 1;
    }
    const auto* lastNewline = static_cast<const char*>(memrchr(begin, '\n', static_cast<std::size_t>(end - begin)));
    if (!lastNewline) {
      carry.assign(begin, end);
      continue;
    }
    parseLines(begin, lastNewline + 1);
    carry.assign(lastNewline + 1, end);
  }
  if (!carry.empty()) {  // the last line has no final newline
    carry.push_back('\n');
    parseLines(carry.data(), carry.data() + carry.size());
  }
  finish();
  return std::move(out_);
}

void MtxParser::parseLines(const char* p, const char* end) {
  while (p < end && stage_ != Stage::Entries) p = headerLine(p, end);
  if (p < end) parseEntries(p, end);
}

const char* MtxParser::headerLine(const char* p, const char* end) {
  const auto* newline = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
  std::string_view line(p, static_cast<std::size_t>(newline - p));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++line_;
  if (stage_ == Stage::Banner) {
    parseBanner(line);
    stage_ = Stage::Size;
  } else {
    const auto words = splitBlanks(line);
    if (!words.empty() && words.front().front() != '%') parseSize(line);  // comments and blank lines are skipped
  }
  return newline + 1;
}

void MtxParser::parseBanner(std::string_view line) {
  const auto words = splitBlanks(line);
  constexpr const char* kBannerFix =
      "the first line must read '%%MatrixMarket matrix coordinate (integer|real|pattern) general'";
  if (words.empty() || lowerCase(words[0]) != "%%matrixmarket") {
    failLine("not a MatrixMarket file: the first line does not start with %%MatrixMarket", kBannerFix);
  }
  if (words.size() != 5) {
    failLine("the MatrixMarket banner has " + std::to_string(words.size()) + " words instead of 5", kBannerFix);
  }
  const std::string object = lowerCase(words[1]), format = lowerCase(words[2]), field = lowerCase(words[3]),
                    symmetry = lowerCase(words[4]);
  if (object != "matrix") failLine("unsupported MatrixMarket object '" + std::string(words[1]) + "'", kBannerFix);
  if (format == "array") {
    failLine("dense 'array' MatrixMarket files are not supported, only sparse 'coordinate' files",
             "save the matrix in coordinate format (e.g. scipy.io.mmwrite of a sparse matrix), or as a CSV table");
  }
  if (format != "coordinate") failLine("unknown MatrixMarket format '" + std::string(words[2]) + "'", kBannerFix);
  if (field == "integer") out_.field = MtxField::Integer;
  else if (field == "real" || field == "double") out_.field = MtxField::Real;
  else if (field == "pattern") out_.field = MtxField::Pattern;
  else failLine("unsupported MatrixMarket field '" + std::string(words[3]) + "' (complex values are not counts)",
                kBannerFix);
  if (symmetry != "general") {
    failLine("unsupported MatrixMarket symmetry '" + std::string(words[4]) + "'; count matrices are 'general'",
             "write the full matrix with symmetry 'general'");
  }
}

void MtxParser::parseSize(std::string_view line) {
  sizeLine_ = line_;
  constexpr const char* kSizeFix =
      "after the banner and '%' comment lines comes one line 'rows columns entries' of whole numbers";
  const auto words = splitBlanks(line);
  if (words.size() != 3) {
    failLine("the size line has " + std::to_string(words.size()) + " numbers instead of 3 (rows columns entries)",
             kSizeFix);
  }
  std::uint64_t numbers[3];
  for (int i = 0; i < 3; ++i) {
    std::string word(words[i]);
    word.push_back('\n');  // scanUnsigned stops at the newline
    const char* end = mtx::scanUnsigned(word.c_str(), numbers[i]);
    if (*end != '\n') failLine("the size line has '" + std::string(words[i]) + "', not a whole number", kSizeFix);
  }
  constexpr std::uint64_t kMaxDimension = std::numeric_limits<std::int32_t>::max();
  if (numbers[0] > kMaxDimension || numbers[1] > kMaxDimension) {
    failLine("the matrix is too large: at most 2,147,483,647 rows and columns are supported", kSizeFix);
  }
  out_.fileRows = static_cast<std::int64_t>(numbers[0]);
  out_.fileColumns = static_cast<std::int64_t>(numbers[1]);
  declared_ = numbers[2];
  const auto positions = static_cast<unsigned __int128>(numbers[0]) * numbers[1];
  if (declared_ > positions) {
    failLine("the size line declares " + std::to_string(declared_) + " entries, more than the " +
                 std::to_string(numbers[0]) + " x " + std::to_string(numbers[1]) + " matrix has positions",
             kSizeFix);
  }
  out_.nObs = rowsAreGenes_ ? out_.fileColumns : out_.fileRows;
  out_.nGenes = rowsAreGenes_ ? out_.fileRows : out_.fileColumns;
  // Exactly nnz entries: a file grouped by observation fills these in place and is never copied. An uncompressed
  // file cannot hold more entries than it has 4-byte lines ("1 1\n"), which bounds what a wrong size line reserves.
  std::uint64_t capacity = declared_;
  if (!source_.compressed()) {
    std::error_code error;
    const auto bytes = std::filesystem::file_size(source_.path(), error);
    if (!error) capacity = std::min<std::uint64_t>(capacity, bytes / 4 + 1);
  }
  try {
    out_.csr.indptr.assign(static_cast<std::size_t>(out_.nObs) + 1, 0);
    out_.csr.indices.reserve(capacity);
    out_.csr.values.reserve(capacity);
  } catch (const std::bad_alloc&) {
    failLine("not enough memory for the " + std::to_string(declared_) + " entries the size line declares",
             "check the size line; a matrix this large needs about 8 bytes per entry of free memory");
  } catch (const std::length_error&) {
    failLine("the size line declares more entries than can be held in memory", kSizeFix);
  }
  stage_ = Stage::Entries;
}

void MtxParser::parseEntries(const char* p, const char* end) {
  const auto rows = static_cast<std::uint64_t>(out_.fileRows);
  const auto columns = static_cast<std::uint64_t>(out_.fileColumns);
  const bool pattern = out_.field == MtxField::Pattern;
  auto& indices = out_.csr.indices;
  auto& values = out_.csr.values;
  std::int64_t* rowCounts = out_.csr.indptr.data() + 1;  // counts per CSR row, summed into row pointers at the end
  while (p < end) {
    const char* lineStart = p;
    ++line_;
    while (isBlank(*p)) ++p;
    if (*p == '\n' || *p == '\r' || *p == '%') {  // a blank line or a stray comment
      p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))) + 1;
      continue;
    }
    const char* rowText = p;
    std::uint64_t row = 0, column = 0;
    p = mtx::scanUnsigned(p, row);
    if (p == rowText) failAt(lineStart, p, "expected a row index (a whole number), found '" + tokenAt(p) + "'");
    if (!isBlank(*p)) failAt(lineStart, p, "expected a space and a column index after the row index");
    while (isBlank(*p)) ++p;
    const char* columnText = p;
    p = mtx::scanUnsigned(p, column);
    if (p == columnText) failAt(lineStart, p, "expected a column index (a whole number), found '" + tokenAt(p) + "'");
    float value = 1.0f;
    if (!pattern) {
      if (!isBlank(*p)) failAt(lineStart, p, "expected a space and a value after the column index");
      while (isBlank(*p)) ++p;
      const char* valueText = p;
      bool negative = false;
      switch (mtx::scanValue(p, value, negative)) {
        case mtx::ValueStatus::Ok: break;
        case mtx::ValueStatus::NotANumber:
          failAt(lineStart, valueText, "'" + tokenAt(valueText) + "' is not a number");
        case mtx::ValueStatus::NonFinite:
          failAt(lineStart, valueText, "the value '" + tokenAt(valueText) + "' is NaN or infinite, not a count",
                 "replace missing or infinite values by numbers (0 for an absent count)");
        case mtx::ValueStatus::OutOfRange:
          failAt(lineStart, valueText, "the value '" + tokenAt(valueText) + "' is out of the single-precision range",
                 "store values between 1e-38 and 3e38 (or 0)");
      }
      if (negative && value != 0.0f) {
        failAt(lineStart, valueText, "negative value " + tokenAt(valueText) + "; counts cannot be negative",
               "load raw (non-negative) counts; scaled or centred data is not a count matrix");
      }
    }
    while (isBlank(*p) || *p == '\r') ++p;
    if (*p != '\n') failAt(lineStart, p, "unexpected text '" + tokenAt(p) + "' after the entry");
    ++p;
    if (row - 1 >= rows) {  // also catches row 0 (unsigned wrap-around)
      failAt(lineStart, rowText,
             "row index " + tokenAt(rowText) + " is out of range 1.." + std::to_string(rows) + " declared by " +
                 sizeLineText(),
             "indices are 1-based and at most the declared number of rows");
    }
    if (column - 1 >= columns) {
      failAt(lineStart, columnText,
             "column index " + tokenAt(columnText) + " is out of range 1.." + std::to_string(columns) +
                 " declared by " + sizeLineText(),
             "indices are 1-based and at most the declared number of columns");
    }
    if (count_ == declared_) {
      failLine("more entries than the " + std::to_string(declared_) + " declared by " + sizeLineText(),
               "correct the entry count on the size line, or remove the extra lines");
    }
    const auto obs = static_cast<std::int64_t>(rowsAreGenes_ ? column - 1 : row - 1);
    const auto gene = static_cast<std::int32_t>(rowsAreGenes_ ? row - 1 : column - 1);
    if (obs < currentRow_ && inOrder_) becomeUnsorted();
    if (inOrder_) currentRow_ = obs;
    else rowOf_.push_back(static_cast<std::int32_t>(obs));
    ++rowCounts[obs];
    indices.push_back(gene);
    values.push_back(value);
    ++count_;
  }
}

// From here on every entry's row is recorded; the rows of the entries so far follow from the counts, because until
// now they arrived in non-decreasing order.
void MtxParser::becomeUnsorted() {
  inOrder_ = false;
  out_.streamedInOrder = false;
  try {
    rowOf_.reserve(out_.csr.indices.capacity());
  } catch (const std::bad_alloc&) {
    failLine("not enough memory to sort the " + std::to_string(declared_) + " entries of this file",
             "sort the file by column (as Cell Ranger writes it), which reads without sorting");
  }
  const auto& counts = out_.csr.indptr;
  for (std::int64_t r = 0; r <= currentRow_; ++r) {
    rowOf_.insert(rowOf_.end(), static_cast<std::size_t>(counts[r + 1]), static_cast<std::int32_t>(r));
  }
}

void MtxParser::finish() {
  if (stage_ == Stage::Banner) {
    throw InputError({source_.path()}, "the file is empty", "choose a MatrixMarket file that contains a matrix");
  }
  if (stage_ == Stage::Size) {
    failLine("the file ends before the size line 'rows columns entries'",
             "the file is incomplete; obtain a complete copy");
  }
  if (count_ < declared_) {
    failLine("the file ends after " + std::to_string(count_) + " entries, but " + sizeLineText() + " declares " +
                 std::to_string(declared_),
             "the file is incomplete or the size line is wrong; obtain a complete copy or correct the count");
  }
  auto& indptr = out_.csr.indptr;
  for (std::size_t r = 1; r < indptr.size(); ++r) indptr[r] += indptr[r - 1];
  if (!inOrder_) groupRowsByObservation();
  sortWithinRows();
}

// Counting sort by CSR row (stable, so entries keep their file order within a row).
void MtxParser::groupRowsByObservation() {
  auto& csr = out_.csr;
  std::vector<std::int32_t> indices(csr.indices.size());
  std::vector<float> values(csr.values.size());
  std::vector<std::int64_t> next(csr.indptr.begin(), csr.indptr.end() - 1);
  for (std::size_t k = 0; k < rowOf_.size(); ++k) {
    const std::int64_t at = next[rowOf_[k]]++;
    indices[at] = csr.indices[k];
    values[at] = csr.values[k];
  }
  csr.indices = std::move(indices);
  csr.values = std::move(values);
  std::vector<std::int32_t>().swap(rowOf_);
}

// 10x files group entries by cell but not always by gene within a cell; sort those rows (small) in place.
void MtxParser::sortWithinRows() {
  auto& csr = out_.csr;
  std::vector<std::pair<std::int32_t, float>> row;
  for (std::int64_t r = 0; r < out_.nObs; ++r) {
    const std::int64_t begin = csr.indptr[r], end = csr.indptr[r + 1];
    bool sorted = true;
    for (std::int64_t k = begin + 1; k < end && sorted; ++k) sorted = csr.indices[k - 1] < csr.indices[k];
    if (sorted) continue;
    row.clear();
    for (std::int64_t k = begin; k < end; ++k) row.emplace_back(csr.indices[k], csr.values[k]);
    std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::int64_t k = begin; k < end; ++k) {
      const auto& [gene, value] = row[static_cast<std::size_t>(k - begin)];
      if (k > begin && gene == csr.indices[k - 1]) {
        const std::int64_t fileRow = rowsAreGenes_ ? gene + 1 : r + 1;
        const std::int64_t fileColumn = rowsAreGenes_ ? r + 1 : gene + 1;
        throw InputError({source_.path()},
                         "the entry at row " + std::to_string(fileRow) + ", column " + std::to_string(fileColumn) +
                             " is given more than once",
                         "a coordinate file lists each position once; sum or remove the duplicate lines");
      }
      csr.indices[k] = gene;
      csr.values[k] = value;
    }
  }
}

}  // namespace

MtxContent parseMatrixMarket(const std::string& path, MtxOrientation orientation) {
  MtxParser parser(path, orientation);
  return parser.run();
}

}  // namespace diffbio::io

#include "core/io/delimited_counts.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "core/io/delimited_columns.h"
#include "core/io/delimited_count_cell.h"
#include "core/io/delimited_fields.h"
#include "core/io/delimited_number.h"
#include "core/util/error.h"

namespace diffbio::io {

namespace {

namespace fs = std::filesystem;

// featureCounts writes these gene annotation columns before the counts; Start, End and Length are numeric, so they
// are recognised by name rather than by content.
bool isFeatureCountsAnnotation(const std::string& name) {
  return name == "Chr" || name == "Start" || name == "End" || name == "Strand" || name == "Length";
}

bool isFeatureCountsFile(const DelimitedLines& lines, const std::vector<std::string>& header) {
  for (const auto& comment : lines.comments())
    if (comment.rfind("# Program:featureCounts", 0) == 0) return true;
  static const char* const kColumns[] = {"Geneid", "Chr", "Start", "End", "Strand", "Length"};
  if (header.size() < 6) return false;
  for (std::size_t i = 0; i < 6; ++i)
    if (header[i] != kColumns[i]) return false;
  return true;
}

// A salmon quant.sf (or quant.genes.sf) whose header the sniffer did not recognise, e.g. because a column is
// missing: hand it to the salmon reader, whose error explains what is wrong.
bool looksLikeSalmonHeader(const std::vector<std::string>& header) {
  if (header.empty() || header[0] != "Name") return false;
  return std::find(header.begin(), header.end(), "EffectiveLength") != header.end() ||
         std::find(header.begin(), header.end(), "TPM") != header.end();
}

bool isText(std::string_view field) { return parseNumber(field).kind == NumberKind::Text; }

// Whether the first record is a header: it has text where the next record has numbers (or it is all text, or it is
// the only record). A first record without any text is data, as in R's read.table(header = FALSE).
bool firstRecordIsHeader(const std::vector<std::string>& first, const std::vector<std::string>* second) {
  bool anyText = false, allText = true;
  for (std::size_t j = 1; j < first.size(); ++j) {
    const bool text = isText(first[j]);
    anyText |= text;
    allText &= text;
  }
  if (!anyText) return false;
  if (allText || second == nullptr) return true;
  for (std::size_t j = 1; j < first.size() && j < second->size(); ++j)
    if (isText(first[j]) && !isText((*second)[j])) return true;
  return false;
}

// featureCounts names each count column by the BAM path it counted. "/data/run1/treated1.bam" -> "treated1", when
// the short names stay unique (so that they match a sample sheet).
bool shortenBamPaths(std::vector<std::string>& names, std::string& note) {
  std::vector<std::string> shortNames;
  for (const auto& name : names) {
    std::string s = fs::path(name).filename().string();
    for (const char* suffix : {".bam", ".sam", ".cram"}) {
      const std::size_t n = std::char_traits<char>::length(suffix);
      if (s.size() > n && s.compare(s.size() - n, n, suffix) == 0) {
        s.resize(s.size() - n);
        break;
      }
    }
    if (s.empty()) return false;
    shortNames.push_back(s);
  }
  std::vector<std::string> sorted(shortNames);
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return false;
  if (shortNames == names) return false;
  note = "sample names shortened from the BAM paths featureCounts wrote (e.g. " + names.front() + " -> " +
         shortNames.front() + ")";
  names = std::move(shortNames);
  return true;
}

[[noreturn]] void throwRagged(const Location& where, std::size_t got, std::size_t expected, long headerLine,
                              char delimiter) {
  const long field = static_cast<long>(std::min(got, expected)) + 1;  // the first missing or extra field
  throw InputError({where.file, where.line, field},
                   "this row has " + std::to_string(got) + " fields but " +
                       (headerLine > 0 ? "the header (line " + std::to_string(headerLine) + ") has "
                                       : std::string("the first row has ")) +
                       std::to_string(expected),
                   std::string("every row needs one value per column, separated by a ") + delimiterName(delimiter) +
                       "; look for a missing or extra delimiter on this line");
}

// Where a row's fields go.
struct Layout {
  std::vector<std::string> header;       // one name per field; header[0] names the id column
  std::vector<std::size_t> countFields;  // field indices of count columns
  std::vector<std::size_t> annotationFields;
  std::vector<bool> annotationByName;    // per annotation field: recognised by its featureCounts name
};

Layout decideLayout(const DelimitedLines& lines, std::vector<std::string> header, const std::vector<std::string>& row,
                    bool featureCounts, long headerLine) {
  Layout layout;
  for (std::size_t j = 1; j < header.size(); ++j) {
    if (header[j].empty()) {
      throw InputError({lines.path(), headerLine, static_cast<long>(j) + 1},
                       "column " + std::to_string(j + 1) + " has no name in the header",
                       "name every column; if each line ends with a delimiter, remove the trailing delimiter");
    }
    for (std::size_t k = 1; k < j; ++k) {
      if (header[k] == header[j]) {
        throw InputError({lines.path(), headerLine, static_cast<long>(j) + 1},
                         "the column name '" + header[j] + "' appears twice in the header (columns " +
                             std::to_string(k + 1) + " and " + std::to_string(j + 1) + ")",
                         "give every column a unique name");
      }
    }
    const bool byName = featureCounts && isFeatureCountsAnnotation(header[j]);
    if (byName || isText(row[j])) {
      layout.annotationFields.push_back(j);
      layout.annotationByName.push_back(byName);
    } else {
      layout.countFields.push_back(j);
    }
  }
  if (layout.countFields.empty()) {
    throw InputError({lines.path(), headerLine},
                     "no count columns: every column after the first holds text in the first data row",
                     "a count table has gene ids in the first column and one numeric column per sample");
  }
  layout.header = std::move(header);
  return layout;
}

std::string joinNames(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

// The first value that is not a whole number, for the note that says so.
std::string firstNonInteger(const data::CountMatrix& m) {
  const auto& d = m.dense();
  for (Eigen::Index i = 0; i < d.rows(); ++i)
    for (Eigen::Index j = 0; j < d.cols(); ++j)
      if (d(i, j) != std::floor(d(i, j)))
        return data::formatNumber(d(i, j)) + " for " + m.geneNames()[j] + " in " + m.obsNames()[i];
  return {};
}

// Collects the rows of the table: ids, count values per count column and annotation text, checking each row.
// Values are kept per column because a column of the file (one sample's counts) is a row of the samples x genes
// matrix: copying whole columns is much faster than transposing the file-order table afterwards.
class RowCollector {
 public:
  RowCollector(const Layout& layout, const std::string& path, char delimiter, long headerLine, const char* rowWord)
      : layout_(layout), path_(path), delimiter_(delimiter), headerLine_(headerLine), rowWord_(rowWord),
        columns_(layout.countFields.size()), annotations_(layout.annotationFields.size()) {}

  template <typename Row>
  void add(const Row& row, long line) {
    if (row.size() != layout_.header.size())
      throwRagged({path_, line}, row.size(), layout_.header.size(), headerLine_, delimiter_);
    std::string id(row[0]);
    if (id.empty()) {
      throw InputError({path_, line, 1}, std::string("empty ") + rowWord_ + " id in the first column",
                       std::string("give every row a ") + rowWord_ + " id");
    }
    const auto [it, added] = lineOfId_.emplace(id, line);
    if (!added) {
      throw InputError({path_, line, 1},
                       std::string("duplicate ") + rowWord_ + " id '" + id + "', already on line " +
                           std::to_string(it->second),
                       std::string("every ") + rowWord_ +
                           " must appear once: remove the duplicate row, or sum the duplicates before loading");
    }
    for (std::size_t k = 0; k < columns_.size(); ++k) {
      const std::size_t j = layout_.countFields[k];
      const ParsedNumber parsed = parseNumber(row[j]);
      if (!isValidCount(parsed))
        throwBadCountCell({path_, line, static_cast<long>(j) + 1}, row[j], parsed, layout_.header[j], id);
      columns_[k].push_back(parsed.value);
    }
    for (std::size_t k = 0; k < annotations_.size(); ++k) annotations_[k].emplace_back(row[layout_.annotationFields[k]]);
    rowIds_.push_back(std::move(id));
    ++nRows_;
  }

  // A column taken as annotation because its first data cell is text, while every other cell is a number, is a
  // count column with a typo in that first cell: report the cell rather than silently dropping the sample.
  void rejectMistypedAnnotations(long firstDataLine) const {
    if (rowIds_.size() < 3) return;
    for (std::size_t k = 0; k < annotations_.size(); ++k) {
      if (layout_.annotationByName[k]) continue;
      const auto& cells = annotations_[k];
      const bool restNumeric = std::all_of(cells.begin() + 1, cells.end(), [](const std::string& c) {
        return parseNumber(c).kind == NumberKind::Number;
      });
      if (!restNumeric) continue;
      const std::size_t j = layout_.annotationFields[k];
      throwBadCountCell({path_, firstDataLine, static_cast<long>(j) + 1}, cells[0], parseNumber(cells[0]),
                        layout_.header[j], rowIds_[0]);
    }
  }

  std::vector<std::string>& rowIds() { return rowIds_; }
  // The table's count cells as count columns x rows (row-major), or as rows x count columns.
  data::CountMatrix::Dense columnsByRows() const {
    data::CountMatrix::Dense out(static_cast<Eigen::Index>(columns_.size()), static_cast<Eigen::Index>(nRows_));
    for (std::size_t k = 0; k < columns_.size(); ++k)
      std::copy(columns_[k].begin(), columns_[k].end(), out.row(static_cast<Eigen::Index>(k)).data());
    return out;
  }
  data::CountMatrix::Dense rowsByColumns() const {
    data::CountMatrix::Dense out(static_cast<Eigen::Index>(nRows_), static_cast<Eigen::Index>(columns_.size()));
    for (std::size_t k = 0; k < columns_.size(); ++k)
      for (std::size_t i = 0; i < nRows_; ++i) out(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(k)) = columns_[k][i];
    return out;
  }
  const std::vector<std::vector<std::string>>& annotations() const { return annotations_; }

 private:
  const Layout& layout_;
  const std::string& path_;
  char delimiter_;
  long headerLine_;
  const char* rowWord_;
  std::vector<std::string> rowIds_;
  std::size_t nRows_ = 0;  // rowIds_ is moved out before the matrix is built
  std::vector<std::vector<double>> columns_;  // per count column, the values of every row
  std::vector<std::vector<std::string>> annotations_;
  std::unordered_map<std::string, long> lineOfId_;
};

}  // namespace

LoadedCounts readDelimitedCounts(const std::string& path, const CountReadOptions& options) {
  DelimitedLines lines(path);
  std::vector<std::string_view> fields;
  if (!lines.next(fields)) {
    throw InputError({path}, lines.comments().empty() ? "the file is empty" : "the file has only '#' comment lines",
                     "choose a count table: a header line with the sample names, then one line per gene");
  }
  const long firstLine = lines.lineNumber();
  const std::vector<std::string> first(fields.begin(), fields.end());
  const bool featureCounts = isFeatureCountsFile(lines, first);
  if (!featureCounts && looksLikeSalmonHeader(first)) return readSalmonQuant(path);
  if (lines.delimiter() == '\0' || first.size() < 2) {
    throw InputError(lines.at(), "the first line has no tab, comma or semicolon, so it holds a single column",
                     "a count table has gene ids in the first column and one column per sample, separated by tabs "
                     "(TSV) or commas (CSV)");
  }
  std::vector<std::string> second;
  long secondLine = 0;
  if (lines.next(fields)) {
    second.assign(fields.begin(), fields.end());
    secondLine = lines.lineNumber();
  }

  // The header: present, absent (generated names), or R write.table style (no field above the row names).
  const bool samplesAsRows = options.samplesAsRows;
  const char* rowWord = samplesAsRows ? "sample" : "gene";
  std::vector<std::string> notes;
  const bool hasHeader = firstRecordIsHeader(first, secondLine ? &second : nullptr);
  std::vector<std::string> header;
  long headerLine = 0;
  if (hasHeader) {
    header = first;
    headerLine = firstLine;
    if (secondLine == 0) {
      throw InputError({path, headerLine}, "the file has a header line but no data rows",
                       std::string("add one line per ") + rowWord + " below the header");
    }
    if (second.size() == header.size() + 1) {
      header.insert(header.begin(), std::string());
      notes.push_back("the header has one field fewer than the rows (R write.table style): the first column holds "
                      "the row names");
    }
  } else {
    header.push_back(samplesAsRows ? "sample" : "gene_id");
    for (std::size_t j = 1; j < first.size(); ++j)
      header.push_back((samplesAsRows ? "gene_" : "sample_") + std::to_string(j));
    notes.push_back("no header line: columns named " + header[1] + " ... " + header.back());
  }
  const std::vector<std::string>& firstData = hasHeader ? second : first;
  const long firstDataLine = hasHeader ? secondLine : firstLine;
  if (firstData.size() != header.size())
    throwRagged({path, firstDataLine}, firstData.size(), header.size(), headerLine, lines.delimiter());

  const Layout layout = decideLayout(lines, header, firstData, featureCounts, headerLine);
  RowCollector rows(layout, path, lines.delimiter(), headerLine, rowWord);
  if (!hasHeader) rows.add(first, firstLine);
  if (secondLine) rows.add(second, secondLine);
  while (lines.next(fields)) rows.add(fields, lines.lineNumber());
  rows.rejectMistypedAnnotations(firstDataLine);

  // Count column names, and the matrix as observations x genes.
  std::vector<std::string> columnNames;
  for (const std::size_t j : layout.countFields) columnNames.push_back(layout.header[j]);
  if (featureCounts && !samplesAsRows) {
    std::string note;
    if (shortenBamPaths(columnNames, note)) notes.push_back(note);
  }
  std::vector<std::string> rowIds = std::move(rows.rowIds());

  LoadedCounts loaded;
  loaded.format = featureCounts ? Format::FeatureCounts : Format::DelimitedTable;
  if (samplesAsRows) {
    loaded.matrix = data::CountMatrix::fromDense(rows.rowsByColumns(), std::move(rowIds), columnNames,
                                                 data::AssayKind::Bulk);
  } else {
    loaded.matrix = data::CountMatrix::fromDense(rows.columnsByRows(), columnNames, std::move(rowIds),
                                                 data::AssayKind::Bulk);
  }
  loaded.obs = data::Table(loaded.matrix.obsNames());
  loaded.var = data::Table(loaded.matrix.geneNames());
  data::Table& annotated = samplesAsRows ? loaded.obs : loaded.var;
  annotated.indexName = layout.header[0].empty() ? (samplesAsRows ? "sample" : "gene_id") : layout.header[0];
  std::vector<std::string> annotationNames;
  for (std::size_t k = 0; k < layout.annotationFields.size(); ++k) {
    const std::string& name = layout.header[layout.annotationFields[k]];
    annotated.addColumn(typedColumn(name, rows.annotations()[k],
                                    samplesAsRows ? TextColumnAs::Categorical : TextColumnAs::String));
    annotationNames.push_back(name);
  }

  loaded.matrixSource = featureCounts ? "featureCounts count columns" : "numeric columns of the table";
  notes.insert(notes.begin(),
               std::string(delimiterName(lines.delimiter())) + "-separated" + (lines.compressed() ? ", gzip" : "") +
                   "; read as " + (samplesAsRows ? "samples x genes (one row per sample)"
                                                 : "genes x samples (one row per gene)"));
  if (!annotationNames.empty()) {
    const bool one = annotationNames.size() == 1;
    const std::string what = samplesAsRows ? (one ? " is a sample annotation" : " are sample annotations")
                                           : (one ? " is a gene annotation" : " are gene annotations");
    notes.push_back(std::string(one ? "column " : "columns ") + joinNames(annotationNames) + what +
                    ", not counts: kept in " + (samplesAsRows ? "obs" : "var"));
  }
  if (!loaded.matrix.flags().allInteger) {
    notes.push_back("some values are not whole numbers (e.g. " + firstNonInteger(loaded.matrix) +
                    "): count models such as DESeq2 expect raw integer counts");
  }
  loaded.notes = std::move(notes);
  return loaded;
}

}  // namespace diffbio::io

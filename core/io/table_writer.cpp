#include "core/io/table_writer.h"

#include <charconv>
#include <cmath>

#include "core/io/atomic_output.h"

namespace diffbio::io {

namespace {

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

char delimiterChar(Delimiter delimiter) { return delimiter == Delimiter::Comma ? ',' : '\t'; }

// Quoting keeps every field readable by our own reader and by R/pandas: CSV fields with the delimiter, a quote or a
// line break are quoted (RFC 4180); so are fields with leading/trailing spaces (readers trim unquoted fields) and,
// in TSV, fields that start with a quote or hold a tab or line break (TSV has no escape of its own).
bool needsQuotes(std::string_view field, char delimiter) {
  if (field.empty()) return false;
  if (field.front() == ' ' || field.back() == ' ' || field.front() == '"') return true;
  for (char c : field) {
    if (c == delimiter || c == '\n' || c == '\r' || (delimiter == ',' && c == '"')) return true;
  }
  return false;
}

void appendField(std::string& line, std::string_view field, char delimiter) {
  if (!needsQuotes(field, delimiter)) {
    line.append(field);
    return;
  }
  line.push_back('"');
  for (char c : field) {
    if (c == '"') line.push_back('"');
    line.push_back(c);
  }
  line.push_back('"');
}

// Counts are written as integers when whole ("1000000", not "1e+06"), otherwise in shortest exact form.
void appendValue(std::string& line, double value) {
  char buffer[32];
  std::to_chars_result result;
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    result = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
  } else if (std::isfinite(value)) {
    result = std::to_chars(buffer, buffer + sizeof buffer, value);
  } else {
    line.append(data::formatNumber(value));
    return;
  }
  line.append(buffer, result.ptr);
}

}  // namespace

Delimiter delimiterForPath(const std::string& path) {
  std::string lower(path);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return endsWith(lower, ".csv") || endsWith(lower, ".csv.gz") ? Delimiter::Comma : Delimiter::Tab;
}

void writeTable(const data::Table& table, const std::string& path) {
  writeTable(table, path, delimiterForPath(path));
}

void writeTable(const data::Table& table, const std::string& path, Delimiter delimiter) {
  const char d = delimiterChar(delimiter);
  AtomicOutputFile out(path);
  std::string line;
  appendField(line, table.indexName, d);
  for (const auto& column : table.columns()) {
    line.push_back(d);
    appendField(line, column.name(), d);
  }
  line.push_back('\n');
  out.write(line);
  for (std::size_t row = 0; row < table.nRows(); ++row) {
    line.clear();
    appendField(line, table.rowNames()[row], d);
    for (const auto& column : table.columns()) {
      line.push_back(d);
      appendField(line, column.text(row), d);
    }
    line.push_back('\n');
    out.write(line);
  }
  out.commit();
}

void writeCountTable(const data::CountMatrix& matrix, const std::string& path) {
  const char d = delimiterChar(delimiterForPath(path));
  AtomicOutputFile out(path);
  std::string line = "gene_id";
  for (const auto& name : matrix.obsNames()) {
    line.push_back(d);
    appendField(line, name, d);
  }
  line.push_back('\n');
  out.write(line);

  // One output row per gene, i.e. one matrix column. Sparse rows are walked with one cursor per observation
  // (indices are sorted within a row), so the whole write is O(nObs * nGenes + nnz) without densifying.
  const std::int64_t nObs = matrix.nObs();
  std::vector<std::int64_t> cursor;
  if (matrix.isSparse()) cursor.assign(matrix.csr().indptr.begin(), matrix.csr().indptr.end() - 1);
  for (std::int64_t gene = 0; gene < matrix.nGenes(); ++gene) {
    line.clear();
    appendField(line, matrix.geneNames()[static_cast<std::size_t>(gene)], d);
    for (std::int64_t obs = 0; obs < nObs; ++obs) {
      double value = 0.0;
      if (matrix.isSparse()) {
        const auto& csr = matrix.csr();
        std::int64_t& at = cursor[static_cast<std::size_t>(obs)];
        if (at < csr.indptr[obs + 1] && csr.indices[static_cast<std::size_t>(at)] == gene) {
          value = csr.values[static_cast<std::size_t>(at)];
          ++at;
        }
      } else {
        value = matrix.dense()(obs, gene);
      }
      line.push_back(d);
      appendValue(line, value);
    }
    line.push_back('\n');
    out.write(line);
  }
  out.commit();
}

}  // namespace diffbio::io

#include "core/io/sample_sheet.h"

#include <algorithm>
#include <unordered_map>

#include "core/io/delimited_columns.h"
#include "core/io/delimited_fields.h"
#include "core/util/error.h"

namespace diffbio::io {

namespace {

std::string joinNames(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
  return text.empty() ? "(none)" : text;
}

}  // namespace

data::Table readSampleSheet(const std::string& path) {
  constexpr const char* kLayoutFix =
      "a sample sheet is a CSV/TSV file with a header line, then one line per sample: the sample name first, then "
      "one value per column (condition, batch, ...)";
  DelimitedLines lines(path);
  std::vector<std::string_view> fields;
  if (!lines.next(fields)) throw InputError({path}, "the sample sheet is empty", kLayoutFix);
  const long headerLine = lines.lineNumber();
  std::vector<std::string> header(fields.begin(), fields.end());

  std::vector<std::string> names;
  std::vector<std::vector<std::string>> cells;  // per column after the names
  std::unordered_map<std::string, long> lineOfName;
  while (lines.next(fields)) {
    const long line = lines.lineNumber();
    if (names.empty() && fields.size() == header.size() + 1) {
      header.insert(header.begin(), std::string());  // R write.table: no header field above the row names
    }
    if (fields.size() != header.size()) {
      throw InputError(lines.at(static_cast<long>(std::min(fields.size(), header.size())) + 1),
                       "this row has " + std::to_string(fields.size()) + " fields but the header (line " +
                           std::to_string(headerLine) + ") has " + std::to_string(header.size()),
                       std::string("every row needs one value per column, separated by a ") +
                           delimiterName(lines.delimiter()) + "; look for a missing or extra delimiter on this line");
    }
    if (cells.empty()) cells.resize(header.size() - 1);
    std::string name(fields[0]);
    if (name.empty()) throw InputError(lines.at(1), "empty sample name in the first column", kLayoutFix);
    const auto [it, added] = lineOfName.emplace(name, line);
    if (!added) {
      throw InputError(lines.at(1),
                       "duplicate sample name '" + name + "', already on line " + std::to_string(it->second),
                       "every sample must appear once in the sample sheet");
    }
    for (std::size_t j = 1; j < fields.size(); ++j) cells[j - 1].emplace_back(fields[j]);
    names.push_back(std::move(name));
  }
  if (names.empty()) {
    throw InputError({path, headerLine}, "the sample sheet has a header line but no samples", kLayoutFix);
  }
  for (std::size_t j = 1; j < header.size(); ++j) {
    if (header[j].empty()) {
      throw InputError({path, headerLine, static_cast<long>(j) + 1},
                       "column " + std::to_string(j + 1) + " has no name in the header",
                       "name every column; if each line ends with a delimiter, remove the trailing delimiter");
    }
    for (std::size_t k = 1; k < j; ++k) {
      if (header[k] == header[j]) {
        throw InputError({path, headerLine, static_cast<long>(j) + 1},
                         "the column name '" + header[j] + "' appears twice in the header (columns " +
                             std::to_string(k + 1) + " and " + std::to_string(j + 1) + ")",
                         "give every column a unique name");
      }
    }
  }

  data::Table sheet(names);
  sheet.indexName = header[0];
  for (std::size_t j = 1; j < header.size(); ++j)
    sheet.addColumn(typedColumn(header[j], cells[j - 1], TextColumnAs::Categorical));
  return sheet;
}

namespace {

// The containment rule: each sheet name is paired with the count-column name it contains, ignoring contained names
// that are themselves part of a longer contained name (`untreated1fb` contains `treated1` and `untreated1`: the
// longer one wins). Returns, per sheet row, the count column index, -1 for none, or -2 when ambiguous.
std::vector<long> pairByContainment(const std::vector<std::string>& sheetNames,
                                    const std::vector<std::string>& countColumns,
                                    std::vector<std::string>& problems) {
  std::vector<long> pairOf(sheetNames.size(), -1);
  for (std::size_t s = 0; s < sheetNames.size(); ++s) {
    std::vector<std::size_t> contained;
    for (std::size_t c = 0; c < countColumns.size(); ++c)
      if (sheetNames[s].find(countColumns[c]) != std::string::npos) contained.push_back(c);
    std::vector<std::size_t> longest;
    for (const std::size_t c : contained) {
      const bool insideAnother = std::any_of(contained.begin(), contained.end(), [&](std::size_t other) {
        return other != c && countColumns[other].size() > countColumns[c].size() &&
               countColumns[other].find(countColumns[c]) != std::string::npos;
      });
      if (!insideAnother) longest.push_back(c);
    }
    if (longest.size() == 1) {
      pairOf[s] = static_cast<long>(longest[0]);
    } else if (longest.size() > 1) {
      pairOf[s] = -2;
      std::vector<std::string> candidates;
      for (const std::size_t c : longest) candidates.push_back(countColumns[c]);
      problems.push_back("sheet name '" + sheetNames[s] + "' contains several count columns (" +
                         joinNames(candidates) + ")");
    }
  }
  for (std::size_t c = 0; c < countColumns.size(); ++c) {
    std::vector<std::string> claimants;
    for (std::size_t s = 0; s < sheetNames.size(); ++s)
      if (pairOf[s] == static_cast<long>(c)) claimants.push_back(sheetNames[s]);
    if (claimants.size() > 1) {
      problems.push_back("count column '" + countColumns[c] + "' is contained in several sheet names (" +
                         joinNames(claimants) + ")");
      for (std::size_t s = 0; s < sheetNames.size(); ++s)
        if (pairOf[s] == static_cast<long>(c)) pairOf[s] = -2;
    }
  }
  return pairOf;
}

}  // namespace

SampleMatch matchSamples(const data::Table& sheet, const std::vector<std::string>& countColumns,
                         const std::string& sheetPath) {
  const std::vector<std::string>& sheetNames = sheet.rowNames();
  SampleMatch match;
  std::unordered_map<std::string, std::size_t> rowOf;
  for (std::size_t s = 0; s < sheetNames.size(); ++s) rowOf.emplace(sheetNames[s], s);

  std::vector<std::size_t> rows;
  std::vector<bool> used(sheetNames.size(), false);
  const bool allExact = std::all_of(countColumns.begin(), countColumns.end(),
                                    [&](const std::string& c) { return rowOf.count(c) > 0; });
  if (allExact) {
    for (const auto& c : countColumns) {
      rows.push_back(rowOf[c]);
      used[rowOf[c]] = true;
    }
  } else {
    std::vector<std::string> problems;
    const std::vector<long> pairOf = pairByContainment(sheetNames, countColumns, problems);
    std::vector<long> rowOfColumn(countColumns.size(), -1);
    for (std::size_t s = 0; s < sheetNames.size(); ++s)
      if (pairOf[s] >= 0) rowOfColumn[static_cast<std::size_t>(pairOf[s])] = static_cast<long>(s);
    std::vector<std::string> unmatchedColumns, unmatchedSheet;
    for (std::size_t c = 0; c < countColumns.size(); ++c)
      if (rowOfColumn[c] < 0) unmatchedColumns.push_back(countColumns[c]);
    if (!unmatchedColumns.empty()) {
      for (std::size_t s = 0; s < sheetNames.size(); ++s)
        if (pairOf[s] < 0) unmatchedSheet.push_back(sheetNames[s]);
      std::string problem = "cannot pair the sample sheet with the count columns: count columns without a sheet "
                            "row: " + joinNames(unmatchedColumns) + "; sheet rows without a count column: " +
                            joinNames(unmatchedSheet);
      for (const auto& p : problems) problem += "; " + p;
      throw InputError({sheetPath.empty() ? std::string("sample sheet") : sheetPath}, problem,
                       "make the first column of the sheet hold the count column names exactly (or names that "
                       "each contain exactly one of them, like 'treated1fb' for 'treated1')");
    }
    match.usedContainmentRule = true;
    for (std::size_t c = 0; c < countColumns.size(); ++c) {
      const auto s = static_cast<std::size_t>(rowOfColumn[c]);
      rows.push_back(s);
      used[s] = true;
      match.mapping.push_back(sheetNames[s] + " -> " + countColumns[c]);
    }
  }
  for (std::size_t s = 0; s < sheetNames.size(); ++s)
    if (!used[s]) match.mapping.push_back("sheet row '" + sheetNames[s] + "' matches no count column: dropped");

  match.sheet = sheet.selectRows(rows);
  match.sheet.setRowNames(countColumns);
  return match;
}

std::vector<std::string> sampleColumn(const data::Table& sheet, const std::string& column,
                                      const std::vector<std::string>& samples, const std::string& sheetPath) {
  const SampleMatch match = matchSamples(sheet, samples, sheetPath);
  const data::Column* values = match.sheet.find(column);
  if (!values) {
    std::string available;
    for (const auto& c : match.sheet.columns()) available += (available.empty() ? "" : ", ") + c.name();
    throw InputError({sheetPath}, "the sample table has no column '" + column + "'", "choose one of: " + available);
  }
  std::vector<std::string> out;
  for (std::size_t row = 0; row < values->size(); ++row)
    out.push_back(values->isMissing(row) ? std::string() : values->text(row));
  return out;
}

}  // namespace diffbio::io

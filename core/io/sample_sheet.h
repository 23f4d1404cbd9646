#pragma once
// Sample sheets (CSV/TSV with one row per sample) and their pairing with the columns of a count table.
#include <string>
#include <vector>

#include "core/data/table.h"

namespace diffbio::io {

// Reads a sample sheet. The first column holds sample names (R's write.csv style with an empty first header is
// accepted, and so is R's write.table style, whose header has no field above the names). Columns become Int, Float
// or Bool (TRUE/FALSE) where every value parses as such, otherwise Categorical with levels in order of first
// appearance; empty cells and NA are missing values. Quoted fields ("a","b") work.
// Errors: ragged rows, duplicate sample names, duplicate or empty column names, an empty sheet, a header only.
data::Table readSampleSheet(const std::string& path);

struct SampleMatch {
  data::Table sheet;                  // rows reordered to the count columns, row names = count column names
  std::vector<std::string> mapping;   // "sheet name -> count column" lines, printed when the fallback rule was used
  bool usedContainmentRule = false;
};

// Pairs sheet rows with count columns. First by exact name. If that fails for any column, by one documented rule:
// a sheet name that contains exactly one count-column name as a substring, and is the only sheet name paired with
// it (pasilla: `treated1fb` <-> `treated1`). A contained name that is part of a longer contained name does not
// count: `untreated1fb` contains both `treated1` and `untreated1` and pairs with `untreated1`. Otherwise
// InputError listing the unmatched names on both sides (and any ambiguity).
// Sheet rows that match no count column are dropped with a note in `mapping`.
SampleMatch matchSamples(const data::Table& sheet, const std::vector<std::string>& countColumns,
                         const std::string& sheetPath = {});

// The values of the sheet's column `column` for `samples` (paired by matchSamples' rule), as text; a missing value is
// "". InputError naming `sheetPath` when the column is absent or the samples cannot be paired.
std::vector<std::string> sampleColumn(const data::Table& sheet, const std::string& column,
                                      const std::vector<std::string>& samples, const std::string& sheetPath = {});

}  // namespace diffbio::io

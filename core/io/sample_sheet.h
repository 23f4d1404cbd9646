#pragma once
// Sample sheets (CSV/TSV with one row per sample) and their pairing with the columns of a count table.
#include <string>
#include <vector>

#include "core/data/table.h"

namespace diffbio::io {

// Reads a sample sheet. The first column holds sample names (R's write.csv style with an empty first header is
// accepted). Columns become Int, Float or Bool where every value parses as such, otherwise Categorical with levels
// in order of first appearance. Errors: ragged rows, duplicate sample names, an empty sheet.
data::Table readSampleSheet(const std::string& path);

struct SampleMatch {
  data::Table sheet;                  // rows reordered to the count columns, row names = count column names
  std::vector<std::string> mapping;   // "sheet name -> count column" lines, printed when the fallback rule was used
  bool usedContainmentRule = false;
};

// Pairs sheet rows with count columns. First by exact name. If that fails for any column, by one documented rule:
// a sheet name that contains exactly one count-column name as a substring, and is the only sheet name containing it
// (pasilla: `treated1fb` <-> `treated1`). Otherwise InputError listing the unmatched names on both sides.
// Sheet rows that match no count column are dropped with a note in `mapping`.
SampleMatch matchSamples(const data::Table& sheet, const std::vector<std::string>& countColumns,
                         const std::string& sheetPath = {});

}  // namespace diffbio::io

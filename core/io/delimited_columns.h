#pragma once
// Turning a column of text cells into a typed table column, as R's read.csv does (type.convert):
// all integers -> Int, all numbers -> Float, all TRUE/FALSE -> Bool, otherwise text. Empty cells and NA-like tokens
// (NA, N/A, #N/A, null, NULL, None) are missing values and do not decide the type.
#include <string>
#include <vector>

#include "core/data/table.h"

namespace diffbio::io {

enum class TextColumnAs {
  Categorical,  // sample sheets: levels in order of first appearance
  String,       // gene annotations: mostly unique values
};

data::Column typedColumn(std::string name, const std::vector<std::string>& cells, TextColumnAs textAs);

}  // namespace diffbio::io

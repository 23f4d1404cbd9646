#include "core/io/delimited_columns.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/io/delimited_number.h"

namespace diffbio::io {

namespace {

bool isMissingCell(const std::string& cell) { return cell.empty() || isMissingToken(cell); }

// R writes TRUE/FALSE, pandas True/False, JSON-minded tools true/false.
int parseBool(const std::string& cell) {
  if (cell == "TRUE" || cell == "True" || cell == "true") return 1;
  if (cell == "FALSE" || cell == "False" || cell == "false") return 0;
  return -1;
}

}  // namespace

data::Column typedColumn(std::string name, const std::vector<std::string>& cells, TextColumnAs textAs) {
  const std::size_t n = cells.size();
  std::vector<std::uint8_t> missing(n, 0);
  bool anyMissing = false;
  bool allInt = true, allFloat = true, allBool = true, anyValue = false;
  for (std::size_t i = 0; i < n; ++i) {
    if (isMissingCell(cells[i])) {
      missing[i] = 1;
      anyMissing = true;
      continue;
    }
    anyValue = true;
    std::int64_t integer = 0;
    if (allInt && !parseInteger(cells[i], integer)) allInt = false;
    if (allFloat && !allInt) {
      const NumberKind kind = parseNumber(cells[i]).kind;
      allFloat = kind == NumberKind::Number || kind == NumberKind::NotANumber || kind == NumberKind::Infinite;
    }
    if (allBool && parseBool(cells[i]) < 0) allBool = false;
    if (!allInt && !allFloat && !allBool) break;
  }

  if (anyValue && allInt) {
    std::vector<std::int64_t> values(n, 0);
    for (std::size_t i = 0; i < n; ++i)
      if (!missing[i]) parseInteger(cells[i], values[i]);
    data::Column column(std::move(name), std::move(values));
    if (anyMissing) column.setMissing(std::move(missing));
    return column;
  }
  if (anyValue && allFloat) {
    std::vector<double> values(n, std::numeric_limits<double>::quiet_NaN());  // NaN marks missing in Float
    for (std::size_t i = 0; i < n; ++i)
      if (!missing[i]) values[i] = parseNumber(cells[i]).value;
    return data::Column(std::move(name), std::move(values));
  }
  if (anyValue && allBool) {
    std::vector<std::uint8_t> values(n, 0);
    for (std::size_t i = 0; i < n; ++i)
      if (!missing[i]) values[i] = static_cast<std::uint8_t>(parseBool(cells[i]));
    data::Column column = data::Column::boolean(std::move(name), std::move(values));
    if (anyMissing) column.setMissing(std::move(missing));
    return column;
  }
  if (textAs == TextColumnAs::Categorical) {
    std::vector<std::string> levels(cells);
    for (std::size_t i = 0; i < n; ++i)
      if (missing[i]) levels[i].clear();  // makeCategorical treats "" as missing
    return data::Column(std::move(name), data::makeCategorical(levels));
  }
  std::vector<std::string> values(cells);
  for (std::size_t i = 0; i < n; ++i)
    if (missing[i]) values[i].clear();
  data::Column column(std::move(name), std::move(values));
  if (anyMissing) column.setMissing(std::move(missing));
  return column;
}

}  // namespace diffbio::io

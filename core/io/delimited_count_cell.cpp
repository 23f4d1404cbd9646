#include "core/io/delimited_count_cell.h"

namespace diffbio::io {

void throwBadCountCell(const Location& where, std::string_view cell, const ParsedNumber& parsed,
                       const std::string& columnName, const std::string& rowId) {
  const std::string place = "in count column '" + columnName + "' (row '" + rowId + "')";
  const std::string text(cell);
  switch (parsed.kind) {
    case NumberKind::Number:  // a valid number, so it is negative
      throw InputError(where, "negative value " + text + " " + place,
                       "counts cannot be negative; this looks like normalised or log-transformed data: load the raw "
                       "counts instead");
    case NumberKind::Empty:
      throw InputError(where, "empty cell " + place,
                       "counts cannot be missing: write 0 where no reads were counted, or remove the row");
    case NumberKind::Missing:
    case NumberKind::NotANumber:
      throw InputError(where, "missing value '" + text + "' " + place,
                       "counts cannot be NA or NaN: write 0 where no reads were counted, or remove the row");
    case NumberKind::Infinite:
      throw InputError(where, "infinite value '" + text + "' " + place,
                       "counts must be finite numbers; check how the table was produced");
    case NumberKind::Text:
      break;
  }
  throw InputError(where, "text '" + text + "' " + place + " where a number is expected",
                   "correct the value; a column that is not counts must hold text in its first data row to be "
                   "recognised as an annotation column (or remove the column)");
}

}  // namespace diffbio::io

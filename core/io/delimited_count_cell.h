#pragma once
// One count cell of a text table: a finite, non-negative number (whole or not; non-integer values are flagged by
// CountMatrix, not rejected). Anything else is an InputError that says what was found, where, and how to fix it.
#include <string>
#include <string_view>

#include "core/io/delimited_number.h"
#include "core/util/error.h"

namespace diffbio::io {

inline bool isValidCount(const ParsedNumber& parsed) {
  return parsed.kind == NumberKind::Number && parsed.value >= 0;
}

// For a cell that failed isValidCount: names the column and the row (gene or sample id) in the message.
[[noreturn]] void throwBadCountCell(const Location& where, std::string_view cell, const ParsedNumber& parsed,
                                    const std::string& columnName, const std::string& rowId);

}  // namespace diffbio::io

#pragma once
// Fast, locale-independent parsing of one text field as a number, without iostreams. Any reader may use it (count
// tables, sample sheets, MatrixMarket, ...). A field is parsed whole: "12 " or "12abc" are not numbers; callers trim
// spaces first if their format allows them.
//
// Whole numbers of up to 18 digits take a hand-written fast path (the common case in count tables); anything else
// goes through std::from_chars (shortest-exact, the same result as strtod in the C locale).
#include <cstdint>
#include <string_view>

namespace diffbio::io {

enum class NumberKind : std::uint8_t {
  Number,      // a finite number
  Empty,       // "" (nothing between two delimiters)
  Missing,     // a missing-value token: NA, N/A, #N/A, null, NULL, None
  NotANumber,  // NaN, nan, NAN
  Infinite,    // Inf, -Inf, inf, Infinity, or a literal too large for a double (1e999)
  Text,        // anything else
};

struct ParsedNumber {
  NumberKind kind = NumberKind::Text;
  double value = 0.0;      // the number when kind == Number (also +-inf / NaN for Infinite / NotANumber)
  bool isInteger = false;  // written as a whole number without a fraction or exponent ("12", "-3", not "12.0")
};

// Classifies and parses `field`. A leading '+' is accepted.
ParsedNumber parseNumber(std::string_view field);

// True when `field` is an integer literal (optional sign, digits only) that fits in int64; writes it to `value`.
bool parseInteger(std::string_view field, std::int64_t& value);

// NA-like tokens that mean "no value" in R, pandas and spreadsheet exports (see NumberKind::Missing).
bool isMissingToken(std::string_view field);

// Human-readable name of a kind for error messages, e.g. "a missing value (NA)".
const char* numberKindDescription(NumberKind kind);

}  // namespace diffbio::io

#include "core/io/delimited_number.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace diffbio::io {

namespace {

// Digits only, at most 18 of them: the value fits in int64 and converts to the correctly rounded double.
bool parseSmallUnsigned(std::string_view digits, std::uint64_t& value) {
  if (digits.empty() || digits.size() > 18) return false;
  std::uint64_t v = 0;
  for (char c : digits) {
    const unsigned d = static_cast<unsigned>(c - '0');
    if (d > 9) return false;
    v = v * 10 + d;
  }
  value = v;
  return true;
}

}  // namespace

bool isMissingToken(std::string_view field) {
  return field == "NA" || field == "N/A" || field == "#N/A" || field == "null" || field == "NULL" || field == "None";
}

ParsedNumber parseNumber(std::string_view field) {
  ParsedNumber out;
  if (field.empty()) {
    out.kind = NumberKind::Empty;
    return out;
  }
  bool negative = false;
  std::string_view body = field;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  std::uint64_t whole = 0;
  if (parseSmallUnsigned(body, whole)) {  // fast path: plain integers
    out.kind = NumberKind::Number;
    out.value = negative ? -static_cast<double>(whole) : static_cast<double>(whole);
    out.isInteger = true;
    return out;
  }
  if (body.empty() || body.front() == '+' || body.front() == '-') return out;  // "-", "+-1", "--1": text

  // from_chars does not take a leading '+', so parse the unsigned body and apply the sign ourselves.
  double value = 0.0;
  const char* first = body.data();
  const char* last = body.data() + body.size();
  const auto [end, error] = std::from_chars(first, last, value, std::chars_format::general);
  if (end == last && error == std::errc::result_out_of_range) {
    // Overflow ("1e999") is infinite; underflow ("1e-999") is zero for all practical purposes.
    const std::size_t exponent = body.find_first_of("eE");
    const bool underflow =
        exponent != std::string_view::npos && exponent + 1 < body.size() && body[exponent + 1] == '-';
    out.kind = underflow ? NumberKind::Number : NumberKind::Infinite;
    out.value = underflow ? 0.0 : std::numeric_limits<double>::infinity();
    if (negative) out.value = -out.value;
    return out;
  }
  if (end != last || error != std::errc()) {
    if (isMissingToken(field)) out.kind = NumberKind::Missing;
    return out;
  }
  if (std::isnan(value)) {
    // "NaN" parses; "NA" is not NaN for from_chars and was handled above.
    out.kind = NumberKind::NotANumber;
    out.value = value;
    return out;
  }
  out.value = negative ? -value : value;
  out.kind = std::isinf(value) ? NumberKind::Infinite : NumberKind::Number;
  return out;
}

bool parseInteger(std::string_view field, std::int64_t& value) {
  if (field.empty()) return false;
  const char* first = field.data();
  const char* last = field.data() + field.size();
  if (*first == '+') ++first;
  if (first == last || (*first == '-' && field.front() == '+')) return false;
  const auto [end, error] = std::from_chars(first, last, value, 10);
  return end == last && error == std::errc();
}

const char* numberKindDescription(NumberKind kind) {
  switch (kind) {
    case NumberKind::Number: return "a number";
    case NumberKind::Empty: return "an empty field";
    case NumberKind::Missing: return "a missing value";
    case NumberKind::NotANumber: return "NaN (not a number)";
    case NumberKind::Infinite: return "an infinite value";
    case NumberKind::Text: return "text";
  }
  return "text";
}

}  // namespace diffbio::io

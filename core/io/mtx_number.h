#pragma once
// Hand-written number scanning for the MatrixMarket hot loop. The callers guarantee that every line ends with '\n',
// so scanning stops at the newline without bounds checks. Values are produced as float (the CSR value type) and are
// correctly rounded: small decimals take an exact float fast path, everything else goes through std::from_chars.
#include <charconv>
#include <cmath>
#include <cstdint>

namespace diffbio::io::mtx {

// Scans decimal digits. Returns the first character after them (== p when there are none). More than 18 digits
// sets `value` to UINT64_MAX, which every range check rejects.
inline const char* scanUnsigned(const char* p, std::uint64_t& value) {
  const char* start = p;
  std::uint64_t v = 0;
  while (static_cast<unsigned>(*p - '0') < 10u) {
    v = v * 10u + static_cast<unsigned>(*p - '0');
    ++p;
  }
  value = (p - start > 18) ? UINT64_MAX : v;
  return p;
}

inline bool isBlank(char c) { return c == ' ' || c == '\t'; }
inline bool endsToken(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

enum class ValueStatus { Ok, NotANumber, NonFinite, OutOfRange };

// Scans one value token such as "3", "2.5", "1.234567e+00" or "-0". On success `p` is moved past the token.
// `negative` reports a leading minus sign (so that "-0" can be told from a negative count).
inline ValueStatus scanValue(const char*& p, float& out, bool& negative) {
  const char* token = p;
  negative = false;
  if (*p == '-' || *p == '+') {
    negative = *p == '-';
    ++p;
  }
  const char* digits = p;
  std::uint64_t mantissa = 0;
  int significant = 0;   // digits accumulated in the mantissa (leading zeros do not count)
  int exponent = 0;      // power of ten applied to the mantissa
  bool fast = true;      // false once the fast path cannot represent the number exactly
  while (static_cast<unsigned>(*p - '0') < 10u) {
    if (mantissa != 0 || *p != '0') ++significant;
    mantissa = mantissa * 10u + static_cast<unsigned>(*p - '0');
    ++p;
  }
  bool anyDigit = p != digits;
  if (*p == '.') {
    ++p;
    const char* fraction = p;
    while (static_cast<unsigned>(*p - '0') < 10u) {
      if (mantissa != 0 || *p != '0') ++significant;
      mantissa = mantissa * 10u + static_cast<unsigned>(*p - '0');
      ++p;
    }
    exponent -= static_cast<int>(p - fraction);
    anyDigit = anyDigit || p != fraction;
  }
  if (!anyDigit) {
    while (!endsToken(*p)) ++p;  // e.g. "nan", "inf", "x"
    const char c = digits[0] | 0x20;  // lower case
    if ((c == 'n' || c == 'i') && p - digits >= 3) return ValueStatus::NonFinite;
    p = token;
    return ValueStatus::NotANumber;
  }
  if (*p == 'e' || *p == 'E') {
    const char* e = p + 1;
    bool negativeExponent = false;
    if (*e == '-' || *e == '+') negativeExponent = *e++ == '-';
    std::uint64_t magnitude = 0;
    const char* end = scanUnsigned(e, magnitude);
    if (end == e) {
      p = token;
      return ValueStatus::NotANumber;
    }
    if (magnitude > 400) fast = false;
    else exponent += negativeExponent ? -static_cast<int>(magnitude) : static_cast<int>(magnitude);
    p = end;
  }
  if (!endsToken(*p)) {
    p = token;
    return ValueStatus::NotANumber;
  }
  // Both the mantissa (< 2^24) and 10^|exponent| (<= 10^10) are exact floats, so one float operation rounds
  // correctly. Whole numbers up to 2^53 are exact doubles and round once to float.
  static constexpr float kPow10[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
  if (fast && significant <= 19 && mantissa <= (1u << 24) && exponent >= -10 && exponent <= 10) {
    const float m = static_cast<float>(mantissa);
    out = exponent >= 0 ? m * kPow10[exponent] : m / kPow10[-exponent];
    return ValueStatus::Ok;
  }
  if (fast && significant <= 15 && exponent == 0) {
    out = static_cast<float>(static_cast<double>(mantissa));
    return ValueStatus::Ok;
  }
  float value = 0;
  const auto result = std::from_chars(digits, p, value);
  if (result.ec == std::errc::result_out_of_range) return ValueStatus::OutOfRange;
  if (result.ec != std::errc() || result.ptr != p) {
    p = token;
    return ValueStatus::NotANumber;
  }
  out = value;
  return ValueStatus::Ok;
}

}  // namespace diffbio::io::mtx

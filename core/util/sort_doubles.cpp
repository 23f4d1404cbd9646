#include "core/util/sort_doubles.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace diffbio {

namespace {

// Small inputs: comparisons are cheaper than eight histograms.
constexpr std::size_t kRadixFrom = 256;

// Unsigned keys in numeric order: flip every bit of negatives, only the sign bit of the others.
std::uint64_t keyOf(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
}

double valueOf(std::uint64_t key) {
  const std::uint64_t bits = (key >> 63) ? key & ~(std::uint64_t{1} << 63) : ~key;
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

}  // namespace

void sortDoubles(std::vector<double>& values) {
  const std::size_t n = values.size();
  if (n < kRadixFrom) {
    std::sort(values.begin(), values.end());
    return;
  }
  thread_local std::vector<std::uint64_t> keys, buffer;
  keys.resize(n);
  buffer.resize(n);
  std::array<std::array<std::size_t, 256>, 8> counts{};
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t key = keyOf(values[i]);
    keys[i] = key;
    for (int byte = 0; byte < 8; ++byte) ++counts[static_cast<std::size_t>(byte)][(key >> (8 * byte)) & 0xff];
  }
  for (int byte = 0; byte < 8; ++byte) {
    auto& count = counts[static_cast<std::size_t>(byte)];
    const int shift = 8 * byte;
    if (count[(keys[0] >> shift) & 0xff] == n) continue;  // every key has this byte: the pass would change nothing
    std::size_t offset = 0;
    for (std::size_t& c : count) {
      const std::size_t here = c;
      c = offset;
      offset += here;
    }
    for (std::size_t i = 0; i < n; ++i) buffer[count[(keys[i] >> shift) & 0xff]++] = keys[i];
    keys.swap(buffer);
  }
  for (std::size_t i = 0; i < n; ++i) values[i] = valueOf(keys[i]);
}

}  // namespace diffbio

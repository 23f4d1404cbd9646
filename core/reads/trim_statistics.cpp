#include "core/reads/trim_statistics.h"

#include <algorithm>
#include <cmath>

namespace diffbio::reads {

namespace {

template <typename T>
void growTo(std::vector<T>& v, std::size_t size) {
  if (v.size() < size) v.resize(size);
}

void addHistogram(std::vector<std::uint64_t>& into, const std::vector<std::uint64_t>& from) {
  growTo(into, from.size());
  for (std::size_t i = 0; i < from.size(); ++i) into[i] += from[i];
}

int baseIndex(char c) {
  switch (c) {
    case 'A': case 'a': return 0;
    case 'C': case 'c': return 1;
    case 'G': case 'g': return 2;
    case 'T': case 't': return 3;
    default: return 4;
  }
}

}  // namespace

void PositionQuality::add(std::string_view qualities, int offset) {
  growTo(counts_, qualities.size());
  for (std::size_t j = 0; j < qualities.size(); ++j) {
    const int q = std::clamp(static_cast<unsigned char>(qualities[j]) - offset, 0, kMaxPhred);
    ++counts_[j][q];
  }
}

void PositionQuality::merge(const PositionQuality& other) {
  growTo(counts_, other.counts_.size());
  for (std::size_t j = 0; j < other.counts_.size(); ++j)
    for (int q = 0; q <= kMaxPhred; ++q) counts_[j][q] += other.counts_[j][q];
}

std::uint64_t PositionQuality::bases(std::size_t position) const {
  std::uint64_t total = 0;
  for (const auto c : counts_[position]) total += c;
  return total;
}

double PositionQuality::mean(std::size_t position) const {
  double sum = 0, total = 0;
  for (int q = 0; q <= kMaxPhred; ++q) {
    sum += static_cast<double>(counts_[position][q]) * q;
    total += static_cast<double>(counts_[position][q]);
  }
  return total > 0 ? sum / total : 0.0;
}

double PositionQuality::standardDeviation(std::size_t position) const {
  const double mu = mean(position);
  double sum = 0, total = 0;
  for (int q = 0; q <= kMaxPhred; ++q) {
    sum += static_cast<double>(counts_[position][q]) * (q - mu) * (q - mu);
    total += static_cast<double>(counts_[position][q]);
  }
  return total > 1 ? std::sqrt(sum / total) : 0.0;
}

std::uint64_t PositionQuality::totalBases() const {
  std::uint64_t total = 0;
  for (std::size_t j = 0; j < counts_.size(); ++j) total += bases(j);
  return total;
}

double PositionQuality::overallMean() const {
  double sum = 0, total = 0;
  for (const auto& row : counts_)
    for (int q = 0; q <= kMaxPhred; ++q) {
      sum += static_cast<double>(row[q]) * q;
      total += static_cast<double>(row[q]);
    }
  return total > 0 ? sum / total : 0.0;
}

double PositionQuality::fractionAtLeast(int phred) const {
  double above = 0, total = 0;
  for (const auto& row : counts_)
    for (int q = 0; q <= kMaxPhred; ++q) {
      total += static_cast<double>(row[q]);
      if (q >= phred) above += static_cast<double>(row[q]);
    }
  return total > 0 ? above / total : 0.0;
}

void MateStatistics::countRead(std::string_view sequence, std::string_view qualities, int offset,
                               const ReadTrimResult& result) {
  ++readsIn;
  basesIn += sequence.size();
  basesQualityTrimmed += result.qualityTrimmedBases;
  qualityIn.add(qualities, offset);
  if (!result.adapter) return;
  ++readsWithAdapter;
  basesAdapterTrimmed += result.adapterRemovedBases;
  const std::size_t length = result.adapterRemovedBases;
  const auto errors = static_cast<std::size_t>(result.adapter->errors);
  growTo(removedByLength, length + 1);
  growTo(removedByLength[length], errors + 1);
  ++removedByLength[length][errors];
  // The base before the adapter (cutadapt's "bases preceding removed adapters"); "none" when the adapter starts
  // the (quality-trimmed) read.
  ++precedingBase[result.stop > result.start ? baseIndex(sequence[result.stop - 1]) : 4];
  growTo(adapterStarts, result.stop + 1);
  ++adapterStarts[result.stop];
}

void MateStatistics::countWritten(std::string_view qualitiesKept, int offset) {
  ++readsOut;
  basesOut += qualitiesKept.size();
  growTo(lengthsOut, qualitiesKept.size() + 1);
  ++lengthsOut[qualitiesKept.size()];
  qualityOut.add(qualitiesKept, offset);
}

void MateStatistics::merge(const MateStatistics& other) {
  readsIn += other.readsIn;
  basesIn += other.basesIn;
  basesQualityTrimmed += other.basesQualityTrimmed;
  readsWithAdapter += other.readsWithAdapter;
  basesAdapterTrimmed += other.basesAdapterTrimmed;
  readsOut += other.readsOut;
  basesOut += other.basesOut;
  growTo(removedByLength, other.removedByLength.size());
  for (std::size_t i = 0; i < other.removedByLength.size(); ++i) addHistogram(removedByLength[i], other.removedByLength[i]);
  for (std::size_t i = 0; i < precedingBase.size(); ++i) precedingBase[i] += other.precedingBase[i];
  addHistogram(adapterStarts, other.adapterStarts);
  addHistogram(lengthsOut, other.lengthsOut);
  qualityIn.merge(other.qualityIn);
  qualityOut.merge(other.qualityOut);
}

void TrimStatistics::merge(const TrimStatistics& other) {
  readsIn += other.readsIn;
  tooShort += other.tooShort;
  tooLong += other.tooLong;
  readsOut += other.readsOut;
  first.merge(other.first);
  second.merge(other.second);
}

}  // namespace diffbio::reads

#include "core/data/read_batch.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace diffbio::data {

int qualityOffset(QualityEncoding encoding) { return encoding == QualityEncoding::Phred64 ? 64 : 33; }

const char* qualityEncodingName(QualityEncoding encoding) {
  return encoding == QualityEncoding::Phred64 ? "Phred+64" : "Phred+33";
}

void ReadBatch::append(std::string_view name, std::string_view sequence, std::string_view quality) {
  if (sequence.size() != quality.size()) {
    throw std::invalid_argument("ReadBatch::append: " + std::to_string(sequence.size()) + " bases but " +
                                std::to_string(quality.size()) + " quality characters");
  }
  constexpr std::size_t kMaxField = std::numeric_limits<std::uint32_t>::max();
  if (name.size() > kMaxField || sequence.size() > kMaxField) {
    throw std::length_error("ReadBatch::append: a read name or sequence longer than 4 GiB");
  }
  const Entry entry{bytes_.size(), static_cast<std::uint32_t>(name.size()),
                    static_cast<std::uint32_t>(sequence.size())};
  bytes_.insert(bytes_.end(), name.begin(), name.end());
  bytes_.insert(bytes_.end(), sequence.begin(), sequence.end());
  bytes_.insert(bytes_.end(), quality.begin(), quality.end());

  const std::size_t length = sequence.size();
  minLength_ = entries_.empty() ? length : std::min(minLength_, length);
  maxLength_ = std::max(maxLength_, length);
  totalBases_ += length;
  entries_.push_back(entry);
}

void ReadBatch::appendFrom(const ReadBatch& other, std::size_t index) {
  if (&other == this) {  // the views would point into the buffer that append() may reallocate
    const std::string name(other.name(index)), sequence(other.sequence(index)), quality(other.quality(index));
    append(name, sequence, quality);
    return;
  }
  append(other.name(index), other.sequence(index), other.quality(index));
}

void ReadBatch::clear() {
  bytes_.clear();
  entries_.clear();
  minLength_ = 0;
  maxLength_ = 0;
  totalBases_ = 0;
}

void ReadBatch::reserve(std::size_t reads, std::size_t bytes) {
  entries_.reserve(reads);
  bytes_.reserve(bytes);
}

std::string_view ReadBatch::name(std::size_t i) const {
  const Entry& e = entries_[i];
  return {bytes_.data() + e.offset, e.nameLength};
}

std::string_view ReadBatch::sequence(std::size_t i) const {
  const Entry& e = entries_[i];
  return {bytes_.data() + e.offset + e.nameLength, e.length};
}

std::string_view ReadBatch::quality(std::size_t i) const {
  const Entry& e = entries_[i];
  return {bytes_.data() + e.offset + e.nameLength + e.length, e.length};
}

}  // namespace diffbio::data

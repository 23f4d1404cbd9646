#pragma once
// A chunk of sequencing reads: names, bases and quality characters, as read from FASTQ.
//
// Storage is compact so that a chunk of 100k reads costs a handful of allocations, not three strings per read: the
// bytes of every read (name, then sequence, then qualities) sit one after another in a single buffer, and one small
// fixed-size entry per read records where they start and how long they are. Accessors return views into that buffer.
//
// Qualities are kept exactly as the characters in the file; `qualityEncoding()` says what to subtract to get Phred
// scores. Keeping the raw characters means a Phred+64 file written back out stays Phred+64, byte for byte.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace diffbio::data {

enum class QualityEncoding {
  Phred33,  // Sanger / Illumina 1.8+: quality character = Phred score + 33 ('!' = 0)
  Phred64,  // Illumina 1.3-1.7: quality character = Phred score + 64 ('@' = 0)
};

int qualityOffset(QualityEncoding encoding);            // 33 or 64
const char* qualityEncodingName(QualityEncoding encoding);  // "Phred+33" or "Phred+64"

class ReadBatch {
 public:
  ReadBatch() = default;

  // Appends one read. `quality` must have one character per base; throws std::invalid_argument otherwise (the
  // readers check user input before it gets here, so this is a programming error).
  void append(std::string_view name, std::string_view sequence, std::string_view quality);
  void appendFrom(const ReadBatch& other, std::size_t index);  // copies read `index` of `other`

  // Removes every read but keeps the allocated memory, so a reader can refill the same batch at no cost.
  void clear();
  void reserve(std::size_t reads, std::size_t bytes);

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  std::string_view name(std::size_t i) const;      // the header line without '@' (identifier and comment)
  std::string_view sequence(std::size_t i) const;
  std::string_view quality(std::size_t i) const;   // raw characters; subtract qualityOffset(qualityEncoding())
  std::size_t length(std::size_t i) const { return entries_[i].length; }

  // Over the reads in the batch; 0 for an empty batch.
  std::size_t minLength() const { return entries_.empty() ? 0 : minLength_; }
  std::size_t maxLength() const { return maxLength_; }
  std::uint64_t totalBases() const { return totalBases_; }

  QualityEncoding qualityEncoding() const { return encoding_; }
  void setQualityEncoding(QualityEncoding encoding) { encoding_ = encoding; }

  std::size_t bytesUsed() const { return bytes_.size(); }

 private:
  struct Entry {
    std::uint64_t offset;      // where the name starts in bytes_; the sequence follows it, then the qualities
    std::uint32_t nameLength;
    std::uint32_t length;      // bases (= quality characters)
  };

  std::vector<char> bytes_;
  std::vector<Entry> entries_;
  std::size_t minLength_ = 0;
  std::size_t maxLength_ = 0;
  std::uint64_t totalBases_ = 0;
  QualityEncoding encoding_ = QualityEncoding::Phred33;
};

}  // namespace diffbio::data

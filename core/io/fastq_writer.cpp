// FastqWriter: 4-line FASTQ through AtomicOutputFile, so a failed run leaves no partial file.
#include <stdexcept>

#include "core/io/fastq.h"

namespace diffbio::io {

namespace {

bool hasLineBreak(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

FastqWriter::FastqWriter(std::string path, int gzipLevel) : out_(std::move(path), gzipLevel) {}

void FastqWriter::write(std::string_view name, std::string_view sequence, std::string_view quality) {
  if (sequence.size() != quality.size()) {
    throw std::invalid_argument("FastqWriter::write: " + std::to_string(sequence.size()) + " bases but " +
                                std::to_string(quality.size()) + " quality characters for read " + std::string(name));
  }
  if (hasLineBreak(name) || hasLineBreak(sequence) || hasLineBreak(quality)) {
    throw std::invalid_argument("FastqWriter::write: a line break inside read " + std::string(name));
  }
  out_ << "@" << name << "\n" << sequence << "\n+\n" << quality << "\n";
  ++written_;
}

void FastqWriter::write(const ReadBatch& batch) {
  // A ReadBatch only holds what a reader accepted or what append() checked, so no per-read checks are needed.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    out_ << "@" << batch.name(i) << "\n" << batch.sequence(i) << "\n+\n" << batch.quality(i) << "\n";
  }
  written_ += batch.size();
}

void FastqWriter::commit() { out_.commit(); }

}  // namespace diffbio::io

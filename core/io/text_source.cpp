#include "core/io/text_source.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/util/error.h"

namespace diffbio::io {

namespace {
constexpr std::size_t kInitialBuffer = 1 << 20;  // 1 MiB: large enough that refills are rare, small enough to stream
}

bool isGzipFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  unsigned char magic[2] = {0, 0};
  const std::size_t got = std::fread(magic, 1, 2, f);
  std::fclose(f);
  return got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

TextSource::TextSource(std::string path) : path_(std::move(path)), buffer_(kInitialBuffer) {
  compressed_ = isGzipFile(path_);
  if (compressed_) {
    gzFile gz = gzopen(path_.c_str(), "rb");
    if (gz) gzbuffer(gz, 1 << 18);
    gz_ = gz;
  } else {
    file_ = std::fopen(path_.c_str(), "rb");
  }
  if (!gz_ && !file_) {
    throw InputError({path_}, std::string("cannot open file: ") + std::strerror(errno),
                     "check that the path is correct and the file is readable");
  }
}

TextSource::~TextSource() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
  if (file_) std::fclose(file_);
}

void TextSource::throwGzipError() const {
  throw InputError({path_, lineNumber_ + 1}, "the gzip archive is truncated (it ends in the middle of compressed data)",
                   "the file was probably cut short while copying or downloading; obtain a complete copy "
                   "(`gzip -t FILE` checks an archive)");
}

std::size_t TextSource::readRaw(char* into, std::size_t capacity) {
  if (compressed_) {
    auto gz = static_cast<gzFile>(gz_);
    if (pendingGzipError_) throwGzipError();
    const int got = gzread(gz, into, static_cast<unsigned>(capacity));
    int code = Z_OK;
    const char* message = gzerror(gz, &code);
    if (got > 0 && code == Z_BUF_ERROR) {
      // Hand out what was decompressed before the cut; the error comes with the next read, so that its line number
      // points at the truncated record rather than at the start of this buffer.
      pendingGzipError_ = true;
      return static_cast<std::size_t>(got);
    }
    if (got < 0 || (code != Z_OK && code != Z_STREAM_END)) {
      if (code == Z_BUF_ERROR) throwGzipError();
      throw InputError({path_, lineNumber_ + 1},
                       std::string("corrupt gzip data: ") + (message ? message : "unknown error"),
                       "the file was damaged while copying or downloading; obtain a complete copy "
                       "(`gzip -t FILE` checks an archive)");
    }
    return static_cast<std::size_t>(got);
  }
  const std::size_t got = std::fread(into, 1, capacity, file_);
  if (got < capacity && std::ferror(file_)) {
    throw InputError({path_, lineNumber_ + 1}, std::string("read error: ") + std::strerror(errno),
                     "check the disk and the file");
  }
  return got;
}

std::size_t TextSource::fill(std::size_t keepFrom) {
  const std::size_t kept = end_ - keepFrom;
  if (kept > 0 && keepFrom > 0) std::memmove(buffer_.data(), buffer_.data() + keepFrom, kept);
  begin_ = 0;
  end_ = kept;
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);  // a line longer than the buffer
  const std::size_t got = readRaw(buffer_.data() + end_, buffer_.size() - end_);
  end_ += got;
  if (got == 0) eof_ = true;
  return got;
}

bool TextSource::nextLine(std::string_view& line) {
  std::size_t searchFrom = begin_;
  for (;;) {
    const char* start = buffer_.data() + searchFrom;
    const void* newline = std::memchr(start, '\n', end_ - searchFrom);
    if (newline) {
      const std::size_t at = static_cast<const char*>(newline) - buffer_.data();
      std::size_t length = at - begin_;
      if (length > 0 && buffer_[begin_ + length - 1] == '\r') --length;
      line = std::string_view(buffer_.data() + begin_, length);
      bytesConsumed_ += at + 1 - begin_;
      begin_ = at + 1;
      ++lineNumber_;
      return true;
    }
    if (eof_) {
      if (begin_ == end_) return false;
      // Last line without a final newline.
      std::size_t length = end_ - begin_;
      if (length > 0 && buffer_[begin_ + length - 1] == '\r') --length;
      line = std::string_view(buffer_.data() + begin_, length);
      bytesConsumed_ += end_ - begin_;
      begin_ = end_;
      ++lineNumber_;
      return true;
    }
    const std::size_t alreadyScanned = end_ - begin_;
    fill(begin_);
    searchFrom = alreadyScanned;
  }
}

std::string_view TextSource::nextBlock() {
  if (begin_ < end_) {
    std::string_view rest(buffer_.data() + begin_, end_ - begin_);
    bytesConsumed_ += rest.size();
    begin_ = end_;
    return rest;
  }
  if (eof_) return {};
  fill(end_);
  std::string_view block(buffer_.data(), end_);
  bytesConsumed_ += block.size();
  begin_ = end_;
  return block;
}

}  // namespace diffbio::io

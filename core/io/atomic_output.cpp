#include "core/io/atomic_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>
#include <libdeflate.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>

#include "core/util/error.h"

namespace diffbio::io {

namespace {

constexpr std::size_t kBufferSize = 1 << 20;

bool endsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// mkstemp in the target's directory, so that the final rename stays on one file system and is atomic.
int makeTemporary(const std::string& target, std::string& temporaryOut) {
  std::string pattern = target + ".tmp-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    throw InputError({target}, std::string("cannot create the output file: ") + std::strerror(errno),
                     "check that the output folder exists and is writable");
  }
  temporaryOut.assign(name.data());
  return fd;
}

void renameInto(const std::string& temporary, const std::string& target) {
  if (std::rename(temporary.c_str(), target.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    throw InputError({target}, std::string("cannot move the finished output into place: ") + std::strerror(error),
                     "check that the output folder is writable");
  }
}

}  // namespace

AtomicOutputFile::AtomicOutputFile(std::string targetPath, int gzipLevel) : target_(std::move(targetPath)) {
  gzip_ = endsWith(target_, ".gz");
  fd_ = makeTemporary(target_, temporary_);
  ::fchmod(fd_, 0644);
  if (gzip_) {
    compressor_ = libdeflate_alloc_compressor(gzipLevel);
    if (!compressor_) {
      ::close(fd_);
      std::remove(temporary_.c_str());
      throw InputError({target_}, "cannot start gzip compression", "check free memory");
    }
  }
  buffer_.reserve(kBufferSize);
}

AtomicOutputFile::~AtomicOutputFile() {
  if (compressor_) libdeflate_free_compressor(static_cast<libdeflate_compressor*>(compressor_));
  if (committed_) return;
  if (fd_ >= 0) ::close(fd_);
  std::remove(temporary_.c_str());
}

void AtomicOutputFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t room = kBufferSize - buffer_.size();
    const std::size_t take = std::min(room, bytes.size());
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
    bytes.remove_prefix(take);
    if (buffer_.size() == kBufferSize) flushBuffer();
  }
}

void AtomicOutputFile::writeAll(const char* data, std::size_t size) {
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd_, data + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError({target_}, std::string("cannot write the output: ") + std::strerror(errno),
                       "check free disk space");
    }
    written += static_cast<std::size_t>(n);
  }
}

// Gzip output is a series of gzip members, one per buffer of at most 1 MiB. Multi-member gzip is standard (gzip,
// zcat and every reader here accept it), and compressing whole buffers with libdeflate is 3-4x faster than zlib's
// streaming deflate at the same ratio.
void AtomicOutputFile::flushBuffer() {
  if (buffer_.empty()) return;
  if (gzip_) {
    auto* compressor = static_cast<libdeflate_compressor*>(compressor_);
    compressed_.resize(libdeflate_gzip_compress_bound(compressor, buffer_.size()));
    const std::size_t size =
        libdeflate_gzip_compress(compressor, buffer_.data(), buffer_.size(), compressed_.data(), compressed_.size());
    if (size == 0) throw InputError({target_}, "gzip compression failed", "check free memory");
    writeAll(compressed_.data(), size);
  } else {
    writeAll(buffer_.data(), buffer_.size());
  }
  buffer_.clear();
}

void AtomicOutputFile::commit() {
  flushBuffer();
  const int status = ::close(fd_);
  fd_ = -1;
  if (status != 0) throw InputError({target_}, std::string("cannot close the output: ") + std::strerror(errno));
  renameInto(temporary_, target_);
  committed_ = true;
}

AtomicOutputPath::AtomicOutputPath(std::string targetPath) : target_(std::move(targetPath)) {
  const int fd = makeTemporary(target_, temporary_);
  ::close(fd);
  std::remove(temporary_.c_str());  // the writer (e.g. HDF5) creates the file itself
}

AtomicOutputPath::~AtomicOutputPath() {
  if (!committed_) std::remove(temporary_.c_str());
}

void AtomicOutputPath::commit() {
  ::chmod(temporary_.c_str(), 0644);
  renameInto(temporary_, target_);
  committed_ = true;
}

}  // namespace diffbio::io

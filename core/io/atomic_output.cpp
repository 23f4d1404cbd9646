#include "core/io/atomic_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
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
    const std::string mode = "wb" + std::to_string(gzipLevel);
    gz_ = gzdopen(fd_, mode.c_str());
    if (!gz_) {
      ::close(fd_);
      std::remove(temporary_.c_str());
      throw InputError({target_}, "cannot start gzip compression", "check free memory and disk space");
    }
    gzbuffer(static_cast<gzFile>(gz_), 1 << 18);
    fd_ = -1;  // owned by gz_ now
  }
  buffer_.reserve(kBufferSize);
}

AtomicOutputFile::~AtomicOutputFile() {
  if (committed_) return;
  if (gz_) gzclose(static_cast<gzFile>(gz_));
  if (fd_ >= 0) ::close(fd_);
  std::remove(temporary_.c_str());
}

void AtomicOutputFile::write(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > kBufferSize) flushBuffer();
  if (bytes.size() > kBufferSize) {
    buffer_.assign(bytes.begin(), bytes.end());
    flushBuffer();
    return;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

void AtomicOutputFile::flushBuffer() {
  if (buffer_.empty()) return;
  bool ok = true;
  if (gzip_) {
    ok = gzwrite(static_cast<gzFile>(gz_), buffer_.data(), static_cast<unsigned>(buffer_.size())) ==
         static_cast<int>(buffer_.size());
  } else {
    std::size_t written = 0;
    while (written < buffer_.size()) {
      const ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        ok = false;
        break;
      }
      written += static_cast<std::size_t>(n);
    }
  }
  buffer_.clear();
  if (!ok) {
    throw InputError({target_}, std::string("cannot write the output: ") + std::strerror(errno),
                     "check free disk space");
  }
}

void AtomicOutputFile::commit() {
  flushBuffer();
  if (gzip_) {
    const int status = gzclose(static_cast<gzFile>(gz_));
    gz_ = nullptr;
    if (status != Z_OK) throw InputError({target_}, "cannot finish the gzip output", "check free disk space");
  } else {
    const int status = ::close(fd_);
    fd_ = -1;
    if (status != 0) throw InputError({target_}, std::string("cannot close the output: ") + std::strerror(errno));
  }
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

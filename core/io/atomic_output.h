#pragma once
// Output that appears under its final name only when complete: bytes go to a temporary file beside the target, and
// commit() renames it into place. If anything throws before commit(), the temporary file is removed, so a failed
// run never leaves a half-written result. Gzip compression (libdeflate, one gzip member per 1 MiB of output) is
// chosen by a ".gz" suffix on the target.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace diffbio::io {

class AtomicOutputFile {
 public:
  explicit AtomicOutputFile(std::string targetPath, int gzipLevel = 6);
  ~AtomicOutputFile();  // discards the temporary file unless committed
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  void write(std::string_view bytes);
  AtomicOutputFile& operator<<(std::string_view bytes) { write(bytes); return *this; }
  void commit();  // flushes, closes and renames into place; throws InputError on failure

  const std::string& targetPath() const { return target_; }
  const std::string& temporaryPath() const { return temporary_; }

 private:
  void flushBuffer();
  void writeAll(const char* data, std::size_t size);

  std::string target_;
  std::string temporary_;
  bool gzip_ = false;
  void* compressor_ = nullptr;  // libdeflate_compressor, when gzip_
  int fd_ = -1;
  std::vector<char> buffer_;
  std::vector<char> compressed_;
  bool committed_ = false;
};

// For writers that need a path rather than a stream (HDF5): a temporary path beside the target that is renamed on
// commit() and deleted otherwise.
class AtomicOutputPath {
 public:
  explicit AtomicOutputPath(std::string targetPath);
  ~AtomicOutputPath();
  AtomicOutputPath(const AtomicOutputPath&) = delete;
  AtomicOutputPath& operator=(const AtomicOutputPath&) = delete;

  const std::string& temporaryPath() const { return temporary_; }
  void commit();

 private:
  std::string target_;
  std::string temporary_;
  bool committed_ = false;
};

}  // namespace diffbio::io

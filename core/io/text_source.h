#pragma once
// Line-by-line reading of plain or gzip-compressed text at constant memory.
// Every reader uses this, so gzip support, CRLF handling, a missing final newline, truncated archives and line
// numbers for error messages are handled once, here.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace diffbio::io {

bool isGzipFile(const std::string& path);  // by magic bytes, not by name

class TextSource {
 public:
  // Opens `path`; gzip is detected by its magic bytes. Throws InputError if the file cannot be opened.
  explicit TextSource(std::string path);
  ~TextSource();
  TextSource(const TextSource&) = delete;
  TextSource& operator=(const TextSource&) = delete;

  // Next line without its line terminator ("\n" or "\r\n"). The view stays valid until the next call.
  // Returns false at end of input. Throws InputError on a read error or a truncated/corrupt gzip stream.
  bool nextLine(std::string_view& line);

  // Next raw bytes (no line splitting) for parsers that scan large blocks themselves; empty at end of input.
  // Must not be mixed with nextLine().
  std::string_view nextBlock();

  long lineNumber() const { return lineNumber_; }  // 1-based number of the line last returned
  const std::string& path() const { return path_; }
  bool compressed() const { return compressed_; }
  std::uint64_t bytesConsumed() const { return bytesConsumed_; }  // uncompressed bytes handed out so far

 private:
  std::size_t fill(std::size_t keepFrom);  // moves [keepFrom, end) to the front and reads more; returns bytes read
  std::size_t readRaw(char* into, std::size_t capacity);
  [[noreturn]] void throwGzipError() const;

  std::string path_;
  bool compressed_ = false;
  void* gz_ = nullptr;      // gzFile when compressed
  std::FILE* file_ = nullptr;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;   // first unread byte
  std::size_t end_ = 0;     // one past the last valid byte
  bool eof_ = false;
  bool pendingGzipError_ = false;  // a truncated archive: report it after handing out the bytes before the cut
  long lineNumber_ = 0;
  std::uint64_t bytesConsumed_ = 0;
};

}  // namespace diffbio::io

#pragma once
// Records of a CSV/TSV file, one per line, split into fields: the shared front end of the count-table, salmon and
// sample-sheet readers. Handles the delimiter choice, RFC 4180 quoting ("a","b, c","say ""hi"""), spaces around
// unquoted fields, '#' comment lines before the header (featureCounts' program line), blank lines, a UTF-8
// byte-order mark (Excel) and everything TextSource handles (gzip, CRLF, a missing final newline).
//
// Error locations use the 1-based line number and, as the column, the 1-based field number.
#include <string>
#include <string_view>
#include <vector>

#include "core/io/text_source.h"
#include "core/util/error.h"

namespace diffbio::io {

// Tab if the line has a tab outside quotes, else comma, else semicolon; '\0' when it has none of them.
char detectDelimiter(std::string_view line);

// Splits `line` at `delimiter`. Quoted fields are unquoted (their unescaped text lives in `scratch`, which is
// overwritten by the next call); unquoted fields are trimmed of spaces (and tabs, unless tab is the delimiter).
// Throws InputError at `where` (line) for an unterminated quote or text after a closing quote.
void splitFields(std::string_view line, char delimiter, std::vector<std::string_view>& fields, std::string& scratch,
                 const Location& where);

class DelimitedLines {
 public:
  explicit DelimitedLines(const std::string& path);

  // The next record, skipping blank lines and, before the first record, lines starting with '#' (kept in
  // comments()). The delimiter is chosen from the first record. Views stay valid until the next call.
  // Returns false at the end of the file.
  bool next(std::vector<std::string_view>& fields);

  const std::string& path() const { return source_.path(); }
  long lineNumber() const { return source_.lineNumber(); }
  char delimiter() const { return delimiter_; }
  bool compressed() const { return source_.compressed(); }
  const std::vector<std::string>& comments() const { return comments_; }

  // Location of a field (1-based) on the line last returned; 0 = the whole line.
  Location at(long field = 0) const { return {source_.path(), source_.lineNumber(), field}; }

 private:
  TextSource source_;
  char delimiter_ = '\0';
  bool seenRecord_ = false;
  std::vector<std::string> comments_;
  std::string scratch_;
};

// "tab", "comma" or "semicolon", for notes and messages.
const char* delimiterName(char delimiter);

}  // namespace diffbio::io

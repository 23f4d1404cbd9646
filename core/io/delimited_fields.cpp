#include "core/io/delimited_fields.h"

#include <cstring>

namespace diffbio::io {

namespace {

std::string_view trim(std::string_view text, bool trimTabs) {
  auto isSpace = [trimTabs](char c) { return c == ' ' || (trimTabs && c == '\t'); };
  while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
  return text;
}

// The common case, a line without any quote: split with memchr.
void splitUnquoted(std::string_view line, char delimiter, bool trimTabs, std::vector<std::string_view>& fields) {
  const char* p = line.data();
  const char* end = line.data() + line.size();
  for (;;) {
    const char* hit = static_cast<const char*>(std::memchr(p, delimiter, static_cast<std::size_t>(end - p)));
    const char* fieldEnd = hit ? hit : end;
    fields.push_back(trim(std::string_view(p, static_cast<std::size_t>(fieldEnd - p)), trimTabs));
    if (!hit) return;
    p = hit + 1;
  }
}

}  // namespace

char detectDelimiter(std::string_view line) {
  bool inQuotes = false;
  bool tab = false, comma = false, semicolon = false;
  for (char c : line) {
    if (c == '"') inQuotes = !inQuotes;  // a doubled quote toggles twice: still correct
    if (inQuotes) continue;
    tab |= c == '\t';
    comma |= c == ',';
    semicolon |= c == ';';
  }
  return tab ? '\t' : comma ? ',' : semicolon ? ';' : '\0';
}

const char* delimiterName(char delimiter) {
  switch (delimiter) {
    case '\t': return "tab";
    case ',': return "comma";
    case ';': return "semicolon";
    default: return "none";
  }
}

void splitFields(std::string_view line, char delimiter, std::vector<std::string_view>& fields, std::string& scratch,
                 const Location& where) {
  fields.clear();
  const bool trimTabs = delimiter != '\t';
  if (std::memchr(line.data(), '"', line.size()) == nullptr) {
    splitUnquoted(line, delimiter, trimTabs, fields);
    return;
  }
  // Quoted fields: unescaped text is copied into `scratch`, reserved up front so that views into it stay valid
  // (unescaping only ever shortens the text).
  scratch.clear();
  scratch.reserve(line.size() + 1);
  std::size_t i = 0;
  for (;;) {
    std::size_t start = i;
    while (start < line.size() && (line[start] == ' ' || (trimTabs && line[start] == '\t'))) ++start;
    const long fieldNumber = static_cast<long>(fields.size()) + 1;
    if (start < line.size() && line[start] == '"') {
      const std::size_t from = scratch.size();
      std::size_t j = start + 1;
      bool closed = false;
      while (j < line.size()) {
        if (line[j] == '"') {
          if (j + 1 < line.size() && line[j + 1] == '"') {  // "" inside quotes is one quote
            scratch.push_back('"');
            j += 2;
            continue;
          }
          closed = true;
          ++j;
          break;
        }
        scratch.push_back(line[j++]);
      }
      if (!closed) {
        throw InputError({where.file, where.line, fieldNumber}, "field " + std::to_string(fieldNumber) +
                             " opens a quote (\") that is not closed on this line",
                         "close the quote; line breaks inside quoted fields are not supported, so put each record "
                         "on one line");
      }
      while (j < line.size() && (line[j] == ' ' || (trimTabs && line[j] == '\t'))) ++j;
      if (j < line.size() && line[j] != delimiter) {
        throw InputError({where.file, where.line, fieldNumber},
                         "field " + std::to_string(fieldNumber) + " has text after its closing quote",
                         "quote the whole field, and write a quote inside it as two quotes (\"\")");
      }
      fields.emplace_back(scratch.data() + from, scratch.size() - from);
      if (j >= line.size()) return;
      i = j + 1;
      continue;
    }
    const std::size_t hit = line.find(delimiter, start);
    const std::size_t fieldEnd = hit == std::string_view::npos ? line.size() : hit;
    fields.push_back(trim(line.substr(start, fieldEnd - start), trimTabs));
    if (hit == std::string_view::npos) return;
    i = hit + 1;
  }
}

DelimitedLines::DelimitedLines(const std::string& path) : source_(path) {}

bool DelimitedLines::next(std::vector<std::string_view>& fields) {
  std::string_view line;
  while (source_.nextLine(line)) {
    if (source_.lineNumber() == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // UTF-8 BOM
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
    if (!seenRecord_) {
      if (line.front() == '#') {
        comments_.emplace_back(line);
        continue;
      }
      delimiter_ = detectDelimiter(line);
      seenRecord_ = true;
    }
    if (delimiter_ == '\0') {
      fields.assign(1, line);
      return true;
    }
    splitFields(line, delimiter_, fields, scratch_, at());
    return true;
  }
  return false;
}

}  // namespace diffbio::io

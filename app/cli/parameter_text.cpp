#include "app/cli/parameter_text.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "app/cli/commands.h"

namespace diffbio::cli {

namespace {

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// strtoll / strtod on the whole text: "12abc" and "" are errors, not 12 and 0.
std::optional<std::int64_t> wholeNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') return std::nullopt;
  return value;
}

std::optional<double> realNumber(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (errno == ERANGE || *end != '\0') return std::nullopt;
  return value;
}

std::optional<bool> truthValue(const std::string& text) {
  const std::string word = lowered(text);
  if (word == "true" || word == "yes" || word == "on" || word == "1") return true;
  if (word == "false" || word == "no" || word == "off" || word == "0") return false;
  return std::nullopt;
}

ops::GeneList geneList(const std::string& text) {
  ops::GeneList genes;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    if (auto gene = trimmed(text.substr(start, comma - start)); !gene.empty()) genes.push_back(std::move(gene));
    start = comma + 1;
  }
  return genes;
}

ops::ParameterValue read(const ops::ParameterSpec& spec, const std::string& raw, const std::string& what) {
  const std::string text = trimmed(raw);
  auto bad = [&](const char* expected) {
    return UsageError(what + " must be " + expected + ", not \"" + raw + "\"");
  };
  switch (spec.type) {
    case ops::ParameterType::Int:
      if (const auto value = wholeNumber(text)) return *value;
      throw bad("a whole number");
    case ops::ParameterType::Float:
      if (const auto value = realNumber(text)) return *value;
      throw bad("a number (e.g. 0.05 or 1e-3)");
    case ops::ParameterType::Bool:
      if (const auto value = truthValue(text)) return *value;
      throw bad("true or false");
    case ops::ParameterType::Genes: return geneList(text);
    case ops::ParameterType::Path:
      if (spec.outputPath || raw.empty()) return raw;
      return std::filesystem::absolute(raw).lexically_normal().string();
    case ops::ParameterType::Enum:
    case ops::ParameterType::String: return raw;
  }
  return raw;
}

}  // namespace

ops::ParameterValue parseParameterText(const ops::ParameterSpec& spec, const std::string& text,
                                       const std::string& what) {
  ops::ParameterValue value = read(spec, text, what);
  if (const auto problem = spec.problemWith(value)) throw UsageError(what + " " + *problem);
  return value;
}

}  // namespace diffbio::cli

#pragma once
// A small command-line parser shared by the subcommands: `--name value`, `--flag`, and positional arguments.
// Unknown options are errors (a typo must not silently change an analysis).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace diffbio::cli {

class Arguments {
 public:
  // `valued` options take a value (`--out DIR` or `--out=DIR`); `flags` take none. Throws UsageError.
  Arguments(const std::vector<std::string>& args, const std::set<std::string>& valued,
            const std::set<std::string>& flags);

  const std::vector<std::string>& positional() const { return positional_; }
  bool has(const std::string& name) const { return values_.count(name) > 0 || flags_.count(name) > 0; }
  std::optional<std::string> value(const std::string& name) const;
  std::string value(const std::string& name, const std::string& fallback) const;
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

}  // namespace diffbio::cli

#include "core/util/error.h"

namespace diffbio {

std::string Location::describe() const {
  std::string text = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    text += ":" + std::to_string(line);
    if (column > 0) text += ":" + std::to_string(column);
  }
  return text;
}

static std::string composeMessage(const Location& where, const std::string& problem, const std::string& fix) {
  std::string message = where.describe() + ": " + problem;
  if (!fix.empty()) message += "\n  fix: " + fix;
  return message;
}

InputError::InputError(Location where, std::string problem, std::string fix)
    : std::runtime_error(composeMessage(where, problem, fix)),
      where_(std::move(where)),
      problem_(std::move(problem)),
      fix_(std::move(fix)) {}

}  // namespace diffbio

#pragma once
// The one error type a user sees for bad input: what is wrong, where (file, line, column) and how to fix it.
// Readers, the CLI and the GUI all format it the same way, so a message never loses its location.
#include <stdexcept>
#include <string>

namespace diffbio {

struct Location {
  std::string file;   // path as the user gave it; empty when not about a file
  long line = 0;      // 1-based; 0 when not applicable
  long column = 0;    // 1-based; 0 when not applicable
  std::string describe() const;  // "file:line:column", omitting parts that are unknown
};

class InputError : public std::runtime_error {
 public:
  InputError(Location where, std::string problem, std::string fix = {});

  const Location& where() const { return where_; }
  const std::string& problem() const { return problem_; }
  const std::string& fix() const { return fix_; }

 private:
  Location where_;
  std::string problem_;
  std::string fix_;
};

// Thrown when a cancellation token fires; not an error the user has to fix.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace diffbio

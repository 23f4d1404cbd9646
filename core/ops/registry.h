#pragma once
// The one list of operators. The GUI palette and inspector, the pipeline file reader, validation, the CLI
// (`diffbio ops`) and docs/operators.md are all built from it, so an operator exists everywhere once registered.
//
// Built-in operators are registered through the explicit family list in builtin_operators.cpp, which
// Registry::global() runs on first use (the core is a static library, so self-registering object files that
// nothing references would be dropped by the linker).
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ops/operator.h"

namespace diffbio::ops {

using OperatorFactory = std::function<std::unique_ptr<Operator>()>;

class Registry {
 public:
  // The process-wide registry the application uses. Tests may build their own.
  static Registry& global();

  // Checks the spec (see registry.cpp) and adds it. A malformed spec or a duplicate id is a programming error:
  // std::logic_error, raised at start-up rather than when a user first drags the operator.
  void registerOperator(OperatorSpec spec, OperatorFactory factory);

  bool contains(const std::string& id) const { return entries_.count(id) > 0; }
  // Throws InputError naming the unknown id and the closest known ids.
  const OperatorSpec& spec(const std::string& id) const;
  const OperatorSpec* findSpec(const std::string& id) const;  // nullptr when unknown
  std::unique_ptr<Operator> create(const std::string& id) const;

  std::vector<const OperatorSpec*> all() const;  // by category, then id
  std::vector<std::string> categories() const;   // sorted
  std::vector<const OperatorSpec*> inCategory(const std::string& category) const;
  std::vector<std::string> ids() const;          // sorted

 private:
  struct Entry {
    OperatorSpec spec;
    OperatorFactory factory;
  };
  std::map<std::string, Entry> entries_;
};

// Registers into Registry::global() during static initialisation, for operators that live outside the core
// (plug-ins, test operators linked into the test executable itself):
//   namespace { const OperatorRegistration registration(mySpec(), [] { return std::make_unique<MyOperator>(); }); }
struct OperatorRegistration {
  OperatorRegistration(OperatorSpec spec, OperatorFactory factory);
};

// Up to `limit` candidates within a small edit distance of `word`, closest first: the "did you mean" of messages.
std::vector<std::string> closeMatches(const std::string& word, const std::vector<std::string>& candidates,
                                      std::size_t limit = 3);
// " Did you mean "a" or "b"?" or empty: ready to append to a message.
std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace diffbio::ops

#include "core/ops/registry.h"

#include "core/ops/builtin_operators.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/util/error.h"

namespace diffbio::ops {

namespace {

// Ids are written into pipeline files and typed in the CLI: lower case, a family and a name ("de.size_factors").
bool isValidId(const std::string& id) {
  if (id.empty() || id.front() == '.' || id.back() == '.' || id.find('.') == std::string::npos) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'; });
}

void checkPorts(const std::string& id, const std::vector<PortSpec>& ports, const char* side) {
  std::set<std::string> seen;
  for (const auto& port : ports) {
    if (port.name.empty()) throw std::logic_error(id + ": an " + side + " port has no name");
    if (!seen.insert(port.name).second)
      throw std::logic_error(id + ": two " + side + " ports are called \"" + port.name + "\"");
  }
}

void checkParameters(const OperatorSpec& spec) {
  std::set<std::string> seen;
  for (const auto& parameter : spec.parameters) {
    const std::string where = spec.id + ", parameter \"" + parameter.name + "\": ";
    if (parameter.name.empty()) throw std::logic_error(spec.id + ": a parameter has no name");
    if (!seen.insert(parameter.name).second) throw std::logic_error(where + "declared twice");
    if (parameter.type == ParameterType::Enum && parameter.choices.empty())
      throw std::logic_error(where + "an enum without choices");
    if (parameter.minimum && parameter.maximum && *parameter.minimum > *parameter.maximum)
      throw std::logic_error(where + "minimum above maximum");
    // Input paths default to empty (the user must choose a file); every other default must be a valid value.
    const bool emptyInputPath = parameter.type == ParameterType::Path && !parameter.outputPath &&
                                parameter.defaultValue == ParameterValue(std::string());
    if (!emptyInputPath) {
      if (const auto problem = parameter.problemWith(parameter.defaultValue))
        throw std::logic_error(where + "the default " + *problem);
    }
  }
}

void checkSpec(const OperatorSpec& spec) {
  if (!isValidId(spec.id))
    throw std::logic_error("operator id \"" + spec.id + "\" must look like family.name in lower case");
  if (spec.displayName.empty() || spec.category.empty())
    throw std::logic_error(spec.id + ": display name and category are required");
  checkPorts(spec.id, spec.inputs, "input");
  checkPorts(spec.id, spec.outputs, "output");
  checkParameters(spec);
}

std::size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

Registry& Registry::global() {
  // Built once, on first use, with every built-in operator; never destroyed (operators may outlive static teardown).
  static Registry* registry = [] {
    auto* built = new Registry;
    registerBuiltinOperators(*built);
    return built;
  }();
  return *registry;
}

void Registry::registerOperator(OperatorSpec spec, OperatorFactory factory) {
  checkSpec(spec);
  if (!factory) throw std::logic_error(spec.id + ": no factory");
  if (contains(spec.id)) throw std::logic_error("operator \"" + spec.id + "\" is registered twice");
  const std::string id = spec.id;
  entries_.emplace(id, Entry{std::move(spec), std::move(factory)});
}

const OperatorSpec* Registry::findSpec(const std::string& id) const {
  const auto found = entries_.find(id);
  return found == entries_.end() ? nullptr : &found->second.spec;
}

const OperatorSpec& Registry::spec(const std::string& id) const {
  if (const auto* found = findSpec(id)) return *found;
  throw InputError({}, "unknown operator \"" + id + "\"." + didYouMean(id, ids()),
                   "`diffbio ops` lists the operators this version knows");
}

std::unique_ptr<Operator> Registry::create(const std::string& id) const {
  spec(id);  // the InputError for an unknown id
  return entries_.at(id).factory();
}

std::vector<const OperatorSpec*> Registry::all() const {
  std::vector<const OperatorSpec*> specs;
  for (const auto& [id, entry] : entries_) specs.push_back(&entry.spec);
  std::stable_sort(specs.begin(), specs.end(),
                   [](const OperatorSpec* a, const OperatorSpec* b) { return a->category < b->category; });
  return specs;
}

std::vector<std::string> Registry::categories() const {
  std::set<std::string> names;
  for (const auto& [id, entry] : entries_) names.insert(entry.spec.category);
  return {names.begin(), names.end()};
}

std::vector<const OperatorSpec*> Registry::inCategory(const std::string& category) const {
  std::vector<const OperatorSpec*> specs;
  for (const auto& [id, entry] : entries_)
    if (entry.spec.category == category) specs.push_back(&entry.spec);
  return specs;
}

std::vector<std::string> Registry::ids() const {
  std::vector<std::string> result;
  for (const auto& [id, entry] : entries_) result.push_back(id);
  return result;
}

OperatorRegistration::OperatorRegistration(OperatorSpec spec, OperatorFactory factory) {
  Registry::global().registerOperator(std::move(spec), std::move(factory));
}

std::vector<std::string> closeMatches(const std::string& word, const std::vector<std::string>& candidates,
                                      std::size_t limit) {
  // Typos (a third of the word's letters) and a missing family prefix ("size_factors" for "de.size_factors").
  const std::size_t tolerance = std::max<std::size_t>(2, word.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& candidate : candidates) {
    std::size_t distance = editDistance(word, candidate);
    if (!word.empty() && candidate.find(word) != std::string::npos) distance = std::min<std::size_t>(distance, 1);
    if (distance <= tolerance) scored.emplace_back(distance, candidate);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> matches;
  for (std::size_t i = 0; i < scored.size() && i < limit; ++i) matches.push_back(scored[i].second);
  return matches;
}

std::string didYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  const auto matches = closeMatches(word, candidates);
  if (matches.empty()) return {};
  std::string text = " Did you mean ";
  for (std::size_t i = 0; i < matches.size(); ++i) {
    if (i > 0) text += i + 1 == matches.size() ? " or " : ", ";
    text += "\"" + matches[i] + "\"";
  }
  return text + "?";
}

}  // namespace diffbio::ops

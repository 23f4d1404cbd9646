#include "app/cli/pipeline_overrides.h"

#include "app/cli/commands.h"
#include "app/cli/parameter_text.h"

namespace diffbio::cli {

namespace {

struct Assignment {
  std::string target;  // before the first '='
  std::string value;   // after it (may itself contain '=')
};

Assignment split(const std::string& text, const std::string& option, const char* shape) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("--" + option + " takes " + shape + ", not \"" + text + "\"");
  return {text.substr(0, eq), text.substr(eq + 1)};
}

pipeline::Node& findNode(pipeline::Graph& graph, const std::string& id, const std::string& option) {
  if (auto* node = graph.findNode(id)) return *node;
  std::vector<std::string> ids;
  for (const auto& node : graph.nodes()) ids.push_back(node.id);
  throw UsageError("--" + option + ": the pipeline has no node \"" + id + "\"." + ops::didYouMean(id, ids));
}

std::vector<std::string> parameterNames(const ops::OperatorSpec& spec) {
  std::vector<std::string> names;
  for (const auto& parameter : spec.parameters) names.push_back(parameter.name);
  return names;
}

std::string listed(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

void applySet(pipeline::Graph& graph, const std::string& assignment, const ops::Registry& registry) {
  const auto [target, text] = split(assignment, "set", "NODE.PARAM=VALUE");
  // The last dot separates the parameter, so node ids that contain dots still work.
  const auto dot = target.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == target.size())
    throw UsageError("--set takes NODE.PARAM=VALUE, not \"" + assignment + "\"");
  pipeline::Node& node = findNode(graph, target.substr(0, dot), "set");
  const std::string name = target.substr(dot + 1);
  const auto& spec = registry.spec(node.operatorId);
  const auto* parameter = spec.findParameter(name);
  if (!parameter) {
    const auto names = parameterNames(spec);
    throw UsageError("--set: node \"" + node.id + "\" (" + spec.id + ") has no parameter \"" + name + "\"." +
                     ops::didYouMean(name, names) + " Its parameters: " + listed(names) + ".");
  }
  node.parameters.set(name, parseParameterText(*parameter, text, node.id + "." + name));
}

void applyInput(pipeline::Graph& graph, const std::string& assignment, const ops::Registry& registry) {
  const auto [id, path] = split(assignment, "input", "NODE=PATH");
  pipeline::Node& node = findNode(graph, id, "input");
  const auto& spec = registry.spec(node.operatorId);
  std::vector<const ops::ParameterSpec*> inputPaths;
  for (const auto& parameter : spec.parameters)
    if (parameter.type == ops::ParameterType::Path && !parameter.outputPath) inputPaths.push_back(&parameter);
  const std::string what = "--input: node \"" + node.id + "\" (" + spec.id + ")";
  if (inputPaths.empty()) throw UsageError(what + " reads no file; --input is for loader nodes");
  if (inputPaths.size() > 1) {
    std::vector<std::string> names;
    for (const auto* parameter : inputPaths) names.push_back(parameter->name);
    throw UsageError(what + " reads several files (" + listed(names) + "); use --set " + node.id +
                     ".PARAM=PATH to choose one");
  }
  if (path.empty()) throw UsageError("--input " + node.id + "= needs a file");
  const auto& parameter = *inputPaths.front();
  node.parameters.set(parameter.name, parseParameterText(parameter, path, node.id + "." + parameter.name));
}

}  // namespace diffbio::cli

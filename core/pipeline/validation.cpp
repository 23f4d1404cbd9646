#include "core/pipeline/validation.h"

#include <map>

#include "core/util/error.h"

namespace diffbio::pipeline {

namespace {

std::string quote(const std::string& text) { return "\"" + text + "\""; }

// `node "sf" (Size factors)`; the display name only when the operator is known.
std::string describeNode(const Node& node, const ops::OperatorSpec* spec) {
  std::string text = "node " + quote(node.id);
  if (spec) text += " (" + spec->displayName + ")";
  return text;
}

std::string withArticle(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string("aeiou").find(noun.front()) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

std::vector<std::string> portNames(const std::vector<ops::PortSpec>& ports) {
  std::vector<std::string> names;
  for (const auto& port : ports) names.push_back(port.name);
  return names;
}

std::string listOrNone(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

class Validator {
 public:
  Validator(const Graph& graph, const ops::Registry& registry) : graph_(graph), registry_(registry) {
    for (const auto& node : graph.nodes()) specs_[node.id] = registry.findSpec(node.operatorId);
  }

  std::vector<Problem> run() {
    for (const auto& node : graph_.nodes()) {
      checkOperator(node);
      checkParameters(node);
    }
    for (const auto& edge : graph_.edges()) checkEdge(edge);
    for (const auto& node : graph_.nodes()) checkInputs(node);
    checkCycle();
    return std::move(problems_);
  }

 private:
  void report(std::string node, std::string port, std::string parameter, std::string message) {
    problems_.push_back(Problem{std::move(node), std::move(port), std::move(parameter), std::move(message)});
  }

  void checkOperator(const Node& node) {
    if (specs_.at(node.id)) return;
    report(node.id, {}, {},
           "Node " + quote(node.id) + " uses the operator " + quote(node.operatorId) +
               ", which this version of DiffBio Studio does not know." +
               ops::didYouMean(node.operatorId, registry_.ids()));
  }

  void checkParameters(const Node& node) {
    const auto* spec = specs_.at(node.id);
    if (!spec) return;  // already reported; its parameters cannot be judged
    std::vector<std::string> known;
    for (const auto& parameter : spec->parameters) known.push_back(parameter.name);
    for (const auto& [name, value] : node.parameters) {
      const auto* parameter = spec->findParameter(name);
      if (!parameter) {
        report(node.id, {}, name,
               "The " + describeNode(node, spec) + " has no parameter " + quote(name) + "." +
                   ops::didYouMean(name, known));
        continue;
      }
      if (const auto problem = parameter->problemWith(value))
        report(node.id, {}, name, "Parameter " + quote(name) + " of " + describeNode(node, spec) + " " + *problem + ".");
    }
  }

  void checkEdge(const Edge& edge) {
    const Node* from = graph_.findNode(edge.fromNode);
    const Node* to = graph_.findNode(edge.toNode);
    if (!from || !to) {
      const std::string missing = from ? edge.toNode : edge.fromNode;
      report(from ? edge.fromNode : edge.toNode, from ? edge.fromPort : edge.toPort, {},
             "A connection refers to node " + quote(missing) + ", which is not in the pipeline.");
      return;
    }
    const auto* fromSpec = specs_.at(from->id);
    const auto* toSpec = specs_.at(to->id);
    if (!fromSpec || !toSpec) return;  // unknown operator already reported
    const auto* output = fromSpec->findOutput(edge.fromPort);
    const auto* input = toSpec->findInput(edge.toPort);
    if (!output)
      report(from->id, edge.fromPort, {},
             "The " + describeNode(*from, fromSpec) + " has no output " + quote(edge.fromPort) +
                 "; its outputs are: " + listOrNone(portNames(fromSpec->outputs)) + ".");
    if (!input)
      report(to->id, edge.toPort, {},
             "The " + describeNode(*to, toSpec) + " has no input " + quote(edge.toPort) +
                 "; its inputs are: " + listOrNone(portNames(toSpec->inputs)) + ".");
    if (!output || !input) return;
    if (!ops::isCompatible(output->type, input->type))
      report(to->id, edge.toPort, {},
             "Input " + quote(edge.toPort) + " of " + describeNode(*to, toSpec) + " needs " +
                 withArticle(ops::portTypeDisplay(input->type)) + ", but it is connected to output " +
                 quote(edge.fromPort) + " of " + describeNode(*from, fromSpec) + ", which gives " +
                 withArticle(ops::portTypeDisplay(output->type)) + ".");
  }

  void checkInputs(const Node& node) {
    const auto* spec = specs_.at(node.id);
    if (!spec) return;
    std::map<std::string, std::vector<std::string>> sources;
    for (const auto& edge : graph_.edgesInto(node.id)) sources[edge.toPort].push_back(edge.fromNode);
    for (const auto& input : spec->inputs) {
      const auto& from = sources[input.name];
      if (from.size() > 1) {
        std::string list;
        for (const auto& source : from) list += (list.empty() ? "" : " and ") + quote(source);
        report(node.id, input.name, {},
               "Input " + quote(input.name) + " of " + describeNode(node, spec) + " is connected twice (from " +
                   list + "); an input takes one connection.");
      }
      if (from.empty() && input.required)
        report(node.id, input.name, {},
               "The " + describeNode(node, spec) + " needs input " + quote(input.name) + " (" +
                   withArticle(ops::portTypeDisplay(input.type)) + "), but nothing is connected to it.");
    }
  }

  void checkCycle() {
    const auto sorted = topologicalOrder(graph_);
    if (sorted.cycle.empty()) return;
    if (sorted.cycle.size() == 1) {
      report(sorted.cycle.front(), {}, {},
             "Node " + quote(sorted.cycle.front()) +
                 " is connected to itself; a pipeline must flow in one direction. Remove that connection.");
      return;
    }
    std::string loop;
    for (const auto& id : sorted.cycle) loop += quote(id) + " -> ";
    loop += quote(sorted.cycle.front());
    report(sorted.cycle.front(), {}, {},
           "Nodes " + loop + " form a loop; a pipeline must flow in one direction. Remove one of these connections.");
  }

  const Graph& graph_;
  const ops::Registry& registry_;
  std::map<std::string, const ops::OperatorSpec*> specs_;
  std::vector<Problem> problems_;
};

}  // namespace

std::vector<Problem> validate(const Graph& graph, const ops::Registry& registry) {
  return Validator(graph, registry).run();
}

void throwIfInvalid(const Graph& graph, const std::string& source, const ops::Registry& registry) {
  const auto problems = validate(graph, registry);
  if (problems.empty()) return;
  std::string text = problems.size() == 1 ? "the pipeline has a problem:"
                                          : "the pipeline has " + std::to_string(problems.size()) + " problems:";
  for (const auto& problem : problems) text += "\n  - " + problem.message;
  throw InputError(Location{source}, text, "fix these in the pipeline editor or the pipeline file");
}

}  // namespace diffbio::pipeline

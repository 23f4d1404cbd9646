#include "widgets/results/read_qc_figures.h"

#include <algorithm>
#include <set>

#include "core/ops/registry.h"
#include "widgets/jobs/job_runner.h"

namespace diffbio::widgets {

namespace {

const ops::PortSpec* readsPort(const std::vector<ops::PortSpec>& ports) {
  for (const auto& port : ports)
    if (port.type == ops::PortType::Reads) return &port;
  return nullptr;
}

}  // namespace

std::string ReadQcSources::key() const {
  return std::to_string(input ? input->serial() : 0) + "/" + std::to_string(output ? output->serial() : 0) + "/" +
         adapter + "/" + std::to_string(minOverlap) + "/" + std::to_string(qualityThreshold);
}

std::optional<ReadQcSources> findReadQcSources(const pipeline::Graph& graph, const JobRunner& runner) {
  const auto& registry = ops::Registry::global();
  const pipeline::TopologicalOrder order = pipeline::topologicalOrder(graph);
  ReadQcSources sources;
  std::set<std::string> downstream;
  for (const std::string& id : order.order) {
    const pipeline::Node& node = graph.node(id);
    const ops::OperatorSpec* spec = registry.findSpec(node.operatorId);
    if (!spec) continue;
    const ops::PortSpec* out = readsPort(spec->outputs);
    if (!out || runner.status(id).state != pipeline::NodeState::Done) continue;
    const ops::ValuePtr value = runner.output(id, out->name);
    if (!value) continue;
    if (!sources.input) {
      if (readsPort(spec->inputs)) continue;  // a stage whose loader is not done
      sources.input = sources.output = value;
      sources.inputNode = sources.outputNode = id;
      const auto below = graph.descendants(id);
      downstream.insert(below.begin(), below.end());
      continue;
    }
    if (!downstream.count(id)) continue;  // a second, unrelated reads branch
    // The stages' chain, not a side branch such as a training node's re-filtered reads; what a summary node reads
    // wins below.
    if (node.operatorId.rfind("train.", 0) != 0) {
      sources.output = value;
      sources.outputNode = id;
    }
    const ops::ParameterValues parameters = spec->withDefaults(node.parameters);
    if (node.operatorId == "reads.adapter_removal" && parameters.flag("enabled")) {
      sources.adapter = parameters.text("adapter");
      sources.minOverlap = static_cast<int>(std::max<std::int64_t>(1, parameters.integer("min_overlap")));
    }
    if (node.operatorId == "reads.quality_filter" && parameters.flag("enabled"))
      sources.qualityThreshold = parameters.real("threshold");
  }
  if (!sources.input) return std::nullopt;
  for (const auto& node : graph.nodes()) {
    if (node.operatorId != "reads.summary") continue;
    for (const auto& edge : graph.edgesInto(node.id)) {
      if (!downstream.count(edge.fromNode) && edge.fromNode != sources.inputNode) continue;
      if (runner.status(edge.fromNode).state != pipeline::NodeState::Done) continue;
      if (const ops::ValuePtr value = runner.output(edge.fromNode, edge.fromPort)) {
        sources.output = value;
        sources.outputNode = edge.fromNode;
      }
    }
  }
  return sources;
}

}  // namespace diffbio::widgets

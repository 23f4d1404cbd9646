#include "core/pipeline/executor.h"

#include <chrono>
#include <optional>
#include <set>

#include "core/pipeline/validation.h"
#include "core/util/error.h"

namespace diffbio::pipeline {

const char* nodeStateName(NodeState state) {
  switch (state) {
    case NodeState::Idle: return "idle";
    case NodeState::Stale: return "stale";
    case NodeState::Queued: return "queued";
    case NodeState::Running: return "running";
    case NodeState::Done: return "done";
    case NodeState::Failed: return "failed";
  }
  return "";
}

namespace {

// The exact text of everything a node's result depends on. Kept as text rather than a hash: a few hundred bytes
// per node, and no collision can ever hand back a wrong result.
std::string cacheKey(const std::string& operatorId, const ops::ParameterValues& parameters,
                     const std::map<std::string, std::uint64_t>& inputSerials) {
  std::string key = operatorId + "\n";
  for (const auto& [name, value] : parameters) key += name + "=" + value.toString() + "\n";
  for (const auto& [port, serial] : inputSerials) key += "<" + port + "=" + std::to_string(serial) + "\n";
  return key;
}

// A node that writes files must run again when the output folder changes, or the new folder would stay empty.
bool writesFiles(const ops::OperatorSpec& spec) {
  for (const auto& parameter : spec.parameters)
    if (parameter.outputPath) return true;
  return false;
}

// What the node shows: the problem and the fix, without the "<input>:" prefix of an error that names no file.
std::string messageOf(const InputError& error) {
  if (!error.where().file.empty()) return error.what();
  return error.fix().empty() ? error.problem() : error.problem() + "\n  fix: " + error.fix();
}

// An operator that breaks its spec is a bug; say so plainly rather than letting a consumer fail obscurely.
std::string checkOutputs(const ops::OperatorSpec& spec, const ops::OperatorOutputs& outputs) {
  const std::string bug = " (a bug in the operator " + spec.id + ")";
  for (const auto& port : spec.outputs)
    if (port.required && !outputs.count(port.name)) return "produced no value for output \"" + port.name + "\"" + bug;
  for (const auto& [name, value] : outputs) {
    const auto* port = spec.findOutput(name);
    if (!port) return "produced an undeclared output \"" + name + "\"" + bug;
    if (!value) return "produced an empty value for output \"" + name + "\"" + bug;
    if (!ops::isCompatible(value->type(), port->type))
      return "produced a " + std::string(ops::portTypeDisplay(value->type())) + " on output \"" + name +
             "\", which is declared as " + ops::portTypeDisplay(port->type) + bug;
  }
  return {};
}

NodeStatus inState(NodeState state) {
  NodeStatus status;
  status.state = state;
  return status;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

Executor::Executor(const ops::Registry& registry) : registry_(registry) {}

RunSummary Executor::run(const Graph& original, const CancelToken& cancel, ExecutionListener* listener) {
  const Graph graph = original;
  throwIfInvalid(graph, {}, registry_);
  const auto order = topologicalOrder(graph).order;

  {
    // Forget nodes that were removed from the graph.
    std::lock_guard lock(mutex_);
    for (auto it = cache_.begin(); it != cache_.end();)
      it = graph.findNode(it->first) ? std::next(it) : cache_.erase(it);
    for (auto it = status_.begin(); it != status_.end();)
      it = graph.findNode(it->first) ? std::next(it) : status_.erase(it);
  }
  for (const auto& id : order)
    if (status(id).state != NodeState::Done) setStatus(id, inState(NodeState::Queued), listener);

  RunSummary summary;
  for (const auto& id : order) {
    if (cancel.cancelled()) {
      summary.cancelled = true;
      break;
    }
    switch (runNode(graph, graph.node(id), cancel, listener)) {
      case Outcome::Ran: ++summary.executed; break;
      case Outcome::Reused: ++summary.reused; break;
      case Outcome::Failed: summary.failed.push_back(id); break;
      case Outcome::Blocked: break;
      case Outcome::Cancelled: summary.cancelled = true; break;
    }
    if (summary.cancelled) break;
  }
  if (summary.cancelled)
    for (const auto& id : order)
      if (status(id).state == NodeState::Queued) setStatus(id, inState(NodeState::Stale), listener);
  return summary;
}

Executor::Outcome Executor::runNode(const Graph& graph, const Node& node, const CancelToken& cancel,
                                    ExecutionListener* listener) {
  const auto& spec = registry_.spec(node.operatorId);

  // Gather inputs: the very values upstream produced (shared, not copied).
  ops::OperatorInputs inputs;
  std::map<std::string, std::uint64_t> inputSerials;
  train::TrainingContext training{trainingObserver_, trainingPause_, {}};
  std::string trainableInputs;  // in a training node's key: marking an upstream node trainable changes what it learns
  for (const auto& edge : graph.edgesInto(node.id)) {
    const ops::ValuePtr value = output(edge.fromNode, edge.fromPort);
    if (value) {
      inputs.set(edge.toPort, value);
      inputSerials[edge.toPort] = value->serial();
      const Node& source = graph.node(edge.fromNode);
      training.inputs[edge.toPort] = {source.id, source.operatorId, edge.fromPort, source.trainable,
                                      registry_.spec(source.operatorId).withDefaults(source.parameters)};
      if (source.trainable) trainableInputs += "*" + edge.toPort + "\n";
      continue;
    }
    const bool upstreamDone = status(edge.fromNode).state == NodeState::Done;
    if (upstreamDone && !spec.findInput(edge.toPort)->required) continue;  // an optional output left empty
    NodeStatus waiting = inState(NodeState::Stale);
    waiting.message = upstreamDone ? "node \"" + edge.fromNode + "\" gave no value on \"" + edge.fromPort + "\""
                                   : "waits for node \"" + edge.fromNode + "\", which did not finish";
    {
      // Outputs from an earlier run must not flow on as if they matched the current upstream.
      std::lock_guard lock(mutex_);
      cache_.erase(node.id);
    }
    setStatus(node.id, waiting, listener);
    return Outcome::Blocked;
  }

  const auto parameters = spec.withDefaults(node.parameters);
  std::string key = cacheKey(node.operatorId, parameters, inputSerials);
  if (train::isTrainingOperator(spec)) key += trainableInputs;
  if (writesFiles(spec)) key += ">" + outputFolder_.string() + "\n";
  std::optional<NodeStatus> reused;
  {
    std::lock_guard lock(mutex_);
    const auto cached = cache_.find(node.id);
    if (cached != cache_.end() && cached->second.key == key && status_[node.id].state == NodeState::Done) {
      status_[node.id].reused = true;
      reused = status_[node.id];
    } else {
      // Outdated outputs go now, so a cancelled or failed re-run never leaves them looking current.
      cache_.erase(node.id);
    }
  }
  if (reused) {
    if (listener) listener->nodeStatusChanged(node.id, *reused);
    return Outcome::Reused;
  }

  setStatus(node.id, inState(NodeState::Running), listener);
  const auto start = std::chrono::steady_clock::now();
  NodeStatus finished;
  try {
    ops::RunContext context(cancel, folder_, node.id,
                            [&](double fraction) { setProgress(node.id, fraction, listener); });
    context.setOutputFolder(outputFolder_);
    context.setTraining(&training);
    auto op = registry_.create(node.operatorId);
    ops::OperatorOutputs outputs = op->run(inputs, parameters, context);
    finished.seconds = secondsSince(start);
    if (const auto problem = checkOutputs(spec, outputs); !problem.empty()) {
      finished.state = NodeState::Failed;
      finished.message = "The operator " + problem + ".";
    } else {
      std::lock_guard lock(mutex_);
      cache_[node.id] = Cached{key, std::move(outputs)};
      finished.state = NodeState::Done;
      finished.progress = 1;
    }
  } catch (const Cancelled&) {
    finished = inState(NodeState::Stale);
    finished.seconds = secondsSince(start);
    finished.message = "cancelled";
    setStatus(node.id, finished, listener);
    return Outcome::Cancelled;
  } catch (const InputError& error) {
    finished.state = NodeState::Failed;
    finished.message = messageOf(error);
  } catch (const std::exception& error) {
    finished.state = NodeState::Failed;
    finished.message = error.what();
  }
  if (finished.state == NodeState::Failed) finished.seconds = secondsSince(start);
  setStatus(node.id, finished, listener);
  return finished.state == NodeState::Done ? Outcome::Ran : Outcome::Failed;
}

std::vector<std::string> Executor::markStale(const Graph& graph, const std::string& nodeId) {
  std::vector<std::string> affected{nodeId};
  for (const auto& id : graph.descendants(nodeId)) affected.push_back(id);
  std::lock_guard lock(mutex_);
  for (const auto& id : affected) {
    cache_.erase(id);
    const bool everRun = status_.count(id) && status_[id].state != NodeState::Idle;
    status_[id] = inState(everRun ? NodeState::Stale : NodeState::Idle);
  }
  return affected;
}

NodeStatus Executor::status(const std::string& nodeId) const {
  std::lock_guard lock(mutex_);
  const auto found = status_.find(nodeId);
  return found == status_.end() ? NodeStatus{} : found->second;
}

ops::ValuePtr Executor::output(const std::string& nodeId, const std::string& port) const {
  std::lock_guard lock(mutex_);
  const auto node = cache_.find(nodeId);
  if (node == cache_.end()) return nullptr;
  const auto value = node->second.outputs.find(port);
  return value == node->second.outputs.end() ? nullptr : value->second;
}

void Executor::clear() {
  std::lock_guard lock(mutex_);
  cache_.clear();
  status_.clear();
}

void Executor::setStatus(const std::string& nodeId, NodeStatus status, ExecutionListener* listener) {
  {
    std::lock_guard lock(mutex_);
    status_[nodeId] = status;
  }
  if (listener) listener->nodeStatusChanged(nodeId, status);
}

void Executor::setProgress(const std::string& nodeId, double fraction, ExecutionListener* listener) {
  NodeStatus copy;
  {
    std::lock_guard lock(mutex_);
    NodeStatus& status = status_[nodeId];
    status.progress = fraction;
    copy = status;
  }
  if (listener) listener->nodeStatusChanged(nodeId, copy);
}

}  // namespace diffbio::pipeline

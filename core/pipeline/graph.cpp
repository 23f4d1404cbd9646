#include "core/pipeline/graph.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

namespace diffbio::pipeline {

Node& Graph::addNode(std::string id, std::string operatorId, ops::ParameterValues parameters, Position position) {
  if (id.empty()) throw std::invalid_argument("a node needs an id");
  if (findNode(id)) throw std::invalid_argument("there is already a node \"" + id + "\"");
  nodes_.push_back(Node{std::move(id), std::move(operatorId), std::move(parameters), position});
  return nodes_.back();
}

void Graph::removeNode(const std::string& id) {
  nodes_.erase(std::remove_if(nodes_.begin(), nodes_.end(), [&](const Node& n) { return n.id == id; }), nodes_.end());
  edges_.erase(std::remove_if(edges_.begin(), edges_.end(),
                              [&](const Edge& e) { return e.fromNode == id || e.toNode == id; }),
               edges_.end());
}

void Graph::connect(Edge edge) {
  if (std::find(edges_.begin(), edges_.end(), edge) == edges_.end()) edges_.push_back(std::move(edge));
}

void Graph::disconnect(const Edge& edge) { edges_.erase(std::remove(edges_.begin(), edges_.end(), edge), edges_.end()); }

const Node* Graph::findNode(const std::string& id) const {
  for (const auto& n : nodes_)
    if (n.id == id) return &n;
  return nullptr;
}

Node* Graph::findNode(const std::string& id) {
  return const_cast<Node*>(static_cast<const Graph&>(*this).findNode(id));
}

const Node& Graph::node(const std::string& id) const {
  if (const auto* found = findNode(id)) return *found;
  throw std::out_of_range("no node \"" + id + "\"");
}

Node& Graph::node(const std::string& id) { return const_cast<Node&>(static_cast<const Graph&>(*this).node(id)); }

void Graph::setParameter(const std::string& nodeId, const std::string& name, ops::ParameterValue value) {
  node(nodeId).parameters.set(name, std::move(value));
}

std::vector<Edge> Graph::edgesInto(const std::string& nodeId) const {
  std::vector<Edge> result;
  for (const auto& e : edges_)
    if (e.toNode == nodeId) result.push_back(e);
  return result;
}

std::vector<Edge> Graph::edgesFrom(const std::string& nodeId) const {
  std::vector<Edge> result;
  for (const auto& e : edges_)
    if (e.fromNode == nodeId) result.push_back(e);
  return result;
}

std::vector<std::string> Graph::descendants(const std::string& nodeId) const {
  std::vector<std::string> found;
  std::set<std::string> seen{nodeId};
  std::vector<std::string> frontier{nodeId};
  while (!frontier.empty()) {
    const std::string current = frontier.back();
    frontier.pop_back();
    for (const auto& e : edges_)
      if (e.fromNode == current && seen.insert(e.toNode).second) {
        found.push_back(e.toNode);
        frontier.push_back(e.toNode);
      }
  }
  return found;
}

std::string Graph::uniqueId(const std::string& base) const {
  if (!findNode(base)) return base;
  for (int suffix = 2;; ++suffix) {
    const std::string candidate = base + "_" + std::to_string(suffix);
    if (!findNode(candidate)) return candidate;
  }
}

bool Graph::operator==(const Graph& other) const {
  if (nodes_.size() != other.nodes_.size() || edges_ != other.edges_) return false;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node& a = nodes_[i];
    const Node& b = other.nodes_[i];
    if (a.id != b.id || a.operatorId != b.operatorId || !(a.parameters == b.parameters) || !(a.position == b.position) ||
        a.trainable != b.trainable)
      return false;
  }
  return true;
}

TopologicalOrder topologicalOrder(const Graph& graph) {
  // Kahn's algorithm, taking ready nodes in insertion order so the order is stable from run to run.
  std::map<std::string, int> pendingInputs;
  for (const auto& n : graph.nodes()) pendingInputs[n.id] = 0;
  for (const auto& e : graph.edges())
    if (pendingInputs.count(e.fromNode) && pendingInputs.count(e.toNode)) ++pendingInputs[e.toNode];

  TopologicalOrder result;
  std::set<std::string> placed;
  bool progressed = true;
  while (progressed) {
    progressed = false;
    for (const auto& n : graph.nodes()) {
      if (placed.count(n.id) || pendingInputs[n.id] > 0) continue;
      placed.insert(n.id);
      result.order.push_back(n.id);
      for (const auto& e : graph.edgesFrom(n.id))
        if (pendingInputs.count(e.toNode)) --pendingInputs[e.toNode];
      progressed = true;
    }
  }
  if (result.order.size() == graph.nodes().size()) return result;

  // Every unplaced node has an unplaced predecessor: walking predecessors must revisit a node, which closes a loop.
  std::string current;
  for (const auto& n : graph.nodes())
    if (!placed.count(n.id)) current = n.id;
  std::vector<std::string> path;
  std::map<std::string, std::size_t> positionInPath;
  while (!positionInPath.count(current)) {
    positionInPath[current] = path.size();
    path.push_back(current);
    for (const auto& e : graph.edgesInto(current))
      if (pendingInputs.count(e.fromNode) && !placed.count(e.fromNode)) {
        current = e.fromNode;
        break;
      }
  }
  // path holds the walk backwards along edges; the loop is its tail from `current`, reversed into edge direction.
  result.cycle.assign(path.begin() + static_cast<long>(positionInPath[current]), path.end());
  std::reverse(result.cycle.begin(), result.cycle.end());
  result.order.clear();
  return result;
}

}  // namespace diffbio::pipeline

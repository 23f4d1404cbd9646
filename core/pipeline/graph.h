#pragma once
// A pipeline as data: nodes (an operator id, the parameter values the user set, a canvas position) and edges from an
// output port to an input port. The graph knows nothing of the registry, the executor or the canvas, so it can be
// edited freely (also into invalid states while the user works); validation.h says what is wrong with it.
#include <optional>
#include <string>
#include <vector>

#include "core/ops/operator.h"

namespace diffbio::pipeline {

struct Position {
  double x = 0;
  double y = 0;
  bool operator==(const Position& other) const { return x == other.x && y == other.y; }
};

struct Node {
  std::string id;          // unique in the graph; shown on the canvas and in messages
  std::string operatorId;  // a registry id, e.g. "de.size_factors"
  ops::ParameterValues parameters;  // only those set; the operator's defaults apply to the rest
  Position position;
  // Marks the quantities this node computes as learnable by a training node downstream (training_operator.h).
  // Saved in the pipeline file only when true.
  bool trainable = false;
};

struct Edge {
  std::string fromNode;
  std::string fromPort;  // an output of fromNode
  std::string toNode;
  std::string toPort;    // an input of toNode
  bool operator==(const Edge& other) const {
    return fromNode == other.fromNode && fromPort == other.fromPort && toNode == other.toNode &&
           toPort == other.toPort;
  }
};

class Graph {
 public:
  // Throws std::invalid_argument when the id is empty or taken (uniqueId() makes a free one).
  Node& addNode(std::string id, std::string operatorId, ops::ParameterValues parameters = {}, Position position = {});
  void removeNode(const std::string& id);  // with its edges
  // Adds an edge; does not check ports or types (validation does), but an exact duplicate is ignored.
  void connect(Edge edge);
  void disconnect(const Edge& edge);

  const Node* findNode(const std::string& id) const;
  Node* findNode(const std::string& id);
  const Node& node(const std::string& id) const;  // throws std::out_of_range
  Node& node(const std::string& id);
  void setParameter(const std::string& nodeId, const std::string& name, ops::ParameterValue value);

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }
  std::vector<Edge> edgesInto(const std::string& nodeId) const;
  std::vector<Edge> edgesFrom(const std::string& nodeId) const;
  // Every node reachable downstream of `nodeId`, not including it; stops at cycles.
  std::vector<std::string> descendants(const std::string& nodeId) const;

  // "base", or "base_2", "base_3", ... whichever is free.
  std::string uniqueId(const std::string& base) const;

  bool operator==(const Graph& other) const;

 private:
  std::vector<Node> nodes_;  // in insertion order, which files and the canvas keep
  std::vector<Edge> edges_;
};

// Nodes in an order where every edge points forward; on a cycle, `order` is empty and `cycle` lists one loop
// (first node repeated at the end is left out: a -> b -> c means c connects back to a).
struct TopologicalOrder {
  std::vector<std::string> order;
  std::vector<std::string> cycle;
};
// Ignores edges that name missing nodes (validation reports those).
TopologicalOrder topologicalOrder(const Graph& graph);

}  // namespace diffbio::pipeline

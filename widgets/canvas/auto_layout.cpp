#include "widgets/canvas/auto_layout.h"

#include <algorithm>

#include "widgets/canvas/node_geometry.h"

namespace diffbio::widgets {

std::map<std::string, pipeline::Position> layeredLayout(const pipeline::Graph& graph, const ops::Registry& registry) {
  constexpr double kColumnGap = 90;
  constexpr double kRowGap = 40;

  // Column = longest path from a source; nodes on a cycle (invalid graphs) keep column 0.
  std::map<std::string, int> column;
  const auto order = pipeline::topologicalOrder(graph).order;
  for (const auto& node : graph.nodes()) column[node.id] = 0;
  for (const auto& id : order)
    for (const auto& edge : graph.edgesFrom(id))
      if (column.count(edge.toNode)) column[edge.toNode] = std::max(column[edge.toNode], column[id] + 1);

  int columns = 0;
  for (const auto& [id, c] : column) columns = std::max(columns, c + 1);
  std::vector<std::vector<std::string>> layers(columns);
  for (const auto& node : graph.nodes()) layers[column[node.id]].push_back(node.id);

  // Order each column by the mean rank of its inputs in the previous columns (barycentre heuristic).
  std::map<std::string, double> rank;
  for (int c = 0; c < columns; ++c) {
    auto& layer = layers[c];
    std::map<std::string, double> key;
    for (std::size_t i = 0; i < layer.size(); ++i) {
      double sum = 0;
      int n = 0;
      for (const auto& edge : graph.edgesInto(layer[i]))
        if (rank.count(edge.fromNode)) {
          sum += rank[edge.fromNode];
          ++n;
        }
      key[layer[i]] = n ? sum / n : static_cast<double>(i);
    }
    std::stable_sort(layer.begin(), layer.end(), [&](const auto& a, const auto& b) { return key[a] < key[b]; });
    for (std::size_t i = 0; i < layer.size(); ++i) rank[layer[i]] = static_cast<double>(i);
  }

  auto heightOf = [&](const std::string& id) {
    const auto* spec = registry.findSpec(graph.node(id).operatorId);
    return spec ? node_geometry::height(*spec) : node_geometry::kHeader + node_geometry::kPortRow + node_geometry::kFooter;
  };
  // Columns are centred vertically on each other so short columns sit in the middle of tall ones.
  std::vector<double> totals(columns, 0);
  double tallest = 0;
  for (int c = 0; c < columns; ++c) {
    for (const auto& id : layers[c]) totals[c] += heightOf(id);
    totals[c] += kRowGap * std::max<std::size_t>(layers[c].size(), 1) - kRowGap;
    tallest = std::max(tallest, totals[c]);
  }
  std::map<std::string, pipeline::Position> positions;
  for (int c = 0; c < columns; ++c) {
    double y = (tallest - totals[c]) / 2;
    for (const auto& id : layers[c]) {
      positions[id] = {c * (node_geometry::kWidth + kColumnGap), y};
      y += heightOf(id) + kRowGap;
    }
  }
  return positions;
}

}  // namespace diffbio::widgets

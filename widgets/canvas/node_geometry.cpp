#include "widgets/canvas/node_geometry.h"

#include <functional>

namespace diffbio::widgets::node_geometry {

QColor portColour(ops::PortType type) {
  using ops::PortType;
  switch (type) {
    case PortType::Counts:
    case PortType::BulkCounts:
    case PortType::SingleCellCounts: return QColor(0, 114, 178);
    case PortType::SampleTable:
    case PortType::Table: return QColor(0, 158, 115);
    case PortType::Reads: return QColor(204, 121, 167);
    case PortType::Matrix:
    case PortType::Embedding: return QColor(86, 180, 233);
    case PortType::CellGraph: return QColor(120, 94, 240);
    case PortType::Labels: return QColor(230, 159, 0);
    case PortType::Model: return QColor(213, 94, 0);
    case PortType::Metrics: return QColor(150, 150, 150);
    case PortType::Design: return QColor(170, 120, 40);
    case PortType::SizeFactors: return QColor(100, 143, 255);
    case PortType::Dispersions: return QColor(220, 38, 127);
  }
  return QColor(120, 120, 120);
}

QColor categoryColour(const std::string& category) {
  if (category == "Input") return QColor(46, 110, 170);
  if (category == "Output") return QColor(70, 130, 90);
  if (category == "Differential expression") return QColor(150, 80, 40);
  if (category == "Simulation") return QColor(110, 90, 150);
  // Other families get a stable muted hue from their name.
  const auto hue = static_cast<int>(std::hash<std::string>{}(category) % 360);
  return QColor::fromHsl(hue, 90, 95);
}

}  // namespace diffbio::widgets::node_geometry

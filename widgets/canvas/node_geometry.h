#pragma once
// The sizes of a node on the canvas, shared by the node item, the connection hit-testing and the automatic layout
// (which must know how tall each node is to stack them without overlap).
#include <QColor>
#include <QPointF>
#include <QRectF>

#include <algorithm>

#include "core/ops/operator.h"

namespace diffbio::widgets::node_geometry {

constexpr double kWidth = 190;
constexpr double kHeader = 28;
constexpr double kPortRow = 20;
constexpr double kFooter = 24;   // the state line (stale, running 40 %, done in 0.3 s, failed)
constexpr double kPortRadius = 5.5;

inline int portRows(const ops::OperatorSpec& spec) {
  return static_cast<int>(std::max<std::size_t>({spec.inputs.size(), spec.outputs.size(), 1}));
}
inline double height(const ops::OperatorSpec& spec) { return kHeader + portRows(spec) * kPortRow + kFooter; }
inline QRectF bounds(const ops::OperatorSpec& spec) { return QRectF(0, 0, kWidth, height(spec)); }
// Port centres in the node's own coordinates.
inline QPointF inputPort(int index) { return QPointF(0, kHeader + (index + 0.5) * kPortRow); }
inline QPointF outputPort(int index) { return QPointF(kWidth, kHeader + (index + 0.5) * kPortRow); }

// One colour per data type, so compatible ports are recognisable at a glance.
QColor portColour(ops::PortType type);
// The header colour of an operator's category.
QColor categoryColour(const std::string& category);

}  // namespace diffbio::widgets::node_geometry

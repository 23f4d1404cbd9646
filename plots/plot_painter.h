#pragma once
// Draws a PlotModel with QPainter. This is the only painting code: the widget, PNG, SVG and PDF all call it, so what
// is exported is what was seen. Every point is drawn as its own ellipse (vector outputs keep every point).
#include <QPainter>
#include <cstdint>
#include <vector>

#include "plots/plot_frame.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

struct PaintOptions {
  PlotStyle style;
  const std::vector<std::uint8_t>* selected = nullptr;  // optional mask: selected points get a dark ring
};

// Paints `model` into `target` (in the painter's current coordinates, layout units) and returns the frame used.
PlotFrame paintPlot(QPainter& painter, const PlotModel& model, const QRectF& target, const PaintOptions& options = {});

}  // namespace diffbio::plots

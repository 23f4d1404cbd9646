#pragma once
// Draws a PlotModel with QPainter. This is the only painting code: the widget, PNG, SVG and PDF all call it, so what
// is exported is what was seen. Every point is drawn as its own ellipse (vector outputs keep every point).
#include <QPainter>
#include <cstdint>
#include <vector>

#include "plots/plot_frame.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

// Parts of a figure, so the interactive view can render the point layer on a worker thread and paint the rest on
// top; a file gets every layer.
enum PaintLayer : unsigned {
  kLayerBackground = 1,  // white fill, bands, bars, guide lines, curves
  kLayerPoints = 2,
  kLayerSelection = 4,   // rings around selected points
  kLayerLabels = 8,
  kLayerAxes = 16,       // axes, titles, note, legend, colour bar
  kAllLayers = 31,
};

struct PaintOptions {
  PlotStyle style;
  const std::vector<std::uint8_t>* selected = nullptr;  // optional mask: selected points get a dark ring
  const DataRange* range = nullptr;                      // a zoomed view's range instead of the model's
  const PlotFrame* frame = nullptr;                      // a layout already made for this target (the view's)
  unsigned layers = kAllLayers;
  // Vector targets (SVG, PDF): above this many visible points the point layer alone is embedded as an image of
  // `rasterDpi` (axes and text stay vector). 0 = never: every point stays its own vector object.
  std::size_t rasteriseAbove = 0;
  double rasterDpi = 600;
};

// Paints `model` into `target` (in the painter's current coordinates, layout units) and returns the frame used.
PlotFrame paintPlot(QPainter& painter, const PlotModel& model, const QRectF& target, const PaintOptions& options = {});

}  // namespace diffbio::plots

#pragma once
// Where a plot lands on a page: the plot area inside a target rectangle and the mapping between data and layout
// coordinates. The painter, hit-testing and the widget share it, so a click is tested against the same positions
// that were drawn. Layout units are points (1/72 inch); a painter scaled by dpi / 72 turns them into pixels.
#include <QFont>
#include <QPointF>
#include <QRectF>
#include <vector>

#include "plots/nice_ticks.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

// Font sizes and margins in layout units (points).
struct PlotStyle {
  double fontSize = 8;
  double titleSize = 10;
  double tickLength = 3.5;
  double padding = 6;
  QFont font(double size, bool bold = false) const;
};

// One legend entry: the category and its text ("up (1,203)").
struct LegendEntry {
  std::size_t category = 0;
  QString text;
};

struct PlotFrame {
  QRectF target;      // the whole figure
  QRectF area;        // the plot area inside the axes
  double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
  Ticks xTicks, yTicks;
  double legendTop = 0;  // top of the legend row, between title and plot area (LegendPosition::Top)
  // Right of the plot area: the legend column(s) (LegendPosition::Right) and/or the colour bar. Empty when unused.
  QRectF side;
  int legendColumns = 1;
  bool xLabelsVertical = false;
  double categorySlot = 0;          // layout units between two categorical x positions (0: not categorical)
  double markerScale = 1;           // factor on per-point sizes (PlotModel::fitSizesToSlots), <= 1     // categorical x names written bottom-to-top (they did not fit side by side)
  std::vector<LegendEntry> legend;  // counted once per layout (a pass over every point)

  double mapX(double x) const { return area.left() + (x - xMin) / (xMax - xMin) * area.width(); }
  double mapY(double y) const { return area.bottom() - (y - yMin) / (yMax - yMin) * area.height(); }
  QPointF map(double x, double y) const { return {mapX(x), mapY(y)}; }
  QPointF unmap(QPointF p) const {
    return {xMin + (p.x() - area.left()) / area.width() * (xMax - xMin),
            yMin + (area.bottom() - p.y()) / area.height() * (yMax - yMin)};
  }
};

std::vector<LegendEntry> legendEntries(const PlotModel& model);

// Lays out `model` in `target`: margins sized from the tick labels, titles and legend actually present. `range`
// overrides the model's range (a zoomed view) without copying the model.
// `legend` reuses entries counted before (they do not depend on the range), sparing a pass over 10^6 points.
PlotFrame layoutPlot(const PlotModel& model, const QRectF& target, const PlotStyle& style = {},
                     const DataRange* range = nullptr, const std::vector<LegendEntry>* legend = nullptr);

// Layout of the colour bar inside frame.side: the bar itself (its top is the high end).
QRectF colourBarRect(const PlotModel& model, const PlotFrame& frame, const PlotStyle& style);

// Layout positions of every point (NaN where x or y is missing), in the frame's coordinates.
std::vector<QPointF> pointPositions(const PlotModel& model, const PlotFrame& frame);

}  // namespace diffbio::plots

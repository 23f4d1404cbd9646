#include "plots/plot_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace diffbio::plots {

namespace {

struct Extent {
  double xLow = std::numeric_limits<double>::infinity(), xHigh = -xLow;
  double yLow = xLow, yHigh = -xLow;
  void add(double x, double y) {
    if (std::isfinite(x)) {
      xLow = std::min(xLow, x);
      xHigh = std::max(xHigh, x);
    }
    if (std::isfinite(y)) {
      yLow = std::min(yLow, y);
      yHigh = std::max(yHigh, y);
    }
  }
};

}  // namespace

DataRange fittedRange(const PlotModel& model) {
  Extent extent;
  const auto& p = model.points;
  for (std::size_t i = 0; i < p.count(); ++i)
    if (std::isfinite(p.x[i]) && std::isfinite(p.y[i])) extent.add(p.x[i], p.y[i]);
  const auto& bars = model.bars;
  for (std::size_t i = 0; i < bars.heights.size(); ++i) {
    extent.add(bars.edges[i], 0);
    extent.add(bars.edges[i + 1], bars.heights[i]);
  }
  for (const auto& curve : model.curves)
    for (const auto& point : curve.points) extent.add(point.x(), point.y());
  for (const auto& band : model.bands)
    for (std::size_t i = 0; i < band.x.size(); ++i) {
      extent.add(band.x[i], band.low[i]);
      extent.add(band.x[i], band.high[i]);
    }
  for (const auto& shape : model.shapes)
    for (const auto& point : shape.points) extent.add(point.x(), point.y());
  if (model.image.shown()) {
    extent.add(model.image.xMin, model.image.yMin);
    extent.add(model.image.xMax, model.image.yMax);
  }
  for (const auto& line : model.lines) {
    if (line.orientation == ReferenceLine::Orientation::Horizontal) extent.add(std::nan(""), line.value);
    else extent.add(line.value, std::nan(""));
  }
  if (!std::isfinite(extent.xLow)) extent.xLow = 0, extent.xHigh = 1;
  if (!std::isfinite(extent.yLow)) extent.yLow = 0, extent.yHigh = 1;
  // 4 % padding; bars sit on the axis, so no padding below a histogram's zero.
  const double xPad = std::max(extent.xHigh - extent.xLow, 1e-9) * 0.04;
  const double yPad = std::max(extent.yHigh - extent.yLow, 1e-9) * 0.04;
  DataRange range;
  range.xMin = extent.xLow - (bars.heights.empty() ? xPad : 0);
  range.xMax = extent.xHigh + (bars.heights.empty() ? xPad : 0);
  range.yMin = extent.yLow - (bars.heights.empty() ? yPad : 0);
  range.yMax = extent.yHigh + yPad;
  return range;
}

void fitRange(PlotModel& model) {
  const DataRange range = fittedRange(model);
  model.xMin = range.xMin, model.xMax = range.xMax, model.yMin = range.yMin, model.yMax = range.yMax;
}

}  // namespace diffbio::plots

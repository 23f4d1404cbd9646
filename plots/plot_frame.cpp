#include "plots/plot_frame.h"

#include <QFontMetricsF>
#include <algorithm>
#include <cmath>

namespace diffbio::plots {

QFont PlotStyle::font(double size, bool bold) const {
  // Pixel sizes in layout units: the painter's scale, not the device's DPI, decides the final size, so a figure
  // looks the same in a 96-dpi widget, a 300-dpi PNG and a PDF (a point size would be rescaled by each device).
  QFont font(QStringLiteral("DejaVu Sans"));
  font.setStyleHint(QFont::SansSerif);
  font.setPixelSize(std::max(1, int(std::lround(size))));  // whole layout units: QFont has no fractional pixel size
  font.setBold(bold);
  return font;
}

PlotFrame layoutPlot(const PlotModel& model, const QRectF& target, const PlotStyle& style) {
  PlotFrame frame;
  frame.target = target;
  PlotModel ranged = model;
  if (model.autoRange) fitRange(ranged);
  frame.xMin = ranged.xMin;
  frame.xMax = ranged.xMax > ranged.xMin ? ranged.xMax : ranged.xMin + 1;
  frame.yMin = ranged.yMin;
  frame.yMax = ranged.yMax > ranged.yMin ? ranged.yMax : ranged.yMin + 1;

  const QFontMetricsF tickMetrics(style.font(style.fontSize));
  const QFontMetricsF titleMetrics(style.font(style.titleSize, true));
  // Tick density follows the physical size: about one tick per 50 points of axis.
  frame.yTicks = niceTicks(frame.yMin, frame.yMax, std::clamp(int(target.height() / 50), 3, 10));
  double widestYLabel = 0;
  for (double v : frame.yTicks.values)
    widestYLabel = std::max(widestYLabel, tickMetrics.horizontalAdvance(tickLabel(v, frame.yTicks.step)));

  const double line = tickMetrics.height();
  double top = target.top() + style.padding;
  if (!model.title.isEmpty()) top += titleMetrics.height() + 2;
  bool legend = false;
  for (const auto& category : model.categories) legend = legend || category.inLegend;
  frame.legendTop = top;
  if (legend) top += line + 4;
  const double left = target.left() + style.padding + (model.yLabel.isEmpty() ? 0 : line + 4) + widestYLabel +
                      style.tickLength + 3;
  const double bottom =
      target.bottom() - style.padding - (model.xLabel.isEmpty() ? 0 : line + 2) - line - style.tickLength - 2;
  // Half a tick label of room on the right, so the last x label is not cut.
  const double right = target.right() - style.padding - tickMetrics.horizontalAdvance(QStringLiteral("000")) / 2;
  frame.area = QRectF(QPointF(left, top + 4), QPointF(std::max(right, left + 10), std::max(bottom, top + 14)));
  frame.xTicks = niceTicks(frame.xMin, frame.xMax, std::clamp(int(frame.area.width() / 60), 3, 10));
  return frame;
}

std::vector<QPointF> pointPositions(const PlotModel& model, const PlotFrame& frame) {
  const auto& p = model.points;
  std::vector<QPointF> positions(p.count());
  for (std::size_t i = 0; i < p.count(); ++i) {
    if (std::isfinite(p.x[i]) && std::isfinite(p.y[i])) positions[i] = frame.map(p.x[i], p.y[i]);
    else positions[i] = QPointF(std::nan(""), std::nan(""));
  }
  return positions;
}

}  // namespace diffbio::plots

#include "plots/plot_frame.h"

#include <QFontMetricsF>
#include <QLocale>
#include <algorithm>
#include <cmath>
#include <limits>

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

std::vector<LegendEntry> legendEntries(const PlotModel& model) {
  std::vector<std::size_t> counts(model.categories.size(), 0);
  if (model.legendCounts) {
    const auto& p = model.points;
    for (std::size_t i = 0; i < p.count(); ++i) {
      const int c = p.category.empty() ? 0 : p.category[i];
      if (c >= 0 && c < int(counts.size()) && std::isfinite(p.x[i]) && std::isfinite(p.y[i])) ++counts[c];
    }
  }
  std::vector<LegendEntry> entries;
  for (std::size_t c = 0; c < model.categories.size(); ++c) {
    if (!model.categories[c].inLegend) continue;
    QString text = model.categories[c].name;
    if (model.legendCounts) text += QStringLiteral(" (%1)").arg(QLocale::c().toString(qulonglong(counts[c])));
    entries.push_back({c, text});
  }
  return entries;
}

namespace {

constexpr double kColourBarWidth = 8;
// Of the plot area's height; shorter when a size legend shares the panel.
double colourBarLength(const PlotModel& model) { return model.sizeLegend.shown() ? 0.4 : 0.6; }

double widestXCategory(const PlotModel& model, const QFontMetricsF& metrics) {
  double widest = 0;
  for (const auto& name : model.xCategories) widest = std::max(widest, metrics.horizontalAdvance(name));
  return widest;
}

// Width of the right-hand panel and the number of legend columns that fit the available height.
double sidePanelWidth(const PlotModel& model, const std::vector<LegendEntry>& entries, const PlotStyle& style,
                      double availableHeight, int& columns) {
  columns = 1;
  const QFontMetricsF metrics(style.font(style.fontSize));
  const QFontMetricsF titleMetrics(style.font(style.fontSize, true));
  double width = 0;
  if (model.colourBar.shown()) {
    const Ticks ticks = niceTicks(model.colourBar.low, model.colourBar.high, 5);
    double widest = 0;
    for (double v : ticks.values) widest = std::max(widest, metrics.horizontalAdvance(tickLabel(v, ticks.step)));
    width = std::max(kColourBarWidth + 3 + widest, titleMetrics.horizontalAdvance(model.colourBar.title));
  }
  if (model.sizeLegend.shown()) {
    width = std::max(width, titleMetrics.horizontalAdvance(model.sizeLegend.title));
    for (const auto& [text, diameter] : model.sizeLegend.entries)
      width = std::max(width, double(diameter) + 4 + metrics.horizontalAdvance(text));
  }
  if (model.legendPosition == LegendPosition::Right && !entries.empty()) {
    const double marker = metrics.height() * 0.6;
    double widest = 0;
    for (const auto& entry : entries) widest = std::max(widest, metrics.horizontalAdvance(entry.text));
    const double row = metrics.height() + 1;
    double titleHeight = model.legendTitle.isEmpty() || model.colourBar.shown() ? 0 : titleMetrics.height() + 2;
    if (model.colourBar.shown()) titleHeight = availableHeight * colourBarLength(model) + titleMetrics.height() + 8;
    const int rowsThatFit = std::max(1, int((availableHeight - titleHeight) / row));
    columns = int((entries.size() + rowsThatFit - 1) / rowsThatFit);
    width = std::max(width, columns * (marker + 3 + widest + 8));
    if (!model.legendTitle.isEmpty() && !model.colourBar.shown())
      width = std::max(width, titleMetrics.horizontalAdvance(model.legendTitle));
  }
  return width > 0 ? width + 14 : 0;  // 10: the gap between plot area and panel; 4: air before the page edge
}

}  // namespace

QRectF colourBarRect(const PlotModel& model, const PlotFrame& frame, const PlotStyle& style) {
  const QFontMetricsF titleMetrics(style.font(style.fontSize, true));
  const double top = frame.side.top() + titleMetrics.height() + 4;
  return QRectF(frame.side.left() + 10, top, kColourBarWidth, frame.area.height() * colourBarLength(model));
}

PlotFrame layoutPlot(const PlotModel& model, const QRectF& target, const PlotStyle& style, const DataRange* range,
                     const std::vector<LegendEntry>* legend) {
  PlotFrame frame;
  frame.target = target;
  DataRange chosen{model.xMin, model.xMax, model.yMin, model.yMax};
  if (range) chosen = *range;
  else if (model.autoRange) chosen = fittedRange(model);
  frame.xMin = chosen.xMin;
  frame.xMax = chosen.xMax > chosen.xMin ? chosen.xMax : chosen.xMin + 1;
  frame.yMin = chosen.yMin;
  frame.yMax = chosen.yMax > chosen.yMin ? chosen.yMax : chosen.yMin + 1;

  const QFontMetricsF tickMetrics(style.font(style.fontSize));
  const QFontMetricsF titleMetrics(style.font(style.titleSize, true));
  // Tick density follows the physical size: about one tick per 45 points (16 mm) of axis, at least 4 asked for
  // (niceTicks may give fewer on awkward ranges; 3 left a 60 mm axis with only two labelled ticks).
  frame.yTicks = niceTicks(frame.yMin, frame.yMax, std::clamp(int(target.height() / 45), 4, 10));
  double widestYLabel = 0;
  for (double v : frame.yTicks.values)
    widestYLabel = std::max(widestYLabel, tickMetrics.horizontalAdvance(tickLabel(v, frame.yTicks.step)));
  if (!model.yCategories.empty()) {
    frame.yTicks.step = 1;
    frame.yTicks.values.clear();
    widestYLabel = 0;
    for (std::size_t k = 0; k < model.yCategories.size(); ++k) {
      if (double(k) < frame.yMin || double(k) > frame.yMax) continue;
      frame.yTicks.values.push_back(double(k));
      widestYLabel = std::max(widestYLabel, tickMetrics.horizontalAdvance(model.yCategories[k]));
    }
  }

  const double line = tickMetrics.height();
  double top = target.top() + style.padding;
  if (!model.title.isEmpty()) top += titleMetrics.height() + 2;
  frame.legend = legend ? *legend : legendEntries(model);
  const std::vector<LegendEntry>& entries = frame.legend;
  frame.legendTop = top;
  if (!entries.empty() && model.legendPosition == LegendPosition::Top) top += line + 4;
  const double left = target.left() + style.padding + (model.yLabel.isEmpty() ? 0 : line + 4) + widestYLabel +
                      style.tickLength + 3;
  double bottom =
      target.bottom() - style.padding - (model.xLabel.isEmpty() ? 0 : line + 2) - line - style.tickLength - 2;
  if (!model.xCategories.empty()) {
    // Names wider than their slot (what the axis gives one category) are turned to run bottom-to-top.
    int columns = 1;
    const double sideGuess = sidePanelWidth(model, entries, style, bottom - top - 4, columns);
    const double width = target.right() - style.padding - sideGuess - left;
    const double slot = width / std::max(frame.xMax - frame.xMin, 1e-9);
    const double widest = widestXCategory(model, tickMetrics);
    if (widest + 4 > slot) {
      // Turned names are set smaller when the slots are narrower than a line (the painter does the same), so
      // measure them at that size.
      const QFontMetricsF turned(style.font(std::clamp(slot * 0.95, 4.0, style.fontSize)));
      const double length = widestXCategory(model, turned);
      frame.xLabelsVertical = true;
      bottom -= std::min(length - line, (bottom - top) * 0.45);
    }
  }
  // Half a tick label of room on the right, so the last x label is not cut.
  double right = target.right() - style.padding - tickMetrics.horizontalAdvance(QStringLiteral("000")) / 2;
  const double side = sidePanelWidth(model, entries, style, bottom - top - 4, frame.legendColumns);
  if (side > 0) {
    right = target.right() - style.padding - side;
    frame.side = QRectF(QPointF(right, top + 4), QPointF(target.right() - style.padding, bottom));
  }
  frame.area = QRectF(QPointF(left, top + 4), QPointF(std::max(right, left + 10), std::max(bottom, top + 14)));
  frame.xTicks = niceTicks(frame.xMin, frame.xMax, std::clamp(int(frame.area.width() / 45), 4, 10));
  if (!model.xCategories.empty()) frame.categorySlot = frame.area.width() / (frame.xMax - frame.xMin);
  if (model.fitSizesToSlots && !model.points.size.empty()) {
    double slot = std::numeric_limits<double>::infinity();
    if (!model.xCategories.empty()) slot = frame.categorySlot;
    if (!model.yCategories.empty()) slot = std::min(slot, frame.area.height() / (frame.yMax - frame.yMin));
    const float largest = *std::max_element(model.points.size.begin(), model.points.size.end());
    if (std::isfinite(slot) && largest > 0) frame.markerScale = std::min(1.0, 0.92 * slot / double(largest));
  }
  if (!model.xCategories.empty()) {
    frame.xTicks.step = 1;
    frame.xTicks.values.clear();
    for (std::size_t k = 0; k < model.xCategories.size(); ++k)
      if (double(k) >= frame.xMin && double(k) <= frame.xMax) frame.xTicks.values.push_back(double(k));
  }
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

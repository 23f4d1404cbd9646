#include "plots/plot_frame.h"

#include <QFontMetricsF>
#include <QLocale>
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
constexpr double kColourBarLength = 0.6;  // of the plot area's height

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
  if (model.legendPosition == LegendPosition::Right && !entries.empty()) {
    const double marker = metrics.height() * 0.6;
    double widest = 0;
    for (const auto& entry : entries) widest = std::max(widest, metrics.horizontalAdvance(entry.text));
    const double row = metrics.height() + 1;
    double titleHeight = model.legendTitle.isEmpty() || model.colourBar.shown() ? 0 : titleMetrics.height() + 2;
    if (model.colourBar.shown()) titleHeight = availableHeight * kColourBarLength + titleMetrics.height() + 8;
    const int rowsThatFit = std::max(1, int((availableHeight - titleHeight) / row));
    columns = int((entries.size() + rowsThatFit - 1) / rowsThatFit);
    width = std::max(width, columns * (marker + 3 + widest + 8));
    if (!model.legendTitle.isEmpty() && !model.colourBar.shown())
      width = std::max(width, titleMetrics.horizontalAdvance(model.legendTitle));
  }
  return width > 0 ? width + 10 : 0;  // 10: the gap between plot area and panel
}

}  // namespace

QRectF colourBarRect(const PlotModel&, const PlotFrame& frame, const PlotStyle& style) {
  const QFontMetricsF titleMetrics(style.font(style.fontSize, true));
  const double top = frame.side.top() + titleMetrics.height() + 4;
  return QRectF(frame.side.left() + 10, top, kColourBarWidth, frame.area.height() * kColourBarLength);
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

  const double line = tickMetrics.height();
  double top = target.top() + style.padding;
  if (!model.title.isEmpty()) top += titleMetrics.height() + 2;
  frame.legend = legend ? *legend : legendEntries(model);
  const std::vector<LegendEntry>& entries = frame.legend;
  frame.legendTop = top;
  if (!entries.empty() && model.legendPosition == LegendPosition::Top) top += line + 4;
  const double left = target.left() + style.padding + (model.yLabel.isEmpty() ? 0 : line + 4) + widestYLabel +
                      style.tickLength + 3;
  const double bottom =
      target.bottom() - style.padding - (model.xLabel.isEmpty() ? 0 : line + 2) - line - style.tickLength - 2;
  // Half a tick label of room on the right, so the last x label is not cut.
  double right = target.right() - style.padding - tickMetrics.horizontalAdvance(QStringLiteral("000")) / 2;
  const double side = sidePanelWidth(model, entries, style, bottom - top - 4, frame.legendColumns);
  if (side > 0) {
    right = target.right() - style.padding - side;
    frame.side = QRectF(QPointF(right, top + 4), QPointF(target.right() - style.padding, bottom));
  }
  frame.area = QRectF(QPointF(left, top + 4), QPointF(std::max(right, left + 10), std::max(bottom, top + 14)));
  frame.xTicks = niceTicks(frame.xMin, frame.xMax, std::clamp(int(frame.area.width() / 45), 4, 10));
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

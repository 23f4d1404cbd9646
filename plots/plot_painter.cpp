#include "plots/plot_painter.h"

#include <QFontMetricsF>
#include <QLocale>
#include <QPaintEngine>
#include <algorithm>
#include <cmath>
#include <map>

#include "plots/label_placement.h"
#include "plots/point_index.h"

namespace diffbio::plots {

namespace {

const QColor kAxisColour(40, 40, 40);

QPen thinPen(const QColor& colour, double width, bool dashed = false) {
  QPen pen(colour, width);
  pen.setCapStyle(Qt::FlatCap);
  if (dashed) pen.setDashPattern({4, 3});
  return pen;
}

void paintBackgroundLayers(QPainter& painter, const PlotModel& model, const PlotFrame& frame) {
  for (const auto& band : model.bands) {
    QPolygonF polygon;
    for (std::size_t i = 0; i < band.x.size(); ++i) polygon << frame.map(band.x[i], band.high[i]);
    for (std::size_t i = band.x.size(); i-- > 0;) polygon << frame.map(band.x[i], band.low[i]);
    painter.setPen(Qt::NoPen);
    painter.setBrush(band.fill);
    painter.drawPolygon(polygon);
  }
  const auto& bars = model.bars;
  if (!bars.heights.empty()) {
    painter.setPen(thinPen(bars.outline, 0.5));
    painter.setBrush(bars.fill);
    for (std::size_t i = 0; i < bars.heights.size(); ++i)
      painter.drawRect(QRectF(frame.map(bars.edges[i], bars.heights[i]), frame.map(bars.edges[i + 1], 0)));
  }
  for (const auto& line : model.lines) {
    painter.setPen(thinPen(line.colour, 0.7, line.dashed));
    if (line.orientation == ReferenceLine::Orientation::Horizontal)
      painter.drawLine(QPointF(frame.area.left(), frame.mapY(line.value)),
                       QPointF(frame.area.right(), frame.mapY(line.value)));
    else
      painter.drawLine(QPointF(frame.mapX(line.value), frame.area.top()),
                       QPointF(frame.mapX(line.value), frame.area.bottom()));
  }
  for (const auto& curve : model.curves) {
    QPolygonF polyline;
    for (const auto& p : curve.points) polyline << frame.map(p.x(), p.y());
    painter.setPen(thinPen(curve.colour, 0.8, curve.dashed));
    painter.setBrush(Qt::NoBrush);
    painter.drawPolyline(polyline);
  }
}

// QRectF::contains says yes to NaN coordinates (every comparison with NaN is false), so test finiteness first.
bool drawable(QPointF p, const QRectF& visible) {
  return std::isfinite(p.x()) && std::isfinite(p.y()) && visible.contains(p);
}

// Raster targets (screen, PNG): stamping a pre-rendered antialiased disc is several times faster than rasterising
// 10^5 ellipses, and looks the same within half a device pixel. Vector targets (SVG, PDF) get one real ellipse per
// point, so a file keeps every point as an object and scales without loss.
bool canStamp(const QPainter& painter) {
  return painter.paintEngine() && painter.paintEngine()->type() == QPaintEngine::Raster &&
         painter.transform().type() <= QTransform::TxScale;
}

QImage disc(const QColor& colour, double diameter) {
  const int side = int(std::ceil(diameter)) + 2;
  QImage image(side, side, QImage::Format_ARGB32_Premultiplied);
  image.fill(Qt::transparent);
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(Qt::NoPen);
  p.setBrush(colour);
  p.drawEllipse(QPointF(side / 2.0, side / 2.0), diameter / 2, diameter / 2);
  return image;
}

void stampMarkers(QPainter& painter, const QColor& colour, const std::vector<std::size_t>& points,
                  const std::vector<QPointF>& positions, const PlotModel& model) {
  const QTransform toDevice = painter.transform();
  const double scale = toDevice.m11();
  std::map<int, QImage> sprites;  // by diameter in quarter device pixels
  painter.save();
  painter.resetTransform();
  for (std::size_t i : points) {
    const double diameter = (model.points.size.empty() ? model.pointSize : model.points.size[i]) * scale;
    QImage& sprite = sprites[int(std::lround(diameter * 4))];
    if (sprite.isNull()) sprite = disc(colour, diameter);
    const QPointF centre = toDevice.map(positions[i]);
    painter.drawImage(QPoint(int(std::lround(centre.x() - sprite.width() / 2.0)),
                             int(std::lround(centre.y() - sprite.height() / 2.0))),
                      sprite);
  }
  painter.restore();
}

// Category by category, so the brush changes a few times rather than per point (SVG groups stay few and small).
void paintPoints(QPainter& painter, const PlotModel& model, const std::vector<QPointF>& positions,
                 const PaintOptions& options, const QRectF& visible) {
  const auto& p = model.points;
  std::vector<std::vector<std::size_t>> byCategory(model.categories.size());
  for (std::size_t i = 0; i < p.count(); ++i) {
    const int c = p.category.empty() ? 0 : p.category[i];
    if (c >= 0 && c < int(byCategory.size()) && drawable(positions[i], visible)) byCategory[c].push_back(i);
  }
  const bool stamp = canStamp(painter);
  painter.setPen(Qt::NoPen);
  for (std::size_t c = 0; c < byCategory.size(); ++c) {
    if (stamp) {
      stampMarkers(painter, model.categories[c].colour, byCategory[c], positions, model);
      continue;
    }
    painter.setBrush(model.categories[c].colour);
    for (std::size_t i : byCategory[c]) {
      const double r = (p.size.empty() ? model.pointSize : p.size[i]) / 2;
      painter.drawEllipse(positions[i], r, r);
    }
  }
  if (options.selected) {
    painter.setBrush(Qt::NoBrush);
    painter.setPen(thinPen(QColor(0, 0, 0), 0.9));
    for (std::size_t i = 0; i < p.count() && i < options.selected->size(); ++i) {
      if (!(*options.selected)[i] || !drawable(positions[i], visible)) continue;
      const double r = (p.size.empty() ? model.pointSize : p.size[i]) / 2 + 0.8;
      painter.drawEllipse(positions[i], r, r);
    }
  }
}

void paintLabels(QPainter& painter, const PlotModel& model, const std::vector<QPointF>& positions,
                 const PlotFrame& frame, const PaintOptions& options) {
  if (model.labelled.empty() || model.points.names.empty()) return;
  const QFont font = options.style.font(options.style.fontSize - 1);
  const QFontMetricsF metrics(font);
  std::vector<QPointF> anchors;
  std::vector<QSizeF> sizes;
  for (std::size_t i : model.labelled) {
    anchors.push_back(positions.at(i));
    sizes.emplace_back(metrics.horizontalAdvance(model.points.names[i]) + 2, metrics.height());
  }
  // Covered points are counted on a grid of all visible positions, padded by the marker radius.
  const PointIndex index(positions, 10);
  const double pad = model.pointSize / 2;
  const PointCounter pointsUnder = [&](const QRectF& box) {
    return index.inRect(box.adjusted(-pad, -pad, pad, pad)).size();
  };
  painter.setFont(font);
  for (const auto& label : placeLabels(anchors, sizes, frame.area, model.pointSize / 2 + 0.5, pointsUnder)) {
    const QPointF anchor = anchors[label.item];
    if (label.needsLeader) {
      painter.setPen(thinPen(QColor(90, 90, 90), 0.4));
      const QPointF centre = label.box.center();
      const QPointF end(std::clamp(anchor.x(), label.box.left(), label.box.right()),
                        std::clamp(anchor.y(), label.box.top(), label.box.bottom()));
      painter.drawLine(anchor, end == anchor ? centre : end);
    }
    // A light halo keeps the name readable where it cannot avoid every point.
    painter.fillRect(label.box, QColor(255, 255, 255, 170));
    painter.setPen(kAxisColour);
    painter.drawText(label.box, Qt::AlignCenter, model.points.names[model.labelled[label.item]]);
  }
}

void paintAxes(QPainter& painter, const PlotModel& model, const PlotFrame& frame, const PlotStyle& style) {
  const QFont tickFont = style.font(style.fontSize);
  const QFontMetricsF metrics(tickFont);
  const QRectF& a = frame.area;
  painter.setPen(thinPen(kAxisColour, 0.8));
  painter.setBrush(Qt::NoBrush);
  // Open frame (left and bottom spines), the usual style of journal figures.
  painter.drawLine(a.bottomLeft(), a.bottomRight());
  painter.drawLine(a.bottomLeft(), a.topLeft());
  painter.setFont(tickFont);
  const double tick = style.tickLength;
  for (double v : frame.xTicks.values) {
    const double x = frame.mapX(v);
    painter.drawLine(QPointF(x, a.bottom()), QPointF(x, a.bottom() + tick));
    const QString text = tickLabel(v, frame.xTicks.step);
    painter.drawText(QRectF(x - 40, a.bottom() + tick + 1, 80, metrics.height()), Qt::AlignHCenter | Qt::AlignTop,
                     text);
  }
  for (double v : frame.yTicks.values) {
    const double y = frame.mapY(v);
    painter.drawLine(QPointF(a.left() - tick, y), QPointF(a.left(), y));
    const QString text = tickLabel(v, frame.yTicks.step);
    painter.drawText(QRectF(a.left() - tick - 2 - 200, y - metrics.height() / 2, 200, metrics.height()),
                     Qt::AlignRight | Qt::AlignVCenter, text);
  }
  if (!model.xLabel.isEmpty())
    painter.drawText(QRectF(a.left(), frame.target.bottom() - style.padding - metrics.height(), a.width(),
                            metrics.height()),
                     Qt::AlignHCenter | Qt::AlignBottom, model.xLabel);
  if (!model.yLabel.isEmpty()) {
    painter.save();
    painter.translate(frame.target.left() + style.padding, a.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-a.height() / 2, 0, a.height(), metrics.height()), Qt::AlignHCenter | Qt::AlignTop,
                     model.yLabel);
    painter.restore();
  }
  if (!model.note.isEmpty()) painter.drawText(a.adjusted(6, 4, -6, -4), model.noteAlignment, model.note);
}

void paintTitleAndLegend(QPainter& painter, const PlotModel& model, const PlotFrame& frame, const PlotStyle& style) {
  if (!model.title.isEmpty()) {
    painter.setFont(style.font(style.titleSize, true));
    painter.setPen(kAxisColour);
    painter.drawText(QRectF(frame.target.left(), frame.target.top() + style.padding, frame.target.width(), 100),
                     Qt::AlignHCenter | Qt::AlignTop, model.title);
  }
  std::vector<std::size_t> counts(model.categories.size(), 0);
  for (std::size_t i = 0; i < model.points.count(); ++i) {
    const int c = model.points.category.empty() ? 0 : model.points.category[i];
    if (c >= 0 && c < int(counts.size()) && std::isfinite(model.points.x[i]) && std::isfinite(model.points.y[i]))
      ++counts[c];
  }
  const QFont font = style.font(style.fontSize);
  const QFontMetricsF metrics(font);
  painter.setFont(font);
  // One row, centred over the plot area: it never covers data.
  std::vector<QString> texts;
  double total = 0;
  const double marker = metrics.height() * 0.6;
  for (std::size_t c = 0; c < model.categories.size(); ++c) {
    if (!model.categories[c].inLegend) continue;
    QString text = model.categories[c].name;
    if (model.legendCounts) text += QStringLiteral(" (%1)").arg(QLocale::c().toString(qulonglong(counts[c])));
    texts.push_back(text);
    total += marker + 3 + metrics.horizontalAdvance(text) + 12;
  }
  double x = frame.area.center().x() - (total - 12) / 2;
  const double y = frame.legendTop;
  std::size_t t = 0;
  for (std::size_t c = 0; c < model.categories.size(); ++c) {
    if (!model.categories[c].inLegend) continue;
    painter.setPen(Qt::NoPen);
    painter.setBrush(model.categories[c].colour);
    painter.drawEllipse(QPointF(x + marker / 2, y + metrics.height() / 2), marker / 2, marker / 2);
    x += marker + 3;
    painter.setPen(kAxisColour);
    const double width = metrics.horizontalAdvance(texts[t]);
    painter.drawText(QRectF(x, y, width + 2, metrics.height()), Qt::AlignLeft | Qt::AlignVCenter, texts[t]);
    x += width + 12;
    ++t;
  }
}

}  // namespace

PlotFrame paintPlot(QPainter& painter, const PlotModel& model, const QRectF& target, const PaintOptions& options) {
  const PlotFrame frame = layoutPlot(model, target, options.style);
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setRenderHint(QPainter::TextAntialiasing, true);
  painter.fillRect(target, Qt::white);

  painter.save();
  painter.setClipRect(frame.area.adjusted(-1, -1, 1, 1));
  paintBackgroundLayers(painter, model, frame);
  painter.restore();

  const std::vector<QPointF> positions = pointPositions(model, frame);
  // Markers may straddle the edge by their radius (they were padded in), but points outside the range are skipped,
  // not clipped: a zoomed view stays cheap and a file holds no invisible points.
  const double slack = model.pointSize;
  paintPoints(painter, model, positions, options, frame.area.adjusted(-slack, -slack, slack, slack));
  paintLabels(painter, model, positions, frame, options);
  paintAxes(painter, model, frame, options.style);
  paintTitleAndLegend(painter, model, frame, options.style);
  painter.restore();
  return frame;
}

}  // namespace diffbio::plots

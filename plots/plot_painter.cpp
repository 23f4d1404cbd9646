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

void paintImageLayer(QPainter& painter, const ImageLayer& layer, const PlotFrame& frame) {
  const QRectF box(frame.map(layer.xMin, layer.yMax), frame.map(layer.xMax, layer.yMin));
  // Nearest neighbour: each cell of a heatmap stays a sharp rectangle at any zoom and in every format.
  painter.save();
  painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
  painter.drawImage(box, layer.image);
  painter.restore();
}

void paintBackgroundLayers(QPainter& painter, const PlotModel& model, const PlotFrame& frame) {
  if (model.image.shown()) paintImageLayer(painter, model.image, frame);
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
  for (const auto& shape : model.shapes) {
    QPolygonF polygon;
    for (const auto& p : shape.points) polygon << frame.map(p.x(), p.y());
    if (shape.outlineWidth > 0) painter.setPen(thinPen(shape.outline, shape.outlineWidth));
    else painter.setPen(Qt::NoPen);
    painter.setBrush(shape.fill);
    painter.drawPolygon(polygon);
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
         painter.deviceTransform().type() <= QTransform::TxScale;
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

// Source-over of a premultiplied pixel (Qt's BYTE_MUL on two channels at a time).
inline QRgb over(QRgb src, QRgb dst) {
  const uint inverse = 255 - qAlpha(src);
  uint rb = (dst & 0xff00ff) * inverse;
  rb = ((rb + ((rb >> 8) & 0xff00ff) + 0x800080) >> 8) & 0xff00ff;
  uint ag = ((dst >> 8) & 0xff00ff) * inverse;
  ag = (ag + ((ag >> 8) & 0xff00ff) + 0x800080) & 0xff00ff00;
  return src + (rb | ag);
}

// The image behind the painter when pixels can be written directly: 32-bit RGB or premultiplied ARGB, no clip.
QImage* directTarget(QPainter& painter) {
  QPaintDevice* device = painter.device();
  if (!device || device->devType() != QInternal::Image || painter.hasClipping()) return nullptr;
  auto* image = static_cast<QImage*>(device);
  const auto format = image->format();
  if (format != QImage::Format_RGB32 && format != QImage::Format_ARGB32_Premultiplied) return nullptr;
  return image;
}

// Raw access to a 32-bit image, taken once per layer: QImage::scanLine() checks for detaching on every call.
struct PixelBuffer {
  uchar* bits;
  qsizetype stride;
  int width, height;
  explicit PixelBuffer(QImage& image)
      : bits(image.bits()), stride(image.bytesPerLine()), width(image.width()), height(image.height()) {}
};

void blendSprite(PixelBuffer& target, const QImage& sprite, int x0, int y0) {
  const int sx0 = std::max(0, -x0), sy0 = std::max(0, -y0);
  const int sx1 = std::min(sprite.width(), target.width - x0), sy1 = std::min(sprite.height(), target.height - y0);
  const uchar* spriteBits = sprite.constBits();
  const qsizetype spriteStride = sprite.bytesPerLine();
  for (int sy = sy0; sy < sy1; ++sy) {
    const auto* source = reinterpret_cast<const QRgb*>(spriteBits + sy * spriteStride);
    auto* destination = reinterpret_cast<QRgb*>(target.bits + (y0 + sy) * target.stride) + x0;
    for (int sx = sx0; sx < sx1; ++sx) {
      const QRgb pixel = source[sx];
      const int alpha = qAlpha(pixel);
      if (alpha == 255) destination[sx] = pixel;
      else if (alpha) destination[sx] = over(pixel, destination[sx]);
    }
  }
}

void stampMarkers(QPainter& painter, const QColor& colour, const std::vector<std::size_t>& points,
                  const std::vector<QPointF>& positions, const PlotModel& model, double sizeScale) {
  if (points.empty()) return;
  const QTransform toDevice = painter.deviceTransform();
  const double scale = toDevice.m11();
  std::map<int, QImage> sprites;  // by diameter in quarter device pixels
  auto spriteFor = [&](std::size_t i) -> const QImage& {
    const double diameter =
        (model.points.size.empty() ? model.pointSize : model.points.size[i] * sizeScale) * scale;
    QImage& sprite = sprites[int(std::lround(diameter * 4))];
    if (sprite.isNull()) sprite = disc(colour, diameter);
    return sprite;
  };
  // Writing pixels directly is about 5x faster than a drawImage per point (10^6 points in tens of milliseconds).
  if (QImage* target = directTarget(painter)) {
    PixelBuffer buffer(*target);
    for (std::size_t i : points) {
      const QImage& sprite = spriteFor(i);
      const QPointF centre = toDevice.map(positions[i]);
      blendSprite(buffer, sprite, int(std::lround(centre.x() - sprite.width() / 2.0)),
                  int(std::lround(centre.y() - sprite.height() / 2.0)));
    }
    return;
  }
  painter.save();
  painter.resetTransform();
  const QTransform toLogical = painter.deviceTransform().inverted();  // undoes the target's device pixel ratio
  for (std::size_t i : points) {
    const QImage& sprite = spriteFor(i);
    const QPointF centre = toDevice.map(positions[i]);
    const QRectF box(std::lround(centre.x() - sprite.width() / 2.0), std::lround(centre.y() - sprite.height() / 2.0),
                     sprite.width(), sprite.height());
    painter.drawImage(toLogical.mapRect(box), sprite);
  }
  painter.restore();
}

// Category by category, so the brush changes a few times rather than per point (SVG groups stay few and small).
void paintPoints(QPainter& painter, const PlotModel& model, const std::vector<QPointF>& positions,
                 const PaintOptions& options, const QRectF& visible, double sizeScale) {
  const auto& p = model.points;
  std::vector<std::vector<std::size_t>> byCategory(model.categories.size());
  std::size_t shown = 0;
  for (std::size_t i = 0; i < p.count(); ++i) {
    const int c = p.category.empty() ? 0 : p.category[i];
    if (c >= 0 && c < int(byCategory.size()) && drawable(positions[i], visible)) byCategory[c].push_back(i), ++shown;
  }
  const bool stamp = canStamp(painter);
  if (!stamp && options.rasteriseAbove > 0 && shown > options.rasteriseAbove) {
    // Only the point layer becomes an image, at the requested resolution; axes and text stay vector.
    const double scale = options.rasterDpi / 72;
    QImage layer(int(std::ceil(visible.width() * scale)), int(std::ceil(visible.height() * scale)),
                 QImage::Format_ARGB32_Premultiplied);
    layer.fill(Qt::transparent);
    {
      QPainter raster(&layer);
      raster.setRenderHint(QPainter::Antialiasing);
      raster.scale(scale, scale);
      raster.translate(-visible.topLeft());
      for (std::size_t c = 0; c < byCategory.size(); ++c)
        stampMarkers(raster, model.categories[c].colour, byCategory[c], positions, model, sizeScale);
    }
    painter.drawImage(visible, layer);
    return;
  }
  // PDF: a zero-length round-capped line per point ("x y m x y l S", about a fifth of an ellipse's four Bézier
  // curves), still one vector object per point; 10^5 points stay well under the 2 s export goal.
  const bool pdf = !stamp && painter.paintEngine() && painter.paintEngine()->type() == QPaintEngine::Pdf &&
                   p.size.empty();
  if (pdf) {
    for (std::size_t c = 0; c < byCategory.size(); ++c) {
      QPen pen(model.categories[c].colour, model.pointSize);
      pen.setCapStyle(Qt::RoundCap);
      painter.setPen(pen);
      std::vector<QPointF> dots;
      dots.reserve(byCategory[c].size());
      for (std::size_t i : byCategory[c]) dots.push_back(positions[i]);
      painter.drawPoints(dots.data(), int(dots.size()));
    }
    return;
  }
  painter.setPen(Qt::NoPen);
  for (std::size_t c = 0; c < byCategory.size(); ++c) {
    if (stamp) {
      stampMarkers(painter, model.categories[c].colour, byCategory[c], positions, model, sizeScale);
      continue;
    }
    painter.setBrush(model.categories[c].colour);
    for (std::size_t i : byCategory[c]) {
      const double r = (p.size.empty() ? model.pointSize : p.size[i] * sizeScale) / 2;
      painter.drawEllipse(positions[i], r, r);
    }
  }
}

// The raster fast path for the interactive view and PNG: no per-point QPointF, one counting sort by category (the
// drawing order), integer sprite positions, pixels blended straight into the image. Same result as stampMarkers.
bool paintPointsDirect(QPainter& painter, const PlotModel& model, const PlotFrame& frame, const QRectF& visible) {
  QImage* target = directTarget(painter);
  const QTransform t = painter.deviceTransform();
  if (!target || t.type() > QTransform::TxScale || !model.points.size.empty() || model.categories.empty())
    return false;
  const auto& p = model.points;
  const std::size_t n = p.count(), categories = model.categories.size();
  // Data -> device: x' = ax * x + bx, y' = ay * y + by.
  const double ax = t.m11() * frame.area.width() / (frame.xMax - frame.xMin);
  const double bx = t.m11() * (frame.area.left() - frame.xMin * frame.area.width() / (frame.xMax - frame.xMin)) + t.dx();
  const double ay = -t.m22() * frame.area.height() / (frame.yMax - frame.yMin);
  const double by = t.m22() * (frame.area.bottom() + frame.yMin * frame.area.height() / (frame.yMax - frame.yMin)) + t.dy();
  const QRectF box = t.mapRect(visible);
  const double diameter = model.pointSize * t.m11();
  std::vector<QImage> sprites;
  for (const auto& category : model.categories) sprites.push_back(disc(category.colour, diameter));
  const double half = sprites.front().width() / 2.0;

  std::vector<std::uint32_t> start(categories + 1, 0);
  std::vector<std::int32_t> cell(n, -1);  // category of each visible point, -1 = not drawn
  for (std::size_t i = 0; i < n; ++i) {
    const int c = p.category.empty() ? 0 : p.category[i];
    if (c < 0 || std::size_t(c) >= categories) continue;
    const double x = ax * p.x[i] + bx, y = ay * p.y[i] + by;
    if (!(x >= box.left() && x <= box.right() && y >= box.top() && y <= box.bottom())) continue;  // NaN fails too
    cell[i] = c;
    ++start[std::size_t(c) + 1];
  }
  for (std::size_t c = 1; c <= categories; ++c) start[c] += start[c - 1];
  std::vector<std::uint32_t> order(start.back());
  std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < n; ++i)
    if (cell[i] >= 0) order[fill[std::size_t(cell[i])]++] = std::uint32_t(i);
  PixelBuffer buffer(*target);
  for (std::size_t c = 0; c < categories; ++c)
    for (std::uint32_t k = start[c]; k < start[c + 1]; ++k) {
      const std::uint32_t i = order[k];
      // Rounding to the nearest pixel as stampMarkers does (coordinates are inside the visible box, so finite).
      blendSprite(buffer, sprites[c], int(std::floor(ax * p.x[i] + bx - half + 0.5)),
                  int(std::floor(ay * p.y[i] + by - half + 0.5)));
    }
  return true;
}

void paintSelection(QPainter& painter, const PlotModel& model, const std::vector<QPointF>& positions,
                    const std::vector<std::uint8_t>& selected, const QRectF& visible, double sizeScale) {
  const auto& p = model.points;
  painter.setBrush(Qt::NoBrush);
  painter.setPen(thinPen(QColor(0, 0, 0), 0.9));
  for (std::size_t i = 0; i < p.count() && i < selected.size(); ++i) {
    if (!selected[i] || !drawable(positions[i], visible)) continue;
    const double r = (p.size.empty() ? model.pointSize : p.size[i] * sizeScale) / 2 + 0.8;
    painter.drawEllipse(positions[i], r, r);
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
    const auto k = std::size_t(std::lround(v));
    const QString text = model.xCategories.empty() ? tickLabel(v, frame.xTicks.step)
                         : k < model.xCategories.size() ? model.xCategories[k] : QString();
    if (frame.xLabelsVertical) {
      // Right-aligned against the tick, reading bottom to top; a name longer than the room down to the axis title
      // is shortened with an ellipsis rather than cut at the page edge.
      const double room = frame.target.bottom() - style.padding - (model.xLabel.isEmpty() ? 0 : metrics.height() + 2) -
                          (a.bottom() + tick + 1);
      // Names closer together than a line of text are set smaller (down to 4 units) so they do not overlap.
      const double size = std::clamp(frame.categorySlot * 0.95, 4.0, style.fontSize);
      const QFont font = style.font(size);
      const QFontMetricsF fitted(font);
      const QString shown = fitted.elidedText(text, Qt::ElideMiddle, std::max(10.0, room));
      painter.save();
      painter.setFont(font);
      painter.translate(x, a.bottom() + tick + 1);
      painter.rotate(-90);
      painter.drawText(QRectF(-300, -fitted.height() / 2, 300, fitted.height()), Qt::AlignRight | Qt::AlignVCenter,
                       shown);
      painter.restore();
      continue;
    }
    painter.drawText(QRectF(x - 40, a.bottom() + tick + 1, 80, metrics.height()), Qt::AlignHCenter | Qt::AlignTop,
                     text);
  }
  for (double v : frame.yTicks.values) {
    const double y = frame.mapY(v);
    painter.drawLine(QPointF(a.left() - tick, y), QPointF(a.left(), y));
    const auto k = std::size_t(std::lround(v));
    const QString text = model.yCategories.empty() ? tickLabel(v, frame.yTicks.step)
                         : k < model.yCategories.size() ? model.yCategories[k] : QString();
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

void paintLegendMarker(QPainter& painter, const QColor& colour, QPointF centre, double diameter) {
  painter.setPen(Qt::NoPen);
  painter.setBrush(colour);
  painter.drawEllipse(centre, diameter / 2, diameter / 2);
}

// A vertical colour bar with ticks on its right and its title above it; returns the bottom of what was drawn.
double paintColourBar(QPainter& painter, const PlotModel& model, const PlotFrame& frame, const PlotStyle& style) {
  const ColourBar& bar = model.colourBar;
  const QRectF box = colourBarRect(model, frame, style);
  const QFontMetricsF metrics(style.font(style.fontSize));
  painter.setFont(style.font(style.fontSize, true));
  painter.setPen(kAxisColour);
  painter.drawText(QRectF(frame.side.left() + 10, frame.side.top(), frame.side.width(), box.top() - frame.side.top()),
                   Qt::AlignLeft | Qt::AlignBottom, bar.title);
  // One rectangle per colour step: exact colours in every format (no gradient support needed in the SVG viewer).
  const std::size_t n = bar.colours.size();
  painter.setPen(Qt::NoPen);
  for (std::size_t i = 0; i < n; ++i) {
    const double top = box.bottom() - box.height() * double(i + 1) / double(n);
    painter.setBrush(bar.colours[i]);
    painter.drawRect(QRectF(box.left(), top, box.width(), box.height() / double(n) + 0.05));
  }
  painter.setBrush(Qt::NoBrush);
  painter.setPen(thinPen(kAxisColour, 0.5));
  painter.drawRect(box);
  painter.setFont(style.font(style.fontSize));
  const Ticks ticks = niceTicks(bar.low, bar.high, 5);
  for (double v : ticks.values) {
    const double y = box.bottom() - (v - bar.low) / (bar.high - bar.low) * box.height();
    painter.drawLine(QPointF(box.right(), y), QPointF(box.right() + 2, y));
    painter.drawText(QRectF(box.right() + 3, y - metrics.height() / 2, 200, metrics.height()),
                     Qt::AlignLeft | Qt::AlignVCenter, tickLabel(v, ticks.step));
  }
  return box.bottom() + metrics.height() / 2 + 6;
}

// Marker sizes with their meaning, one row per entry, under `top`; returns the bottom of what was drawn.
double paintSizeLegend(QPainter& painter, const SizeLegend& legend, const PlotFrame& frame, double top,
                       const PlotStyle& style, double sizeScale) {
  const QFontMetricsF metrics(style.font(style.fontSize));
  const double left = frame.side.left() + 10;
  painter.setPen(kAxisColour);
  painter.setFont(style.font(style.fontSize, true));
  painter.drawText(QRectF(left, top, frame.side.width(), metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   legend.title);
  double y = top + metrics.height() + 2;
  double widest = 0;
  for (const auto& entry : legend.entries) widest = std::max(widest, entry.second * sizeScale);
  painter.setFont(style.font(style.fontSize));
  for (const auto& [text, size] : legend.entries) {
    const double diameter = size * sizeScale;
    const double row = std::max(diameter, metrics.height()) + 2;
    paintLegendMarker(painter, QColor(90, 90, 90), QPointF(left + widest / 2, y + row / 2), diameter);
    painter.setPen(kAxisColour);
    painter.drawText(QRectF(left + widest + 4, y, frame.side.width(), row), Qt::AlignLeft | Qt::AlignVCenter, text);
    y += row;
  }
  return y + 6;
}

void paintTitleAndLegend(QPainter& painter, const PlotModel& model, const PlotFrame& frame, const PlotStyle& style) {
  if (!model.title.isEmpty()) {
    painter.setFont(style.font(style.titleSize, true));
    painter.setPen(kAxisColour);
    painter.drawText(QRectF(frame.target.left(), frame.target.top() + style.padding, frame.target.width(), 100),
                     Qt::AlignHCenter | Qt::AlignTop, model.title);
  }
  const std::vector<LegendEntry>& entries = frame.legend;
  const QFont font = style.font(style.fontSize);
  const QFontMetricsF metrics(font);
  const double marker = metrics.height() * 0.6;
  double sideTop = frame.side.top();
  if (model.colourBar.shown()) sideTop = paintColourBar(painter, model, frame, style);
  if (model.sizeLegend.shown())
    sideTop = paintSizeLegend(painter, model.sizeLegend, frame, sideTop, style, frame.markerScale);
  if (entries.empty()) return;

  if (model.legendPosition == LegendPosition::Right) {
    // Columns of entries right of the plot area, under the legend's title (or the colour bar).
    painter.setPen(kAxisColour);
    double y = sideTop;
    const double left = frame.side.left() + 10;
    if (!model.legendTitle.isEmpty() && !model.colourBar.shown()) {
      painter.setFont(style.font(style.fontSize, true));
      painter.drawText(QRectF(left, y, frame.side.width(), metrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                       model.legendTitle);
      y += metrics.height() + 2;
    }
    painter.setFont(font);
    const double row = metrics.height() + 1;
    const std::size_t perColumn = (entries.size() + frame.legendColumns - 1) / std::size_t(frame.legendColumns);
    const double columnWidth = (frame.side.width() - 10) / frame.legendColumns;
    for (std::size_t e = 0; e < entries.size(); ++e) {
      const double x = left + double(e / perColumn) * columnWidth;
      const double top = y + double(e % perColumn) * row;
      paintLegendMarker(painter, model.categories[entries[e].category].colour,
                        QPointF(x + marker / 2, top + metrics.height() / 2), marker);
      painter.setPen(kAxisColour);
      painter.drawText(QRectF(x + marker + 3, top, columnWidth - marker - 3, metrics.height()),
                       Qt::AlignLeft | Qt::AlignVCenter, entries[e].text);
    }
    return;
  }

  // One row, centred over the plot area: it never covers data.
  painter.setFont(font);
  double total = 0;
  for (const auto& entry : entries) total += marker + 3 + metrics.horizontalAdvance(entry.text) + 12;
  double x = frame.area.center().x() - (total - 12) / 2;
  const double y = frame.legendTop;
  for (const auto& entry : entries) {
    paintLegendMarker(painter, model.categories[entry.category].colour, QPointF(x + marker / 2, y + metrics.height() / 2),
                      marker);
    x += marker + 3;
    painter.setPen(kAxisColour);
    const double width = metrics.horizontalAdvance(entry.text);
    painter.drawText(QRectF(x, y, width + 2, metrics.height()), Qt::AlignLeft | Qt::AlignVCenter, entry.text);
    x += width + 12;
  }
}

}  // namespace

PlotFrame paintPlot(QPainter& painter, const PlotModel& model, const QRectF& target, const PaintOptions& options) {
  const PlotFrame frame = options.frame ? *options.frame : layoutPlot(model, target, options.style, options.range);
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setRenderHint(QPainter::TextAntialiasing, true);
  if (options.layers & kLayerBackground) {
    painter.fillRect(target, Qt::white);
    painter.save();
    painter.setClipRect(frame.area.adjusted(-1, -1, 1, 1));
    paintBackgroundLayers(painter, model, frame);
    painter.restore();
  }

  // Markers may straddle the edge by their radius (they were padded in), but points outside the range are
  // skipped, not clipped: a zoomed view stays cheap and a file holds no invisible points.
  const double slack = model.pointSize;
  const QRectF visible = frame.area.adjusted(-slack, -slack, slack, slack);
  const bool pointsDone = (options.layers & kLayerPoints) && paintPointsDirect(painter, model, frame, visible);
  if (options.layers & ((pointsDone ? 0u : kLayerPoints) | kLayerSelection | kLayerLabels)) {
    const std::vector<QPointF> positions = pointPositions(model, frame);
    if ((options.layers & kLayerPoints) && !pointsDone)
      paintPoints(painter, model, positions, options, visible, frame.markerScale);
    if ((options.layers & kLayerSelection) && options.selected)
      paintSelection(painter, model, positions, *options.selected, visible, frame.markerScale);
    if (options.layers & kLayerLabels) paintLabels(painter, model, positions, frame, options);
  }
  if (options.layers & kLayerAxes) {
    paintAxes(painter, model, frame, options.style);
    paintTitleAndLegend(painter, model, frame, options.style);
  }
  painter.restore();
  return frame;
}

}  // namespace diffbio::plots

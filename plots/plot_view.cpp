#include "plots/plot_view.h"

#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QColorDialog>
#include <QContextMenuEvent>
#include <QInputDialog>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QRegularExpression>
#include <QSet>
#include <QToolTip>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "plots/de_plot_style.h"
#include "plots/de_plots.h"

namespace diffbio::plots {

namespace {

constexpr double kClickSlop = 3;       // widget pixels a press may move and still count as a click
constexpr double kLineGrab = 4;        // widget pixels around a threshold line that grab it
constexpr double kPickRadius = 5;      // widget pixels around the cursor for hover and click

bool sameRange(const DataRange& a, const DataRange& b) {
  return a.xMin == b.xMin && a.xMax == b.xMax && a.yMin == b.yMin && a.yMax == b.yMax;
}

std::vector<std::size_t> merge(const std::vector<std::size_t>& current, const std::vector<std::size_t>& picked,
                               PlotView::SelectionMode mode) {
  std::vector<std::size_t> sorted = picked;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<std::size_t> out;
  if (mode == PlotView::SelectionMode::Replace) return sorted;
  if (mode == PlotView::SelectionMode::Add)
    std::set_union(current.begin(), current.end(), sorted.begin(), sorted.end(), std::back_inserter(out));
  else
    std::set_difference(current.begin(), current.end(), sorted.begin(), sorted.end(), std::back_inserter(out));
  return out;
}

QString number(double v) { return std::isfinite(v) ? QString::number(v, 'g', 5) : QStringLiteral("NA"); }

}  // namespace

PlotView::PlotView(QWidget* parent) : QWidget(parent), model_(std::make_shared<PlotModel>()) {
  setMouseTracking(true);
  setFocusPolicy(Qt::StrongFocus);
  setMinimumSize(240, 180);
  setAttribute(Qt::WA_OpaquePaintEvent);
  connect(&watcher_, &QFutureWatcher<Rendered>::finished, this, &PlotView::renderFinished);
  range_ = home_ = fittedRange(*model_);
}

PlotView::~PlotView() {
  // The worker holds its own reference to the model; wait so it does not outlive the widget's event target.
  watcher_.waitForFinished();
}

void PlotView::setModel(PlotModel model, bool keepView) {
  model_ = std::make_shared<PlotModel>(std::move(model));
  const DataRange fitted = model_->autoRange ? fittedRange(*model_)
                                             : DataRange{model_->xMin, model_->xMax, model_->yMin, model_->yMax};
  home_ = fitted;
  if (!keepView) range_ = fitted;
  selection_.clear();
  selectedMask_.assign(model_->points.count(), 0);
  hovered_ = -1;
  legend_.reset();
  invalidateLayout();
  requestRender();
}

PlotModel& PlotView::editModel() {
  if (model_.use_count() > 1) model_ = std::make_shared<PlotModel>(*model_);
  return *model_;
}

void PlotView::invalidateLayout() {
  frame_.reset();
  index_.reset();
}

double PlotView::scale() const { return std::max(0.5, logicalDpiX() / 72.0); }

QRectF PlotView::layoutRect() const { return QRectF(0, 0, width() / scale(), height() / scale()); }

PlotFrame PlotView::frameFor(const DataRange& range) const {
  if (!legend_) legend_ = legendEntries(*model_);
  return layoutPlot(*model_, layoutRect(), PlotStyle{}, &range, &*legend_);
}

PlotFrame PlotView::currentFrame() const {
  if (!frame_) frame_ = frameFor(range_);
  return *frame_;
}

QPointF PlotView::widgetPosition(double x, double y) const { return currentFrame().map(x, y) * scale(); }

// ---- view range ------------------------------------------------------------------------------------------------

void PlotView::setViewRange(const DataRange& range) {
  if (!(range.xMax > range.xMin) || !(range.yMax > range.yMin) || !std::isfinite(range.xMin) ||
      !std::isfinite(range.xMax) || !std::isfinite(range.yMin) || !std::isfinite(range.yMax))
    return;
  if (sameRange(range, range_)) return;
  range_ = range;
  invalidateLayout();
  requestRender();
  update();
  Q_EMIT viewRangeChanged(range_);
}

void PlotView::resetView() { setViewRange(home_); }

void PlotView::zoomAt(QPointF widgetPos, double factor) {
  if (!(factor > 0)) return;
  const PlotFrame frame = currentFrame();
  const QPointF anchor = frame.unmap(toLayout(widgetPos));
  DataRange r = range_;
  r.xMin = anchor.x() - (anchor.x() - r.xMin) / factor;
  r.xMax = anchor.x() + (r.xMax - anchor.x()) / factor;
  r.yMin = anchor.y() - (anchor.y() - r.yMin) / factor;
  r.yMax = anchor.y() + (r.yMax - anchor.y()) / factor;
  // Keep a floor on the span so repeated wheel steps cannot collapse the range to nothing.
  const double minimum = 1e-9 * std::max({1.0, std::abs(anchor.x()), std::abs(anchor.y())});
  if (r.xMax - r.xMin < minimum || r.yMax - r.yMin < minimum) return;
  // The plot area itself may move (wider tick labels at the new range): shift the range so the anchor stays under
  // the cursor in the new layout too.
  const PlotFrame next = frameFor(r);
  const QPointF miss = next.map(anchor.x(), anchor.y()) - toLayout(widgetPos);
  const double dx = miss.x() / next.area.width() * (r.xMax - r.xMin);
  const double dy = -miss.y() / next.area.height() * (r.yMax - r.yMin);
  setViewRange({r.xMin + dx, r.xMax + dx, r.yMin + dy, r.yMax + dy});
}

void PlotView::panBy(QPointF widgetDelta) {
  const PlotFrame frame = currentFrame();
  const double dx = widgetDelta.x() / scale() / frame.area.width() * (range_.xMax - range_.xMin);
  const double dy = widgetDelta.y() / scale() / frame.area.height() * (range_.yMax - range_.yMin);
  setViewRange({range_.xMin - dx, range_.xMax - dx, range_.yMin + dy, range_.yMax + dy});
}

// ---- rendering -------------------------------------------------------------------------------------------------

void PlotView::requestRender() {
  ++generation_;
  if (inFlight_) renderQueued_ = true;
  else startRender();
}

void PlotView::startRender() {
  renderQueued_ = false;
  const double ratio = devicePixelRatioF();
  const QSize pixels(int(std::ceil(width() * ratio)), int(std::ceil(height() * ratio)));
  if (pixels.isEmpty()) return;
  inFlight_ = true;
  std::shared_ptr<const PlotModel> model = model_;
  const DataRange range = range_;
  const double layoutScale = scale();
  const QRectF target = layoutRect();
  const std::uint64_t generation = generation_;
  const PlotFrame frame = currentFrame();  // laid out once here; legend counts are a pass over every point
  watcher_.setFuture(QtConcurrent::run([model, range, layoutScale, target, pixels, ratio, generation, frame]() {
    Rendered out;
    out.generation = generation;
    out.range = range;
    out.size = QSize(int(std::lround(pixels.width() / ratio)), int(std::lround(pixels.height() / ratio)));
    out.pixelRatio = ratio;
    out.frame = frame;
    out.image = QImage(pixels, QImage::Format_ARGB32_Premultiplied);
    out.image.fill(Qt::transparent);
    QPainter painter(&out.image);
    painter.scale(ratio * layoutScale, ratio * layoutScale);
    PaintOptions options;
    options.layers = kLayerPoints;
    options.range = &range;
    options.frame = &frame;
    paintPlot(painter, *model, target, options);
    painter.end();
    out.image.setDevicePixelRatio(ratio);
    return out;
  }));
}

void PlotView::renderFinished() {
  inFlight_ = false;
  Rendered result = watcher_.result();
  // A render requested before the latest change is dropped: the latest one is already queued or running.
  if (result.generation == generation_) {
    shown_ = std::move(result);
    update();
    Q_EMIT pointLayerRendered();
  }
  if (renderQueued_) startRender();
}

void PlotView::finishRendering() {
  if (!inFlight_ && !renderQueued_ && shown_.generation != generation_) startRender();
  while (inFlight_ || renderQueued_) {
    watcher_.waitForFinished();
    QCoreApplication::sendPostedEvents(&watcher_);
    QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
  }
}

void PlotView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  const double s = scale();
  const PlotFrame frame = currentFrame();
  const QRectF target = layoutRect();
  painter.scale(s, s);
  PaintOptions options;
  options.range = &range_;
  options.frame = &frame;
  options.layers = kLayerBackground;
  paintPlot(painter, *model_, target, options);

  if (!shown_.image.isNull()) {
    painter.save();
    const double slack = model_->pointSize;
    painter.setClipRect(frame.area.adjusted(-slack, -slack, slack, slack));
    const QRectF oldTarget(0, 0, shown_.size.width() / s, shown_.size.height() / s);
    if (sameRange(shown_.range, range_) && shown_.size == size()) {
      painter.drawImage(oldTarget, shown_.image);
    } else {
      // The last image, moved and scaled onto the current range until the new render arrives.
      const PlotFrame& old = shown_.frame;
      const double sx = (frame.mapX(old.xMax) - frame.mapX(old.xMin)) / (old.area.width());
      const double sy = (frame.mapY(old.yMin) - frame.mapY(old.yMax)) / (old.area.height());
      const double tx = frame.mapX(old.xMin) - old.area.left() * sx;
      const double ty = frame.mapY(old.yMax) - old.area.top() * sy;
      painter.setTransform(QTransform(sx, 0, 0, sy, tx, ty) * painter.transform());
      painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
      painter.drawImage(oldTarget, shown_.image);
    }
    painter.restore();
  }

  options.layers = kLayerAxes;
  if (!selection_.empty()) options.layers |= kLayerSelection, options.selected = &selectedMask_;
  if (!model_->labelled.empty()) options.layers |= kLayerLabels;
  paintPlot(painter, *model_, target, options);

  // Hover ring, threshold line being dragged, and the selection shapes (in layout units).
  painter.setRenderHint(QPainter::Antialiasing);
  if (hovered_ >= 0 && drag_ == Drag::None) {
    const QPointF at = frame.map(model_->points.x[hovered_], model_->points.y[hovered_]);
    const double r = model_->pointSize / 2 + 2;
    painter.setPen(QPen(QColor(0, 0, 0), 1.2));
    painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(at, r, r);
  }
  const QPointF from = toLayout(pressAt_), to = toLayout(lastAt_);
  QPen outline(QColor(30, 30, 30), 0.8, Qt::DashLine);
  painter.setPen(outline);
  painter.setBrush(QColor(0, 90, 200, 30));
  if (drag_ == Drag::Rectangle || drag_ == Drag::ZoomBox) painter.drawRect(QRectF(from, to).normalized());
  if (drag_ == Drag::Lasso) {
    QTransform toLayoutUnits;
    toLayoutUnits.scale(1 / s, 1 / s);
    painter.drawPath(toLayoutUnits.map(lasso_));
  }
  painter.setPen(QPen(QColor(200, 30, 30), 1.2));
  if (drag_ == Drag::VerticalLine) {
    for (double v : {-std::abs(dragLine_), std::abs(dragLine_)})
      painter.drawLine(QPointF(frame.mapX(v), frame.area.top()), QPointF(frame.mapX(v), frame.area.bottom()));
  }
  if (drag_ == Drag::HorizontalLine)
    painter.drawLine(QPointF(frame.area.left(), frame.mapY(dragLine_)),
                     QPointF(frame.area.right(), frame.mapY(dragLine_)));
}

void PlotView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  invalidateLayout();
  requestRender();
}

QImage PlotView::renderFigure(double pixelRatio) const {
  QImage image(QSize(int(std::ceil(width() * pixelRatio)), int(std::ceil(height() * pixelRatio))),
               QImage::Format_RGB32);
  image.fill(Qt::white);
  QPainter painter(&image);
  painter.scale(pixelRatio * scale(), pixelRatio * scale());
  PaintOptions options;
  options.range = &range_;
  if (!selection_.empty()) options.selected = &selectedMask_;
  paintPlot(painter, *model_, layoutRect(), options);
  painter.end();
  return image;
}

void PlotView::copyToClipboard() const { QApplication::clipboard()->setImage(renderFigure(2)); }

// ---- hit-testing and selection ---------------------------------------------------------------------------------

const PointIndex& PlotView::index() const {
  if (!index_) index_.emplace(pointPositions(*model_, currentFrame()), 6);
  return *index_;
}

long PlotView::pointAt(QPointF widgetPos) const {
  const PlotFrame frame = currentFrame();
  const double radius = std::max(kPickRadius, model_->pointSize / 2 * scale() + 1) / scale();
  const QPointF at = toLayout(widgetPos);
  if (!frame.area.adjusted(-radius, -radius, radius, radius).contains(at)) return -1;
  return index().nearest(at, radius);
}

std::vector<std::size_t> PlotView::pointsInWidgetRect(const QRectF& rect) const {
  const double s = scale();
  const QRectF layout(rect.topLeft() / s, rect.bottomRight() / s);
  // Only what is drawn can be selected: points outside the range are not on screen.
  return index().inRect(layout.normalized().intersected(currentFrame().area));
}

std::vector<std::size_t> PlotView::pointsInWidgetPath(const QPainterPath& lasso) const {
  QTransform toLayoutUnits;
  toLayoutUnits.scale(1 / scale(), 1 / scale());
  QPainterPath area;
  area.addRect(currentFrame().area);
  return index().inPath(toLayoutUnits.map(lasso).intersected(area));
}

void PlotView::setSelection(std::vector<std::size_t> indices) {
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  while (!indices.empty() && indices.back() >= model_->points.count()) indices.pop_back();
  selection_ = std::move(indices);
  selectedMask_.assign(model_->points.count(), 0);
  for (std::size_t i : selection_) selectedMask_[i] = 1;
  update();
}

void PlotView::select(const std::vector<std::size_t>& indices, SelectionMode mode) {
  setSelection(merge(selection_, indices, mode));
  Q_EMIT selectionChanged(selection_);
}

PlotView::SelectionMode PlotView::modeFor(Qt::KeyboardModifiers modifiers) {
  if (modifiers & (Qt::ControlModifier | Qt::AltModifier)) return SelectionMode::Remove;
  if (modifiers & Qt::ShiftModifier) return SelectionMode::Add;
  return SelectionMode::Replace;
}

QString PlotView::tooltipText(std::size_t i) const {
  const auto& p = model_->points;
  if (i >= p.count()) return {};
  QStringList lines;
  if (i < p.names.size()) lines << QStringLiteral("<b>%1</b>").arg(p.names[i].toHtmlEscaped());
  const QString x = model_->xLabel.isEmpty() ? QStringLiteral("x") : model_->xLabel;
  const QString y = model_->yLabel.isEmpty() ? QStringLiteral("y") : model_->yLabel;
  lines << QStringLiteral("%1: %2").arg(x.toHtmlEscaped(), number(p.x[i]));
  lines << QStringLiteral("%1: %2").arg(y.toHtmlEscaped(), number(p.y[i]));
  if (i < p.value.size())
    lines << QStringLiteral("%1: %2").arg((p.valueName.isEmpty() ? QStringLiteral("value") : p.valueName).toHtmlEscaped(),
                                          number(p.value[i]));
  const int c = p.category.empty() ? 0 : p.category[i];
  if (c >= 0 && c < int(model_->categories.size()) && model_->categories[c].inLegend &&
      !model_->categories[c].name.isEmpty())
    lines << model_->categories[c].name.toHtmlEscaped();
  return lines.join(QStringLiteral("<br>"));
}

// ---- labels and colours ----------------------------------------------------------------------------------------

void PlotView::labelTop(std::size_t n) {
  std::vector<std::size_t> order = model_->labelPriority;
  if (order.empty()) {
    const auto& y = model_->points.y;
    order.resize(y.size());
    std::iota(order.begin(), order.end(), 0);
    auto key = [&](std::size_t i) { return std::isfinite(y[i]) ? y[i] : -HUGE_VAL; };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
  }
  order.resize(std::min(n, order.size()));
  editModel().labelled = order;
  update();
}

std::size_t PlotView::labelNames(const QStringList& names) {
  QSet<QString> wanted;
  for (const QString& name : names)
    if (!name.trimmed().isEmpty()) wanted.insert(name.trimmed().toLower());
  std::vector<std::size_t> labelled;
  const auto& p = model_->points;
  for (std::size_t i = 0; i < p.names.size(); ++i)
    if (wanted.contains(p.names[i].toLower())) labelled.push_back(i);
  editModel().labelled = labelled;
  update();
  return labelled.size();
}

void PlotView::toggleLabel(std::size_t index) {
  if (index >= model_->points.count()) return;
  auto& labelled = editModel().labelled;
  const auto found = std::find(labelled.begin(), labelled.end(), index);
  // A clicked label goes first: it is placed before the automatic ones and so always gets a spot.
  if (found != labelled.end()) labelled.erase(found);
  else labelled.insert(labelled.begin(), index);
  update();
}

void PlotView::clearLabels() {
  editModel().labelled.clear();
  update();
}

void PlotView::setCategoryColour(std::size_t category, const QColor& colour) {
  if (category >= model_->categories.size() || !colour.isValid()) return;
  editModel().categories[category].colour = colour;
  invalidateLayout();
  requestRender();
  update();
}

void PlotView::setColourMap(ColourMap map) {
  if (!model_->colourBar.shown()) return;
  PlotModel& model = editModel();
  const std::size_t n = model.colourBar.colours.size();
  if (model.categories.size() < n) return;
  model.colourBar.colours = sampleColourMap(map, int(n));
  for (std::size_t i = 0; i < n; ++i) model.categories[model.categories.size() - n + i].colour = model.colourBar.colours[i];
  invalidateLayout();
  requestRender();
  update();
}

// The volcano rule, applied after a threshold line was dragged: beyond ±lfc and above the cut is up or down.
void PlotView::applyThresholdRule() {
  PlotModel& model = editModel();
  double lfc = 0, cut = 0;
  for (const auto& line : model.lines) {
    if (line.orientation == ReferenceLine::Orientation::Vertical) lfc = std::abs(line.value);
    else cut = line.value;
  }
  auto& p = model.points;
  if (model.categories.size() == 3 && p.category.size() == p.count())
    for (std::size_t i = 0; i < p.count(); ++i)
      p.category[i] = p.y[i] >= cut && std::abs(p.x[i]) >= lfc ? (p.x[i] > 0 ? kUp : kDown) : kNotSignificant;
  legend_.reset();  // legend counts changed
  invalidateLayout();
  requestRender();
  update();
  Q_EMIT thresholdsChanged(lfc, cut);
}

// ---- mouse and keys --------------------------------------------------------------------------------------------

void PlotView::mousePressEvent(QMouseEvent* event) {
  pressAt_ = lastAt_ = event->position();
  pressModifiers_ = event->modifiers();
  if (event->button() == Qt::MiddleButton) {
    drag_ = Drag::Pan;
    return;
  }
  if (event->button() != Qt::LeftButton) return;
  if (model_->thresholdsDraggable) {
    const PlotFrame frame = currentFrame();
    const QPointF at = toLayout(event->position());
    const double grab = kLineGrab / scale();
    for (const auto& line : model_->lines) {
      const bool vertical = line.orientation == ReferenceLine::Orientation::Vertical;
      const double distance = vertical ? std::abs(frame.mapX(line.value) - at.x()) : std::abs(frame.mapY(line.value) - at.y());
      if (distance <= grab && frame.area.adjusted(-grab, -grab, grab, grab).contains(at)) {
        drag_ = vertical ? Drag::VerticalLine : Drag::HorizontalLine;
        dragLine_ = line.value;
        return;
      }
    }
  }
  switch (tool_) {
    case Tool::Select: drag_ = Drag::Rectangle; break;
    case Tool::Lasso:
      drag_ = Drag::Lasso;
      lasso_ = QPainterPath(event->position());
      break;
    case Tool::Zoom: drag_ = Drag::ZoomBox; break;
    case Tool::Pan: drag_ = Drag::Pan; break;
    case Tool::Label: drag_ = Drag::None; break;
  }
}

void PlotView::mouseMoveEvent(QMouseEvent* event) {
  const QPointF at = event->position();
  const QPointF delta = at - lastAt_;
  lastAt_ = at;
  switch (drag_) {
    case Drag::None: {
      if (event->buttons() != Qt::NoButton) return;
      const long hit = pointAt(at);
      if (hit != hovered_) {
        hovered_ = hit;
        update();
      }
      if (hit >= 0) QToolTip::showText(event->globalPosition().toPoint(), tooltipText(std::size_t(hit)), this);
      else QToolTip::hideText();
      return;
    }
    case Drag::Pan: panBy(delta); return;
    case Drag::Lasso: lasso_.lineTo(at); break;
    case Drag::VerticalLine: dragLine_ = currentFrame().unmap(toLayout(at)).x(); break;
    case Drag::HorizontalLine: dragLine_ = currentFrame().unmap(toLayout(at)).y(); break;
    default: break;
  }
  update();
}

void PlotView::mouseReleaseEvent(QMouseEvent* event) {
  const Drag drag = drag_;
  drag_ = Drag::None;
  const QPointF at = event->position();
  // A lasso that returns to its start is not a click: judge it by the area it covers.
  const QRectF covered = drag == Drag::Lasso ? lasso_.boundingRect() : QRectF(pressAt_, at).normalized();
  const bool click = covered.width() < kClickSlop && covered.height() < kClickSlop;
  const SelectionMode mode = modeFor(pressModifiers_);
  update();
  if (event->button() == Qt::LeftButton && tool_ == Tool::Label && drag == Drag::None) {
    const long hit = pointAt(at);
    if (hit >= 0) toggleLabel(std::size_t(hit));
    return;
  }
  switch (drag) {
    case Drag::Rectangle:
    case Drag::Lasso:
      if (click) {
        const long hit = pointAt(at);
        if (hit >= 0) select({std::size_t(hit)}, mode);
        else if (mode == SelectionMode::Replace && !selection_.empty()) select({}, mode);
      } else if (drag == Drag::Rectangle) {
        select(pointsInWidgetRect(QRectF(pressAt_, at)), mode);
      } else {
        lasso_.closeSubpath();
        select(pointsInWidgetPath(lasso_), mode);
      }
      lasso_ = QPainterPath();
      return;
    case Drag::ZoomBox: {
      if (click) return;
      const PlotFrame frame = currentFrame();
      const QPointF a = frame.unmap(toLayout(pressAt_)), b = frame.unmap(toLayout(at));
      setViewRange({std::min(a.x(), b.x()), std::max(a.x(), b.x()), std::min(a.y(), b.y()), std::max(a.y(), b.y())});
      return;
    }
    case Drag::VerticalLine:
    case Drag::HorizontalLine: {
      if (click) return;
      PlotModel& model = editModel();
      for (auto& line : model.lines) {
        if (drag == Drag::VerticalLine && line.orientation == ReferenceLine::Orientation::Vertical)
          line.value = line.value < 0 ? -std::abs(dragLine_) : std::abs(dragLine_);
        if (drag == Drag::HorizontalLine && line.orientation == ReferenceLine::Orientation::Horizontal)
          line.value = std::max(0.0, dragLine_);
      }
      applyThresholdRule();
      return;
    }
    default: return;
  }
}

void PlotView::mouseDoubleClickEvent(QMouseEvent* event) {
  const long hit = pointAt(event->position());
  if (hit >= 0) Q_EMIT pointActivated(std::size_t(hit));
  else resetView();
}

void PlotView::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps != 0) zoomAt(event->position(), std::pow(1.25, steps));
  event->accept();
}

void PlotView::keyPressEvent(QKeyEvent* event) {
  if (event->matches(QKeySequence::Copy)) return copyToClipboard();
  switch (event->key()) {
    case Qt::Key_Home:
    case Qt::Key_R: return resetView();
    case Qt::Key_Escape:
      if (!selection_.empty()) select({}, SelectionMode::Replace);
      return;
    case Qt::Key_Plus: return zoomAt(QPointF(width() / 2.0, height() / 2.0), 1.25);
    case Qt::Key_Minus: return zoomAt(QPointF(width() / 2.0, height() / 2.0), 0.8);
    default: QWidget::keyPressEvent(event);
  }
}

void PlotView::contextMenuEvent(QContextMenuEvent* event) {
  QMenu menu(this);
  auto* tools = new QActionGroup(&menu);
  const std::pair<const char*, Tool> toolNames[] = {{"Select (rectangle)", Tool::Select},
                                                    {"Lasso", Tool::Lasso},
                                                    {"Zoom to box", Tool::Zoom},
                                                    {"Pan", Tool::Pan},
                                                    {"Label on click", Tool::Label}};
  for (const auto& [name, tool] : toolNames) {
    QAction* action = menu.addAction(tr(name), this, [this, tool = tool] { tool_ = tool; });
    action->setCheckable(true);
    action->setChecked(tool_ == tool);
    tools->addAction(action);
  }
  menu.addSeparator();
  menu.addAction(tr("Reset view"), this, &PlotView::resetView);
  menu.addAction(tr("Clear selection"), this, [this] { select({}, SelectionMode::Replace); });
  menu.addSeparator();
  if (!model_->points.names.empty()) {
    menu.addAction(tr("Label top 10"), this, [this] { labelTop(10); });
    menu.addAction(tr("Label top 20"), this, [this] { labelTop(20); });
    menu.addAction(tr("Label genes…"), this, [this] {
      bool ok = false;
      const QString text = QInputDialog::getMultiLineText(this, tr("Label genes"), tr("Names, one per line:"), {}, &ok);
      if (ok) labelNames(text.split(QRegularExpression(QStringLiteral("[\\s,;]+")), Qt::SkipEmptyParts));
    });
    menu.addAction(tr("Clear labels"), this, &PlotView::clearLabels);
    menu.addSeparator();
  }
  if (model_->colourBar.shown()) {
    QMenu* maps = menu.addMenu(tr("Colour map"));
    for (const QString& name : colourMapNames())
      maps->addAction(name, this, [this, name] {
        ColourMap map;
        if (colourMapFromName(name, map)) setColourMap(map);
      });
  }
  QMenu* colours = menu.addMenu(tr("Category colours"));
  for (std::size_t c = 0; c < model_->categories.size(); ++c) {
    if (!model_->categories[c].inLegend) continue;
    colours->addAction(model_->categories[c].name, this, [this, c] {
      const QColor colour = QColorDialog::getColor(model_->categories[c].colour, this);
      if (colour.isValid()) setCategoryColour(c, colour);
    });
  }
  colours->setEnabled(!colours->isEmpty());
  menu.addSeparator();
  menu.addAction(tr("Copy figure"), this, &PlotView::copyToClipboard);
  menu.exec(event->globalPos());
}

}  // namespace diffbio::plots

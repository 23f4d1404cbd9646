#include "widgets/canvas/node_item.h"

#include <QGraphicsScene>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>

#include "widgets/canvas/node_geometry.h"
#include "widgets/canvas/pipeline_scene.h"

namespace diffbio::widgets {

namespace geo = node_geometry;

NodeItem::NodeItem(std::string nodeId, const ops::OperatorSpec& spec)
    : nodeId_(std::move(nodeId)), spec_(spec), inputHints_(spec.inputs.size(), PortHint::Normal),
      outputHints_(spec.outputs.size(), PortHint::Normal) {
  setFlags(ItemIsMovable | ItemIsSelectable | ItemSendsGeometryChanges);
  setAcceptHoverEvents(true);
  setZValue(1);
  refreshToolTip();
}

QRectF NodeItem::boundingRect() const {
  return geo::bounds(spec_).adjusted(-geo::kPortRadius - 2, -3, geo::kPortRadius + 2, 3);
}

QString NodeItem::stateText() const {
  using pipeline::NodeState;
  switch (status_.state) {
    case NodeState::Idle: return QObject::tr("not run yet");
    case NodeState::Stale: return status_.message.empty() ? QObject::tr("stale") : QObject::tr("waiting");
    case NodeState::Queued: return QObject::tr("queued");
    case NodeState::Running: return QObject::tr("running %1 %").arg(std::lround(status_.progress * 100));
    case NodeState::Done:
      return status_.reused ? QObject::tr("done (cached)")
                            : QObject::tr("done in %1 s").arg(status_.seconds, 0, 'f', status_.seconds < 10 ? 2 : 1);
    case NodeState::Failed: return QObject::tr("failed: hover for the reason");
  }
  return {};
}

void NodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
  using pipeline::NodeState;
  painter->setRenderHint(QPainter::Antialiasing);
  const QRectF body = geo::bounds(spec_);
  const bool selected = option->state & QStyle::State_Selected;

  // Body and header.
  QColor border = selected ? QColor(255, 170, 0) : QColor(90, 96, 110);
  if (status_.state == NodeState::Failed) border = selected ? QColor(255, 170, 0) : QColor(200, 40, 40);
  QPainterPath outline;
  outline.addRoundedRect(body, 7, 7);
  painter->fillPath(outline, QColor(250, 251, 253));
  painter->save();
  painter->setClipPath(outline);  // the header takes the body's rounded top corners
  painter->fillRect(QRectF(body.left(), body.top(), body.width(), geo::kHeader), geo::categoryColour(spec_.category));
  painter->restore();
  painter->setPen(QPen(border, selected ? 2.5 : 1.2));
  painter->setBrush(Qt::NoBrush);
  painter->drawPath(outline);

  QFont font = painter->font();
  font.setPointSizeF(9);
  font.setBold(true);
  painter->setFont(font);
  painter->setPen(Qt::white);
  const QRectF titleRect(body.left() + 8, body.top(), body.width() - 16, geo::kHeader);
  const QString title = painter->fontMetrics().elidedText(QString::fromStdString(nodeId_), Qt::ElideRight,
                                                          static_cast<int>(titleRect.width() * 0.55));
  painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, title);
  font.setBold(false);
  font.setPointSizeF(7.5);
  painter->setFont(font);
  painter->drawText(titleRect, Qt::AlignRight | Qt::AlignVCenter,
                    painter->fontMetrics().elidedText(QString::fromStdString(spec_.displayName), Qt::ElideRight,
                                                      static_cast<int>(titleRect.width() * 0.45)));
  if (!problems_.isEmpty()) {  // a warning badge on the header corner
    painter->setBrush(QColor(255, 190, 0));
    painter->setPen(QPen(QColor(120, 80, 0), 1));
    painter->drawEllipse(QPointF(body.right() - 2, body.top() + 2), 8, 8);
    font.setBold(true);
    painter->setFont(font);
    painter->setPen(QColor(60, 40, 0));
    painter->drawText(QRectF(body.right() - 10, body.top() - 6, 16, 16), Qt::AlignCenter, "!");
    font.setBold(false);
    painter->setFont(font);
  }

  // Ports with their names.
  font.setPointSizeF(7.5);
  painter->setFont(font);
  auto drawPort = [&](QPointF centre, ops::PortType type, PortHint hint, bool required) {
    QColor fill = geo::portColour(type);
    QPen pen(QColor(40, 40, 40), 1);
    double radius = geo::kPortRadius;
    if (hint == PortHint::Incompatible) {
      fill = QColor(205, 205, 205);
      pen.setColor(QColor(170, 170, 170));
    } else if (hint == PortHint::Compatible) {
      pen = QPen(QColor(255, 170, 0), 2.5);
      radius += 2;
    }
    painter->setPen(pen);
    painter->setBrush(required ? QBrush(fill) : QBrush(fill.lighter(160)));
    painter->drawEllipse(centre, radius, radius);
  };
  for (std::size_t i = 0; i < spec_.inputs.size(); ++i) {
    const QPointF c = geo::inputPort(static_cast<int>(i));
    drawPort(c, spec_.inputs[i].type, inputHints_[i], spec_.inputs[i].required);
    painter->setPen(inputHints_[i] == PortHint::Incompatible ? QColor(180, 180, 180) : QColor(50, 50, 50));
    painter->drawText(QRectF(c.x() + 10, c.y() - 9, geo::kWidth / 2 - 12, 18), Qt::AlignLeft | Qt::AlignVCenter,
                      QString::fromStdString(spec_.inputs[i].name));
  }
  for (std::size_t i = 0; i < spec_.outputs.size(); ++i) {
    const QPointF c = geo::outputPort(static_cast<int>(i));
    drawPort(c, spec_.outputs[i].type, outputHints_[i], true);
    painter->setPen(outputHints_[i] == PortHint::Incompatible ? QColor(180, 180, 180) : QColor(50, 50, 50));
    painter->drawText(QRectF(geo::kWidth / 2, c.y() - 9, geo::kWidth / 2 - 10, 18), Qt::AlignRight | Qt::AlignVCenter,
                      QString::fromStdString(spec_.outputs[i].name));
  }

  // Footer: the run state.
  const QRectF footer(body.left() + 8, body.bottom() - geo::kFooter + 3, body.width() - 16, geo::kFooter - 8);
  QColor stateColour;
  switch (status_.state) {
    case NodeState::Idle: stateColour = QColor(150, 150, 150); break;
    case NodeState::Stale: stateColour = QColor(200, 140, 0); break;
    case NodeState::Queued: stateColour = QColor(110, 120, 150); break;
    case NodeState::Running: stateColour = QColor(0, 110, 200); break;
    case NodeState::Done: stateColour = QColor(30, 150, 70); break;
    case NodeState::Failed: stateColour = QColor(200, 40, 40); break;
  }
  if (status_.state == NodeState::Running) {
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(220, 232, 245));
    painter->drawRoundedRect(footer, 3, 3);
    painter->setBrush(QColor(120, 180, 235));
    painter->drawRoundedRect(QRectF(footer.left(), footer.top(), footer.width() * status_.progress, footer.height()), 3, 3);
  }
  painter->setPen(Qt::NoPen);
  painter->setBrush(stateColour);
  painter->drawEllipse(QPointF(footer.left() + 5, footer.center().y()), 4, 4);
  painter->setPen(stateColour.darker(130));
  painter->drawText(footer.adjusted(14, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, stateText());
  if (trainable_) {  // learnable by a training node downstream
    const QRectF badge(footer.right() - 58, footer.top() + 1, 58, footer.height() - 2);
    painter->setPen(Qt::NoPen);
    painter->setBrush(QColor(120, 60, 170));
    painter->drawRoundedRect(badge, 4, 4);
    painter->setPen(Qt::white);
    painter->drawText(badge, Qt::AlignCenter, QObject::tr("trainable"));
  }
}

void NodeItem::setStatus(const pipeline::NodeStatus& status) {
  status_ = status;
  refreshToolTip();
  update();
}

void NodeItem::setTrainable(bool trainable) {
  if (trainable == trainable_) return;
  trainable_ = trainable;
  refreshToolTip();
  update();
}

void NodeItem::setProblems(const QString& problems) {
  if (problems == problems_) return;
  problems_ = problems;
  refreshToolTip();
  update();
}

void NodeItem::refreshToolTip() {
  QString tip = QStringLiteral("<b>%1</b> — %2<br>%3")
                    .arg(QString::fromStdString(nodeId_).toHtmlEscaped(),
                         QString::fromStdString(spec_.displayName).toHtmlEscaped(),
                         QString::fromStdString(spec_.help).toHtmlEscaped());
  tip += "<br><i>" + stateText().toHtmlEscaped() + "</i>";
  if (trainable_) tip += "<br>" + QObject::tr("Trainable: a training node downstream learns its quantities.");
  if (!status_.message.empty())
    tip += "<br><span style='color:#b00'>" + QString::fromStdString(status_.message).toHtmlEscaped().replace("\n", "<br>") + "</span>";
  if (!problems_.isEmpty()) tip += "<br><span style='color:#a60'>" + problems_.toHtmlEscaped().replace("\n", "<br>") + "</span>";
  setToolTip(tip);
}

void NodeItem::setPortHint(bool output, int index, PortHint hint) {
  auto& hints = output ? outputHints_ : inputHints_;
  if (index >= 0 && index < static_cast<int>(hints.size())) hints[index] = hint;
  update();
}

void NodeItem::clearHints() {
  std::fill(inputHints_.begin(), inputHints_.end(), PortHint::Normal);
  std::fill(outputHints_.begin(), outputHints_.end(), PortHint::Normal);
  update();
}

std::optional<PortRef> NodeItem::portAt(QPointF scenePosition) const {
  const QPointF local = mapFromScene(scenePosition);
  constexpr double kGrab = 11;  // generous: ports are small
  auto near = [&](QPointF c) { return std::hypot(local.x() - c.x(), local.y() - c.y()) <= kGrab; };
  for (std::size_t i = 0; i < spec_.inputs.size(); ++i)
    if (near(geo::inputPort(static_cast<int>(i)))) return PortRef{nodeId_, spec_.inputs[i].name, false, spec_.inputs[i].type};
  for (std::size_t i = 0; i < spec_.outputs.size(); ++i)
    if (near(geo::outputPort(static_cast<int>(i)))) return PortRef{nodeId_, spec_.outputs[i].name, true, spec_.outputs[i].type};
  return std::nullopt;
}

QPointF NodeItem::portScenePosition(bool output, const std::string& port) const {
  const auto& ports = output ? spec_.outputs : spec_.inputs;
  for (std::size_t i = 0; i < ports.size(); ++i)
    if (ports[i].name == port)
      return mapToScene(output ? geo::outputPort(static_cast<int>(i)) : geo::inputPort(static_cast<int>(i)));
  return mapToScene(output ? QPointF(geo::kWidth, geo::kHeader / 2) : QPointF(0, geo::kHeader / 2));
}

QVariant NodeItem::itemChange(GraphicsItemChange change, const QVariant& value) {
  if (change == ItemPositionHasChanged)
    if (auto* owner = dynamic_cast<PipelineScene*>(scene())) owner->rerouteEdges(nodeId_);  // edges follow
  return QGraphicsItem::itemChange(change, value);
}

}  // namespace diffbio::widgets

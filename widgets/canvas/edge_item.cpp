#include "widgets/canvas/edge_item.h"

#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>

namespace diffbio::widgets {

EdgeItem::EdgeItem(pipeline::Edge edge, QColor colour) : edge_(std::move(edge)), colour_(colour) {
  setFlags(ItemIsSelectable);
  setZValue(0);
  setToolTip(QString::fromStdString(edge_.fromNode + "." + edge_.fromPort + " → " + edge_.toNode + "." + edge_.toPort));
}

QPainterPath EdgeItem::curve(QPointF from, QPointF to) {
  QPainterPath path(from);
  const double bend = std::max(40.0, std::abs(to.x() - from.x()) * 0.5);
  path.cubicTo(from + QPointF(bend, 0), to - QPointF(bend, 0), to);
  return path;
}

void EdgeItem::setEnds(QPointF from, QPointF to) { setPath(curve(from, to)); }

QPainterPath EdgeItem::shape() const {
  QPainterPathStroker stroker;
  stroker.setWidth(10);
  return stroker.createStroke(path());
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
  painter->setRenderHint(QPainter::Antialiasing);
  const bool selected = option->state & QStyle::State_Selected;
  painter->setPen(QPen(selected ? QColor(255, 170, 0) : colour_, selected ? 3.5 : 2.2, Qt::SolidLine, Qt::RoundCap));
  painter->setBrush(Qt::NoBrush);
  painter->drawPath(path());
}

}  // namespace diffbio::widgets

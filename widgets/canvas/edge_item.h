#pragma once
// A connection on the canvas: a smooth curve from an output port to an input port, coloured by the data type it
// carries. Selectable, so Delete disconnects it.
#include <QGraphicsPathItem>

#include "core/pipeline/graph.h"

namespace diffbio::widgets {

class EdgeItem : public QGraphicsPathItem {
 public:
  enum { Type = UserType + 2 };
  EdgeItem(pipeline::Edge edge, QColor colour);

  int type() const override { return Type; }
  const pipeline::Edge& edge() const { return edge_; }
  void setEnds(QPointF from, QPointF to);
  QPainterPath shape() const override;  // wider than the line, so it is easy to click
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  static QPainterPath curve(QPointF from, QPointF to);

 private:
  pipeline::Edge edge_;
  QColor colour_;
};

}  // namespace diffbio::widgets

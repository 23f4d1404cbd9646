#pragma once
// One pipeline node on the canvas: header with the node id and operator name, typed ports, and a footer with its
// run state (stale, queued, running with progress, done with runtime, failed with the error as tooltip). It holds
// no pipeline data of its own beyond what it draws; the scene refreshes it from the document and the runner.
#include <QGraphicsItem>

#include <optional>
#include <string>

#include "core/ops/operator.h"
#include "core/pipeline/node_status.h"

namespace diffbio::widgets {

struct PortRef {
  std::string nodeId;
  std::string port;
  bool output = false;
  ops::PortType type = ops::PortType::Table;
};

class NodeItem : public QGraphicsItem {
 public:
  enum { Type = UserType + 1 };
  // How a port looks while the user drags a new connection.
  enum class PortHint { Normal, Compatible, Incompatible };

  NodeItem(std::string nodeId, const ops::OperatorSpec& spec);

  int type() const override { return Type; }
  const std::string& nodeId() const { return nodeId_; }
  const ops::OperatorSpec& spec() const { return spec_; }

  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

  void setStatus(const pipeline::NodeStatus& status);
  const pipeline::NodeStatus& status() const { return status_; }
  void setProblems(const QString& problems);  // empty = valid
  void setTrainable(bool trainable);
  bool trainable() const { return trainable_; }
  // During a connection drag: hint for each port (by input/output and index); clearHints() ends it.
  void setPortHint(bool output, int index, PortHint hint);
  void clearHints();
  PortHint portHint(bool output, int index) const { return (output ? outputHints_ : inputHints_).at(index); }

  std::optional<PortRef> portAt(QPointF scenePosition) const;
  QPointF portScenePosition(bool output, const std::string& port) const;

 protected:
  QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

 private:
  void refreshToolTip();
  QString stateText() const;

  std::string nodeId_;
  const ops::OperatorSpec& spec_;
  pipeline::NodeStatus status_;
  QString problems_;
  bool trainable_ = false;
  std::vector<PortHint> inputHints_, outputHints_;
};

}  // namespace diffbio::widgets

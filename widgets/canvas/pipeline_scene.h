#pragma once
// The canvas scene: mirrors the document's graph as node and edge items (rebuilt when the structure changes,
// moved when a node moves), shows each node's run state and validation problems, and turns mouse gestures into
// document edits: dragging from a port to a port connects them (compatible ports are highlighted, the others greyed
// out, during the drag), and releasing moved nodes records one undoable move.
#include <QGraphicsScene>

#include <map>
#include <optional>
#include <string>

#include "core/pipeline/graph.h"
#include "core/pipeline/node_status.h"
#include "widgets/canvas/node_item.h"

class QGraphicsPathItem;

namespace diffbio::widgets {

class EdgeItem;
class PipelineDocument;

class PipelineScene : public QGraphicsScene {
  Q_OBJECT

 public:
  explicit PipelineScene(PipelineDocument* document, QObject* parent = nullptr);
  ~PipelineScene() override;

  NodeItem* nodeItem(const std::string& id) const;
  std::vector<std::string> selectedNodeIds() const;
  std::vector<pipeline::Edge> selectedEdges() const;
  void selectNodes(const std::vector<std::string>& ids);
  std::optional<PortRef> portAt(QPointF scenePosition) const;

  void setNodeStatus(const std::string& id, const pipeline::NodeStatus& status);
  pipeline::NodeStatus nodeStatus(const std::string& id) const;
  void rerouteEdges(const std::string& nodeId);
  bool connecting() const { return dragFrom_.has_value(); }

 Q_SIGNALS:
  // The node the inspector should show: the only selected node, or empty.
  void currentNodeChanged(const QString& id);

 protected:
  void mousePressEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseMoveEvent(QGraphicsSceneMouseEvent* event) override;
  void mouseReleaseEvent(QGraphicsSceneMouseEvent* event) override;
  void drawBackground(QPainter* painter, const QRectF& rect) override;

 private:
  void rebuild();
  void refreshProblems();
  void markStale(const QStringList& ids);
  void beginConnection(const PortRef& from, QPointF at);
  void finishConnection(QPointF at);
  void commitMoves();

  PipelineDocument* document_;
  std::map<std::string, NodeItem*> nodes_;
  std::vector<EdgeItem*> edges_;
  std::map<std::string, pipeline::NodeStatus> statuses_;
  std::optional<PortRef> dragFrom_;
  QGraphicsPathItem* dragLine_ = nullptr;
  QString current_;
  bool rebuilding_ = false;
};

}  // namespace diffbio::widgets

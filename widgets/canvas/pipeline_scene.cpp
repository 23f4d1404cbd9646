#include "widgets/canvas/pipeline_scene.h"

#include <QGraphicsPathItem>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>

#include <cmath>
#include <set>

#include "core/ops/registry.h"
#include "core/pipeline/validation.h"
#include "widgets/canvas/edge_item.h"
#include "widgets/canvas/node_geometry.h"
#include "widgets/document/pipeline_document.h"

namespace diffbio::widgets {

PipelineScene::PipelineScene(PipelineDocument* document, QObject* parent) : QGraphicsScene(parent), document_(document) {
  setItemIndexMethod(QGraphicsScene::NoIndex);  // few items, moving often
  connect(document_, &PipelineDocument::structureChanged, this, &PipelineScene::rebuild);
  connect(document_, &PipelineDocument::nodeMoved, this, [this](const QString& id) {
    const auto* node = document_->graph().findNode(id.toStdString());
    if (auto* item = nodeItem(id.toStdString()); item && node) item->setPos(node->position.x, node->position.y);
  });
  connect(document_, &PipelineDocument::parameterChanged, this, &PipelineScene::refreshProblems);
  connect(document_, &PipelineDocument::trainableChanged, this, [this](const QString& id) {
    const auto* node = document_->graph().findNode(id.toStdString());
    if (auto* item = nodeItem(id.toStdString()); item && node) item->setTrainable(node->trainable);
  });
  connect(document_, &PipelineDocument::nodesInvalidated, this, &PipelineScene::markStale);
  connect(this, &QGraphicsScene::selectionChanged, this, [this] {
    if (rebuilding_) return;
    const auto ids = selectedNodeIds();
    const QString current = ids.size() == 1 ? QString::fromStdString(ids.front()) : QString();
    if (current != current_) {
      current_ = current;
      Q_EMIT currentNodeChanged(current_);
    }
  });
  rebuild();
}

PipelineScene::~PipelineScene() {
  // Deleting selected items emits selectionChanged; nothing may react to it while the scene goes away.
  rebuilding_ = true;
  disconnect(this, &QGraphicsScene::selectionChanged, nullptr, nullptr);
  nodes_.clear();
  edges_.clear();
  clear();
}

NodeItem* PipelineScene::nodeItem(const std::string& id) const {
  const auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : it->second;
}

std::vector<std::string> PipelineScene::selectedNodeIds() const {
  std::vector<std::string> ids;
  for (const auto& node : document_->graph().nodes())  // graph order, so copies keep it
    if (auto* item = nodeItem(node.id); item && item->isSelected()) ids.push_back(node.id);
  return ids;
}

std::vector<pipeline::Edge> PipelineScene::selectedEdges() const {
  std::vector<pipeline::Edge> result;
  for (auto* item : edges_)
    if (item->isSelected()) result.push_back(item->edge());
  return result;
}

void PipelineScene::selectNodes(const std::vector<std::string>& ids) {
  clearSelection();
  for (const auto& id : ids)
    if (auto* item = nodeItem(id)) item->setSelected(true);
}

std::optional<PortRef> PipelineScene::portAt(QPointF scenePosition) const {
  for (const auto& [id, item] : nodes_)
    if (auto port = item->portAt(scenePosition)) return port;
  return std::nullopt;
}

void PipelineScene::rebuild() {
  rebuilding_ = true;
  const auto selected = selectedNodeIds();
  if (dragLine_) {
    delete dragLine_;
    dragLine_ = nullptr;
    dragFrom_.reset();
  }
  for (auto* item : edges_) delete item;
  for (auto& [id, item] : nodes_) delete item;
  edges_.clear();
  nodes_.clear();

  const auto& registry = ops::Registry::global();
  const auto& graph = document_->graph();
  for (auto it = statuses_.begin(); it != statuses_.end();)
    it = graph.findNode(it->first) ? std::next(it) : statuses_.erase(it);
  for (const auto& node : graph.nodes()) {
    const auto* spec = registry.findSpec(node.operatorId);
    if (!spec) continue;  // pipeline files reject unknown operators; nothing else can add one
    auto* item = new NodeItem(node.id, *spec);
    item->setPos(node.position.x, node.position.y);
    item->setTrainable(node.trainable);
    if (const auto status = statuses_.find(node.id); status != statuses_.end()) item->setStatus(status->second);
    addItem(item);
    nodes_[node.id] = item;
  }
  for (const auto& edge : graph.edges()) {
    auto* from = nodeItem(edge.fromNode);
    auto* to = nodeItem(edge.toNode);
    if (!from || !to) continue;
    const auto* port = from->spec().findOutput(edge.fromPort);
    auto* item = new EdgeItem(edge, port ? node_geometry::portColour(port->type) : QColor(120, 120, 120));
    item->setEnds(from->portScenePosition(true, edge.fromPort), to->portScenePosition(false, edge.toPort));
    addItem(item);
    edges_.push_back(item);
  }
  for (const auto& id : selected)
    if (auto* item = nodeItem(id)) item->setSelected(true);
  rebuilding_ = false;
  refreshProblems();
  Q_EMIT selectionChanged();
}

void PipelineScene::refreshProblems() {
  std::map<std::string, QString> byNode;
  for (const auto& problem : pipeline::validate(document_->graph())) {
    QString& text = byNode[problem.node];
    if (!text.isEmpty()) text += "\n";
    text += QString::fromStdString(problem.message);
  }
  for (auto& [id, item] : nodes_) item->setProblems(byNode.count(id) ? byNode[id] : QString());
}

void PipelineScene::rerouteEdges(const std::string& nodeId) {
  for (auto* item : edges_) {
    const auto& edge = item->edge();
    if (edge.fromNode != nodeId && edge.toNode != nodeId) continue;
    auto* from = nodeItem(edge.fromNode);
    auto* to = nodeItem(edge.toNode);
    if (from && to) item->setEnds(from->portScenePosition(true, edge.fromPort), to->portScenePosition(false, edge.toPort));
  }
}

void PipelineScene::setNodeStatus(const std::string& id, const pipeline::NodeStatus& status) {
  statuses_[id] = status;
  if (auto* item = nodeItem(id)) item->setStatus(status);
}

pipeline::NodeStatus PipelineScene::nodeStatus(const std::string& id) const {
  const auto it = statuses_.find(id);
  return it == statuses_.end() ? pipeline::NodeStatus{} : it->second;
}

void PipelineScene::markStale(const QStringList& ids) {
  for (const QString& id : ids) {
    pipeline::NodeStatus status = nodeStatus(id.toStdString());
    if (status.state == pipeline::NodeState::Idle) continue;
    status.state = pipeline::NodeState::Stale;
    status.message.clear();
    status.progress = 0;
    setNodeStatus(id.toStdString(), status);
  }
}

// ---- gestures ----

void PipelineScene::mousePressEvent(QGraphicsSceneMouseEvent* event) {
  if (event->button() == Qt::LeftButton)
    if (const auto port = portAt(event->scenePos())) {
      beginConnection(*port, event->scenePos());
      event->accept();
      return;
    }
  QGraphicsScene::mousePressEvent(event);
}

void PipelineScene::mouseMoveEvent(QGraphicsSceneMouseEvent* event) {
  if (dragFrom_) {
    const QPointF start = nodeItem(dragFrom_->nodeId)->portScenePosition(dragFrom_->output, dragFrom_->port);
    dragLine_->setPath(dragFrom_->output ? EdgeItem::curve(start, event->scenePos())
                                         : EdgeItem::curve(event->scenePos(), start));
    event->accept();
    return;
  }
  QGraphicsScene::mouseMoveEvent(event);
}

void PipelineScene::mouseReleaseEvent(QGraphicsSceneMouseEvent* event) {
  if (dragFrom_) {
    finishConnection(event->scenePos());
    event->accept();
    return;
  }
  QGraphicsScene::mouseReleaseEvent(event);
  if (event->button() == Qt::LeftButton) commitMoves();
}

void PipelineScene::beginConnection(const PortRef& from, QPointF at) {
  dragFrom_ = from;
  // Light up the ports this one can connect to and grey out the rest (ops::isCompatible decides).
  for (auto& [id, item] : nodes_) {
    const auto& ports = from.output ? item->spec().inputs : item->spec().outputs;
    for (std::size_t i = 0; i < ports.size(); ++i) {
      const bool fits = id != from.nodeId && (from.output ? ops::isCompatible(from.type, ports[i].type)
                                                          : ops::isCompatible(ports[i].type, from.type));
      item->setPortHint(!from.output, static_cast<int>(i),
                        fits ? NodeItem::PortHint::Compatible : NodeItem::PortHint::Incompatible);
    }
    const auto& same = from.output ? item->spec().outputs : item->spec().inputs;
    for (std::size_t i = 0; i < same.size(); ++i)
      item->setPortHint(from.output, static_cast<int>(i), NodeItem::PortHint::Incompatible);
  }
  dragLine_ = addPath(EdgeItem::curve(at, at), QPen(node_geometry::portColour(from.type), 2.2, Qt::DashLine));
  dragLine_->setZValue(2);
}

void PipelineScene::finishConnection(QPointF at) {
  const PortRef from = *dragFrom_;
  dragFrom_.reset();
  delete dragLine_;
  dragLine_ = nullptr;
  for (auto& [id, item] : nodes_) item->clearHints();
  const auto target = portAt(at);
  if (!target || target->output == from.output || target->nodeId == from.nodeId) return;
  const PortRef& out = from.output ? from : *target;
  const PortRef& in = from.output ? *target : from;
  if (!ops::isCompatible(out.type, in.type)) return;
  document_->connectPorts({out.nodeId, out.port, in.nodeId, in.port});
}

void PipelineScene::commitMoves() {
  std::map<std::string, std::pair<pipeline::Position, pipeline::Position>> moves;
  for (const auto& node : document_->graph().nodes()) {
    auto* item = nodeItem(node.id);
    if (!item) continue;
    const pipeline::Position now{item->pos().x(), item->pos().y()};
    if (!(now == node.position)) moves[node.id] = {node.position, now};
  }
  if (!moves.empty()) document_->moveNodes(moves);
}

void PipelineScene::drawBackground(QPainter* painter, const QRectF& rect) {
  painter->fillRect(rect, QColor(238, 241, 245));
  // A light dot grid gives the canvas depth and helps alignment.
  constexpr double kStep = 24;
  const double left = std::floor(rect.left() / kStep) * kStep;
  const double top = std::floor(rect.top() / kStep) * kStep;
  painter->setPen(QPen(QColor(205, 210, 218), 1.6));
  if (rect.width() / kStep * rect.height() / kStep > 40000) return;  // zoomed far out: no grid
  for (double x = left; x < rect.right(); x += kStep)
    for (double y = top; y < rect.bottom(); y += kStep) painter->drawPoint(QPointF(x, y));
}

}  // namespace diffbio::widgets

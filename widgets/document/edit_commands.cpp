#include "widgets/document/edit_commands.h"

#include <algorithm>
#include <set>

#include "widgets/document/pipeline_document.h"

namespace diffbio::widgets {

AddNodesCommand::AddNodesCommand(PipelineDocument* document, std::vector<pipeline::Node> nodes,
                                 std::vector<pipeline::Edge> edges, const QString& text)
    : document_(document), nodes_(std::move(nodes)), edges_(std::move(edges)) {
  setText(text);
}

void AddNodesCommand::redo() {
  for (const auto& node : nodes_) document_->insertNode(node);
  for (const auto& edge : edges_) document_->insertEdge(edge);
}

void AddNodesCommand::undo() {
  for (auto it = nodes_.rbegin(); it != nodes_.rend(); ++it) document_->eraseNode(it->id);
}

RemoveNodesCommand::RemoveNodesCommand(PipelineDocument* document, const std::vector<std::string>& ids)
    : document_(document) {
  const auto& graph = document->graph();
  const std::set<std::string> removed(ids.begin(), ids.end());
  for (const auto& node : graph.nodes())
    if (removed.count(node.id)) nodes_.push_back(node);
  for (const auto& edge : graph.edges())
    if (removed.count(edge.fromNode) || removed.count(edge.toNode)) edges_.push_back(edge);
  setText(nodes_.size() == 1 ? QObject::tr("Delete %1").arg(QString::fromStdString(nodes_.front().id))
                             : QObject::tr("Delete %1 nodes").arg(nodes_.size()));
}

void RemoveNodesCommand::redo() {
  for (const auto& node : nodes_) document_->eraseNode(node.id);
}

void RemoveNodesCommand::undo() {
  for (const auto& node : nodes_) document_->insertNode(node);
  for (const auto& edge : edges_) document_->insertEdge(edge);
}

ConnectCommand::ConnectCommand(PipelineDocument* document, pipeline::Edge edge)
    : document_(document), edge_(std::move(edge)) {
  for (const auto& existing : document->graph().edgesInto(edge_.toNode))
    if (existing.toPort == edge_.toPort && !(existing == edge_)) replaced_ = existing;
  setText(QObject::tr("Connect %1.%2 to %3.%4")
              .arg(QString::fromStdString(edge_.fromNode), QString::fromStdString(edge_.fromPort),
                   QString::fromStdString(edge_.toNode), QString::fromStdString(edge_.toPort)));
}

void ConnectCommand::redo() {
  if (replaced_) document_->eraseEdge(*replaced_);
  document_->insertEdge(edge_);
}

void ConnectCommand::undo() {
  document_->eraseEdge(edge_);
  if (replaced_) document_->insertEdge(*replaced_);
}

DisconnectCommand::DisconnectCommand(PipelineDocument* document, pipeline::Edge edge)
    : document_(document), edge_(std::move(edge)) {
  setText(QObject::tr("Disconnect %1.%2").arg(QString::fromStdString(edge_.toNode), QString::fromStdString(edge_.toPort)));
}

void DisconnectCommand::redo() { document_->eraseEdge(edge_); }
void DisconnectCommand::undo() { document_->insertEdge(edge_); }

MoveNodesCommand::MoveNodesCommand(PipelineDocument* document, Moves moves, const QString& text)
    : document_(document), moves_(std::move(moves)) {
  setText(text);
}

void MoveNodesCommand::redo() {
  for (const auto& [id, fromTo] : moves_) document_->placeNode(id, fromTo.second);
}

void MoveNodesCommand::undo() {
  for (const auto& [id, fromTo] : moves_) document_->placeNode(id, fromTo.first);
}

SetParameterCommand::SetParameterCommand(PipelineDocument* document, std::string nodeId, std::string name,
                                         std::optional<ops::ParameterValue> before,
                                         std::optional<ops::ParameterValue> after)
    : document_(document), nodeId_(std::move(nodeId)), name_(std::move(name)), before_(std::move(before)),
      after_(std::move(after)) {
  setText(after_ ? QObject::tr("Set %1.%2").arg(QString::fromStdString(nodeId_), QString::fromStdString(name_))
                 : QObject::tr("Reset %1.%2").arg(QString::fromStdString(nodeId_), QString::fromStdString(name_)));
}

void SetParameterCommand::redo() { document_->assignParameter(nodeId_, name_, after_); }
void SetParameterCommand::undo() { document_->assignParameter(nodeId_, name_, before_); }

bool SetParameterCommand::mergeWith(const QUndoCommand* other) {
  const auto* next = dynamic_cast<const SetParameterCommand*>(other);
  if (!next || next->nodeId_ != nodeId_ || next->name_ != name_) return false;
  after_ = next->after_;
  return true;
}

SetTrainableCommand::SetTrainableCommand(PipelineDocument* document, std::string nodeId, bool trainable)
    : document_(document), nodeId_(std::move(nodeId)), trainable_(trainable) {
  setText(trainable_ ? QObject::tr("Make %1 trainable").arg(QString::fromStdString(nodeId_))
                     : QObject::tr("Make %1 fixed").arg(QString::fromStdString(nodeId_)));
}

void SetTrainableCommand::redo() { document_->assignTrainable(nodeId_, trainable_); }
void SetTrainableCommand::undo() { document_->assignTrainable(nodeId_, !trainable_); }

}  // namespace diffbio::widgets

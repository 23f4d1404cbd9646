#include "widgets/document/pipeline_document.h"

#include <QFile>
#include <QFileInfo>

#include <filesystem>
#include <set>

#include "core/ops/registry.h"
#include "core/pipeline/pipeline_file.h"
#include "core/util/error.h"
#include "widgets/canvas/auto_layout.h"
#include "widgets/document/edit_commands.h"

namespace diffbio::widgets {

namespace {
QStringList toQt(const std::vector<std::string>& ids) {
  QStringList result;
  for (const auto& id : ids) result << QString::fromStdString(id);
  return result;
}
// Reads a pipeline for editing: input paths absolute (resolved against the file's folder, so the pipeline can be
// saved anywhere), output paths left as written, so sinks write into the run's output folder rather than beside a
// template (readPipelineFile would pin them next to the file, as `diffbio run` also avoids).
pipeline::Graph readForEditing(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly))
    throw InputError({path.toStdString()}, "cannot open the pipeline file: " + file.errorString().toStdString(),
                     "check the path");
  pipeline::Graph graph = pipeline::parsePipeline(file.readAll().toStdString(), {}, path.toStdString());
  const std::filesystem::path folder = QFileInfo(path).absolutePath().toStdString();
  const auto& registry = ops::Registry::global();
  for (const auto& node : graph.nodes()) {
    const auto* spec = registry.findSpec(node.operatorId);
    if (!spec) continue;
    for (const auto& parameter : spec->parameters) {
      if (parameter.type != ops::ParameterType::Path || parameter.outputPath || !node.parameters.has(parameter.name))
        continue;
      const std::string& given = node.parameters.text(parameter.name);
      if (given.empty() || std::filesystem::path(given).is_absolute()) continue;
      graph.node(node.id).parameters.set(parameter.name, (folder / given).lexically_normal().string());
    }
  }
  return graph;
}

}  // namespace

std::string nodeIdBase(const std::string& operatorId) {
  const auto dot = operatorId.rfind('.');
  return dot == std::string::npos ? operatorId : operatorId.substr(dot + 1);
}

PipelineDocument::PipelineDocument(QObject* parent) : QObject(parent) { undo_.setUndoLimit(500); }

QString PipelineDocument::folder() const {
  return filePath_.isEmpty() ? QString() : QFileInfo(filePath_).absolutePath();
}

std::string PipelineDocument::addNode(const std::string& operatorId, QPointF position,
                                      const ops::ParameterValues& parameters) {
  pipeline::Node node{graph_.uniqueId(nodeIdBase(operatorId)), operatorId, parameters, {position.x(), position.y()}};
  const std::string id = node.id;
  const auto* spec = ops::Registry::global().findSpec(operatorId);
  const QString name = spec ? QString::fromStdString(spec->displayName) : QString::fromStdString(operatorId);
  undo_.push(new AddNodesCommand(this, {std::move(node)}, {}, tr("Add %1").arg(name)));
  return id;
}

void PipelineDocument::removeNodes(const std::vector<std::string>& ids) {
  std::vector<std::string> present;
  for (const auto& id : ids)
    if (graph_.findNode(id)) present.push_back(id);
  if (!present.empty()) undo_.push(new RemoveNodesCommand(this, present));
}

void PipelineDocument::connectPorts(const pipeline::Edge& edge) {
  for (const auto& existing : graph_.edges())
    if (existing == edge) return;
  undo_.push(new ConnectCommand(this, edge));
}

void PipelineDocument::disconnectPorts(const pipeline::Edge& edge) { undo_.push(new DisconnectCommand(this, edge)); }

void PipelineDocument::moveNodes(const std::map<std::string, std::pair<pipeline::Position, pipeline::Position>>& moves) {
  MoveNodesCommand::Moves real;
  for (const auto& [id, fromTo] : moves)
    if (!(fromTo.first == fromTo.second)) real[id] = fromTo;
  if (real.empty()) return;
  undo_.push(new MoveNodesCommand(this, real, real.size() == 1 ? tr("Move %1").arg(QString::fromStdString(real.begin()->first))
                                                               : tr("Move %1 nodes").arg(real.size())));
}

void PipelineDocument::setParameter(const std::string& nodeId, const std::string& name,
                                    std::optional<ops::ParameterValue> value) {
  const auto* node = graph_.findNode(nodeId);
  if (!node) return;
  std::optional<ops::ParameterValue> before;
  if (node->parameters.has(name)) before = node->parameters.at(name);
  if (before == value) return;
  undo_.push(new SetParameterCommand(this, nodeId, name, std::move(before), std::move(value)));
}

void PipelineDocument::setTrainable(const std::string& nodeId, bool trainable) {
  const auto* node = graph_.findNode(nodeId);
  if (node && node->trainable != trainable) undo_.push(new SetTrainableCommand(this, nodeId, trainable));
}

QString PipelineDocument::copyText(const std::vector<std::string>& ids) const {
  const std::set<std::string> chosen(ids.begin(), ids.end());
  pipeline::Graph part;
  for (const auto& node : graph_.nodes())
    if (chosen.count(node.id)) part.addNode(node.id, node.operatorId, node.parameters, node.position).trainable = node.trainable;
  for (const auto& edge : graph_.edges())
    if (chosen.count(edge.fromNode) && chosen.count(edge.toNode)) part.connect(edge);
  return QString::fromStdString(pipeline::formatPipeline(part, {}));
}

std::vector<std::string> PipelineDocument::pasteText(const QString& text, QPointF offset) {
  const pipeline::Graph part = pipeline::parsePipeline(text.toStdString(), {}, "clipboard");
  // Give every pasted node a free id, and keep the edges among them.
  std::map<std::string, std::string> renamed;
  pipeline::Graph taken = graph_;
  std::vector<pipeline::Node> nodes;
  for (const auto& node : part.nodes()) {
    pipeline::Node copy = node;
    copy.id = taken.uniqueId(node.id);
    copy.position = {node.position.x + offset.x(), node.position.y + offset.y()};
    taken.addNode(copy.id, copy.operatorId);
    renamed[node.id] = copy.id;
    nodes.push_back(copy);
  }
  std::vector<pipeline::Edge> edges;
  for (const auto& edge : part.edges())
    edges.push_back({renamed.at(edge.fromNode), edge.fromPort, renamed.at(edge.toNode), edge.toPort});
  std::vector<std::string> ids;
  for (const auto& node : nodes) ids.push_back(node.id);
  if (!nodes.empty()) undo_.push(new AddNodesCommand(this, std::move(nodes), std::move(edges), tr("Paste")));
  return ids;
}

void PipelineDocument::autoLayout() {
  const auto positions = layeredLayout(graph_, ops::Registry::global());
  MoveNodesCommand::Moves moves;
  for (const auto& node : graph_.nodes()) moves[node.id] = {node.position, positions.at(node.id)};
  moveNodes(moves);
}

void PipelineDocument::replaceGraph(pipeline::Graph graph, const QString& filePath) {
  undo_.clear();
  graph_ = std::move(graph);
  filePath_ = filePath;
  Q_EMIT structureChanged();
  Q_EMIT fileChanged(filePath_);
  QStringList all;
  for (const auto& node : graph_.nodes()) all << QString::fromStdString(node.id);
  Q_EMIT nodesInvalidated(all);
  undo_.setClean();
}

void PipelineDocument::load(const QString& path) {
  replaceGraph(readForEditing(path), QFileInfo(path).absoluteFilePath());
}

void PipelineDocument::loadTemplate(const QString& path) {
  pipeline::Graph graph = readForEditing(path);
  const auto positions = layeredLayout(graph, ops::Registry::global());
  for (const auto& [id, position] : positions) graph.node(id).position = position;
  replaceGraph(std::move(graph), QString());
}

void PipelineDocument::save(const QString& path) {
  pipeline::writePipelineFile(graph_, path.toStdString());
  filePath_ = QFileInfo(path).absoluteFilePath();
  undo_.setClean();
  Q_EMIT fileChanged(filePath_);
}

void PipelineDocument::insertNode(const pipeline::Node& node) {
  graph_.addNode(node.id, node.operatorId, node.parameters, node.position).trainable = node.trainable;
  Q_EMIT structureChanged();
  invalidateFrom(node.id);
}

void PipelineDocument::eraseNode(const std::string& id) {
  const auto downstream = graph_.descendants(id);
  graph_.removeNode(id);
  Q_EMIT structureChanged();
  if (!downstream.empty()) Q_EMIT nodesInvalidated(toQt(downstream));
}

void PipelineDocument::insertEdge(const pipeline::Edge& edge) {
  graph_.connect(edge);
  Q_EMIT structureChanged();
  invalidateFrom(edge.toNode);
}

void PipelineDocument::eraseEdge(const pipeline::Edge& edge) {
  graph_.disconnect(edge);
  Q_EMIT structureChanged();
  invalidateFrom(edge.toNode);
}

void PipelineDocument::placeNode(const std::string& id, pipeline::Position position) {
  if (auto* node = graph_.findNode(id)) {
    node->position = position;
    Q_EMIT nodeMoved(QString::fromStdString(id));
  }
}

void PipelineDocument::assignParameter(const std::string& nodeId, const std::string& name,
                                       std::optional<ops::ParameterValue> value) {
  auto* node = graph_.findNode(nodeId);
  if (!node) return;
  if (value)
    node->parameters.set(name, *value);
  else
    node->parameters.erase(name);
  Q_EMIT parameterChanged(QString::fromStdString(nodeId), QString::fromStdString(name));
  invalidateFrom(nodeId);
}

void PipelineDocument::assignTrainable(const std::string& nodeId, bool trainable) {
  auto* node = graph_.findNode(nodeId);
  if (!node) return;
  node->trainable = trainable;
  Q_EMIT trainableChanged(QString::fromStdString(nodeId));
  // What a trainer downstream learns changes; the node's own result does not.
  std::vector<std::string> downstream = graph_.descendants(nodeId);
  if (!downstream.empty()) Q_EMIT nodesInvalidated(toQt(downstream));
}

void PipelineDocument::invalidateFrom(const std::string& nodeId) {
  if (!graph_.findNode(nodeId)) return;
  std::vector<std::string> ids{nodeId};
  const auto downstream = graph_.descendants(nodeId);
  ids.insert(ids.end(), downstream.begin(), downstream.end());
  Q_EMIT nodesInvalidated(toQt(ids));
}

}  // namespace diffbio::widgets

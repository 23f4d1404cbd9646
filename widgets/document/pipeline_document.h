#pragma once
// The pipeline being edited: the one core::pipeline::Graph (the truth the canvas, inspector and runner all read),
// its file, and the undo stack. Every user edit goes through a QUndoCommand (edit_commands.h) that calls the
// low-level mutators below; the mutators emit signals so views mirror the graph without owning any of it.
#include <QObject>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QUndoStack>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/pipeline/graph.h"

namespace diffbio::widgets {

class PipelineDocument : public QObject {
  Q_OBJECT

 public:
  explicit PipelineDocument(QObject* parent = nullptr);

  const pipeline::Graph& graph() const { return graph_; }
  QUndoStack* undoStack() { return &undo_; }
  QString filePath() const { return filePath_; }  // empty while untitled (e.g. opened from a template)
  // Relative paths in the graph are resolved against this folder (the file's folder, or empty).
  QString folder() const;

  // ---- edits a user makes (each one undoable) ----
  // Adds a node of `operatorId` at `position` with an id derived from the operator; returns the id.
  std::string addNode(const std::string& operatorId, QPointF position, const ops::ParameterValues& parameters = {});
  void removeNodes(const std::vector<std::string>& ids);
  // Connects; if the input already has a connection it is replaced (an input takes one edge).
  void connectPorts(const pipeline::Edge& edge);
  void disconnectPorts(const pipeline::Edge& edge);
  void moveNodes(const std::map<std::string, std::pair<pipeline::Position, pipeline::Position>>& moves);
  // nullopt resets the parameter to the operator's default.
  void setParameter(const std::string& nodeId, const std::string& name, std::optional<ops::ParameterValue> value);
  // Marks the node's quantities as learnable by a training node downstream (undoable).
  void setTrainable(const std::string& nodeId, bool trainable);
  // Copy/paste as pipeline JSON (the file format), so a selection can also be pasted into another window.
  QString copyText(const std::vector<std::string>& ids) const;
  std::vector<std::string> pasteText(const QString& text, QPointF offset);  // throws InputError on bad text
  // Moves every node to a layered layout (undoable).
  void autoLayout();

  // ---- whole-document operations (not undoable: they start a new history) ----
  void replaceGraph(pipeline::Graph graph, const QString& filePath);
  void load(const QString& path);          // throws InputError
  void loadTemplate(const QString& path);  // untitled copy, laid out automatically; throws InputError
  void save(const QString& path);          // throws InputError; becomes the document's file

  // ---- mutators for the undo commands only ----
  void insertNode(const pipeline::Node& node);
  void eraseNode(const std::string& id);
  void insertEdge(const pipeline::Edge& edge);
  void eraseEdge(const pipeline::Edge& edge);
  void placeNode(const std::string& id, pipeline::Position position);
  void assignParameter(const std::string& nodeId, const std::string& name, std::optional<ops::ParameterValue> value);
  void assignTrainable(const std::string& nodeId, bool trainable);

 Q_SIGNALS:
  void structureChanged();                    // nodes or edges added or removed, or a new graph
  void nodeMoved(const QString& id);
  void parameterChanged(const QString& nodeId, const QString& name);
  void trainableChanged(const QString& nodeId);
  // These nodes' results are out of date (an edit upstream of them or on them): the canvas shows them stale and,
  // with auto-run on, the runner is asked to run again.
  void nodesInvalidated(const QStringList& ids);
  void fileChanged(const QString& path);

 private:
  void invalidateFrom(const std::string& nodeId);

  pipeline::Graph graph_;
  QUndoStack undo_;
  QString filePath_;
};

// The node id a new node of this operator gets: the part after the family prefix ("de.size_factors" -> "size_factors").
std::string nodeIdBase(const std::string& operatorId);

}  // namespace diffbio::widgets

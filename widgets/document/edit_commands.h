#pragma once
// One QUndoCommand per kind of edit. Each keeps exactly what it needs to undo itself (the removed nodes with their
// edges, the replaced connection, old and new positions and values) and changes the graph only through the
// document's mutators, so the views are notified the same way for do, undo and redo.
#include <QUndoCommand>

#include <map>
#include <optional>
#include <vector>

#include "core/pipeline/graph.h"

namespace diffbio::widgets {

class PipelineDocument;

// Adds nodes and the edges among/into them (a dropped operator, a paste).
class AddNodesCommand : public QUndoCommand {
 public:
  AddNodesCommand(PipelineDocument* document, std::vector<pipeline::Node> nodes, std::vector<pipeline::Edge> edges,
                  const QString& text);
  void redo() override;
  void undo() override;

 private:
  PipelineDocument* document_;
  std::vector<pipeline::Node> nodes_;
  std::vector<pipeline::Edge> edges_;
};

// Removes nodes with every edge touching them.
class RemoveNodesCommand : public QUndoCommand {
 public:
  RemoveNodesCommand(PipelineDocument* document, const std::vector<std::string>& ids);
  void redo() override;
  void undo() override;

 private:
  PipelineDocument* document_;
  std::vector<pipeline::Node> nodes_;
  std::vector<pipeline::Edge> edges_;
};

// Connects an output to an input, replacing the input's previous connection if it had one.
class ConnectCommand : public QUndoCommand {
 public:
  ConnectCommand(PipelineDocument* document, pipeline::Edge edge);
  void redo() override;
  void undo() override;

 private:
  PipelineDocument* document_;
  pipeline::Edge edge_;
  std::optional<pipeline::Edge> replaced_;
};

class DisconnectCommand : public QUndoCommand {
 public:
  DisconnectCommand(PipelineDocument* document, pipeline::Edge edge);
  void redo() override;
  void undo() override;

 private:
  PipelineDocument* document_;
  pipeline::Edge edge_;
};

class MoveNodesCommand : public QUndoCommand {
 public:
  using Moves = std::map<std::string, std::pair<pipeline::Position, pipeline::Position>>;  // id -> (from, to)
  MoveNodesCommand(PipelineDocument* document, Moves moves, const QString& text);
  void redo() override;
  void undo() override;

 private:
  PipelineDocument* document_;
  Moves moves_;
};

// Sets (or, with nullopt, resets to the default) one parameter. Consecutive edits of the same parameter merge
// into one step, so dragging a slider is undone in one go.
class SetParameterCommand : public QUndoCommand {
 public:
  SetParameterCommand(PipelineDocument* document, std::string nodeId, std::string name,
                      std::optional<ops::ParameterValue> before, std::optional<ops::ParameterValue> after);
  void redo() override;
  void undo() override;
  int id() const override { return 1; }
  bool mergeWith(const QUndoCommand* other) override;

 private:
  PipelineDocument* document_;
  std::string nodeId_, name_;
  std::optional<ops::ParameterValue> before_, after_;
};

class SetTrainableCommand : public QUndoCommand {
 public:
  SetTrainableCommand(PipelineDocument* document, std::string nodeId, bool trainable);
  void redo() override;
  void undo() override;

 private:
  PipelineDocument* document_;
  std::string nodeId_;
  bool trainable_;
};

}  // namespace diffbio::widgets

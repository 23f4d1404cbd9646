#pragma once
// Runs a pipeline: validates it, then runs its nodes in topological order on the calling thread (a GUI worker or
// the CLI). Each node's outputs are cached under a key made of its operator, its complete parameter values and the
// identities of its input values, so a run re-executes exactly the nodes whose key changed: after a parameter
// change, that node and (because its new outputs are new values) its descendants. Outputs are shared immutable
// values: every consumer receives the same pointer.
//
// A node that fails does not stop independent branches; its descendants wait (Stale, with a message). Cancelling
// stops at the next checkCancelled() of the running operator; that node keeps no outputs and goes back to Stale.
//
// Thread safety: run() and markStale() are called from one thread at a time; status() and output() may be called
// from any thread, also during a run.
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/ops/registry.h"
#include "core/pipeline/graph.h"
#include "core/pipeline/node_status.h"
#include "core/train/training_context.h"
#include "core/util/cancel_token.h"

namespace diffbio::pipeline {

struct RunSummary {
  int executed = 0;                 // nodes that ran
  int reused = 0;                   // nodes whose cached outputs were kept
  std::vector<std::string> failed;  // nodes that failed
  bool cancelled = false;
  bool ok() const { return failed.empty() && !cancelled; }
};

class Executor {
 public:
  explicit Executor(const ops::Registry& registry = ops::Registry::global());

  // Relative paths in parameters are resolved against this folder (the pipeline file's); empty = working directory.
  void setPipelineFolder(std::filesystem::path folder) { folder_ = std::move(folder); }
  // Relative output paths of sinks go here (created on first write); empty = working directory.
  void setOutputFolder(std::filesystem::path folder) { outputFolder_ = std::move(folder); }

  // Training nodes (core/train/training_operator.h) report their steps to `observer` and wait at `pause` while it is
  // paused; both may be null and must outlive the runs that use them.
  void setTraining(train::TrainingObserver* observer, const train::PauseGate* pause = nullptr) {
    trainingObserver_ = observer;
    trainingPause_ = pause;
  }

  // Throws InputError when the graph does not validate. Nodes are run on a private copy of `graph`, so the caller
  // may keep editing its own.
  RunSummary run(const Graph& graph, const CancelToken& cancel, ExecutionListener* listener = nullptr);

  // Drops the outputs of `nodeId` and its descendants so the next run re-executes them even if their keys still
  // match (e.g. an input file changed on disk). Returns the ids made stale, for the canvas to repaint.
  std::vector<std::string> markStale(const Graph& graph, const std::string& nodeId);

  NodeStatus status(const std::string& nodeId) const;
  ops::ValuePtr output(const std::string& nodeId, const std::string& port) const;  // nullptr when not available
  void clear();  // forget every cached output and status

 private:
  struct Cached {
    std::string key;
    ops::OperatorOutputs outputs;
  };
  enum class Outcome { Ran, Reused, Failed, Blocked, Cancelled };

  Outcome runNode(const Graph& graph, const Node& node, const CancelToken& cancel, ExecutionListener* listener);
  void setStatus(const std::string& nodeId, NodeStatus status, ExecutionListener* listener);
  void setProgress(const std::string& nodeId, double fraction, ExecutionListener* listener);

  const ops::Registry& registry_;
  std::filesystem::path folder_;
  std::filesystem::path outputFolder_;
  train::TrainingObserver* trainingObserver_ = nullptr;
  const train::PauseGate* trainingPause_ = nullptr;
  mutable std::mutex mutex_;  // guards cache_ and status_
  std::map<std::string, Cached> cache_;
  std::map<std::string, NodeStatus> status_;
};

}  // namespace diffbio::pipeline

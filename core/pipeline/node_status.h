#pragma once
// The state of one node as the canvas shows it, and the listener interface through which the executor reports it.
#include <string>

namespace diffbio::pipeline {

enum class NodeState {
  Idle,     // never run
  Stale,    // its result is out of date (a parameter or an upstream node changed, or the run was cancelled)
  Queued,   // will run in the current run
  Running,  // see progress
  Done,     // outputs available
  Failed,   // see message
};
const char* nodeStateName(NodeState state);  // "idle", "stale", ...

struct NodeStatus {
  NodeState state = NodeState::Idle;
  double progress = 0;   // 0..1 while running
  std::string message;   // why it failed, or why it did not run
  double seconds = 0;    // wall time of its last execution
  bool reused = false;   // Done without running: the cached outputs still matched
};

// Called on the thread that runs the pipeline. A GUI forwards these as queued signals and coalesces progress.
class ExecutionListener {
 public:
  virtual ~ExecutionListener() = default;
  virtual void nodeStatusChanged(const std::string& nodeId, const NodeStatus& status) = 0;
};

}  // namespace diffbio::pipeline

#pragma once
// What a pipeline run offers a training node (see training_operator.h for the convention), and what a training node
// hands back. No LibTorch here: the executor, the CLI and the GUI include this.
//
//   TrainingObserver  receives every training node's events (CLI: loss lines; GUI: live curves), tagged by node id.
//   TrainingContext   reached from RunContext::training(): the observer, the pause gate, and where each input of
//                     the node came from (upstream node id, operator, its parameters and its `trainable` flag), so
//                     a training node knows which upstream quantities the user marked as learnable.
//   TrainedModel      the payload of a training node's Model output: the learnt tensors, learnt values of upstream
//                     node parameters ("apply trained parameters" writes these into the graph), the checkpoint.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/ops/operator.h"
#include "core/train/pause_gate.h"
#include "core/train/training_events.h"

namespace diffbio::train {

// The palette category of training operators; `diffbio train` and the GUI panel find training nodes by it.
inline constexpr const char* kTrainingCategory = "Training";
inline bool isTrainingOperator(const ops::OperatorSpec& spec) { return spec.category == kTrainingCategory; }

// Sent once before the first step, so a panel can size its progress bar and list the traces it may draw.
struct TrainingStart {
  std::int64_t firstStep = 0;   // > 0 when resumed from a checkpoint
  std::int64_t totalSteps = 0;
  std::vector<std::string> traceNames;
  int threads = 0;                    // LibTorch threads the training runs with (0: not set by the node)
  std::int64_t stepsPerEpoch = 1;     // > 1 with mini-batches
  std::int64_t validationItems = 0;   // held-out items (0: no validation split)
  std::string itemName;               // what the items are ("genes")
};

// Called on the thread that runs the pipeline (a GUI worker or the CLI); implementations must be thread-safe
// towards their own readers. Default implementations ignore the call.
class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  virtual void trainingStarted(const std::string& /*nodeId*/, const TrainingStart&) {}
  virtual void trainingStep(const std::string& /*nodeId*/, const TrainingEvent&) {}
  virtual void trainingFinished(const std::string& /*nodeId*/, const TrainingResult&) {}
};

// Where one input of a node came from.
struct InputSource {
  std::string nodeId;
  std::string operatorId;
  std::string port;                  // the upstream node's output port
  bool trainable = false;            // the upstream node's per-node flag (pipeline::Node::trainable)
  ops::ParameterValues parameters;   // the upstream node's complete parameters (defaults filled in)
};

struct TrainingContext {
  TrainingObserver* observer = nullptr;  // may be null (nobody watches)
  const PauseGate* pause = nullptr;      // may be null (no pausing)
  std::map<std::string, InputSource> inputs;  // by this node's input port name; absent for unconnected inputs

  // True when the upstream node feeding `port` is marked trainable.
  bool trainable(const std::string& port) const {
    const auto found = inputs.find(port);
    return found != inputs.end() && found->second.trainable;
  }
  // True when any input's upstream node is marked trainable.
  bool anyTrainable() const {
    for (const auto& [port, source] : inputs)
      if (source.trainable) return true;
    return false;
  }
};

// One learnt tensor, as plain numbers (row-major), so consumers need no LibTorch.
struct TrainedTensor {
  std::string name;                  // the module's parameter name, e.g. "log_size_factors"
  std::vector<std::int64_t> shape;
  std::vector<double> values;
};

// A learnt value of an upstream node's parameter (e.g. a quality threshold): "apply trained parameters" sets it.
struct ParameterUpdate {
  std::string nodeId;
  std::string parameter;
  ops::ParameterValue value;
};

// The payload of a training node's "model" output (PortType::Model).
struct TrainedModel {
  std::string operatorId;                  // the training operator that produced it
  std::vector<TrainedTensor> tensors;      // every learnable parameter after training
  std::vector<ParameterUpdate> updates;    // empty when the node learns no upstream node parameter
  std::string checkpointPath;              // absolute; empty when no checkpoint was written
  TrainingResult result;
};

}  // namespace diffbio::train

#pragma once
// What a training run reports while it works, and the interface that receives it. No LibTorch here: the GUI's
// training panel, the CLI and the pipeline executor include this without paying for tensor headers.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace diffbio::train {

struct TrainingEvent {
  std::int64_t step = 0;            // steps completed (1-based after the first step)
  std::int64_t totalSteps = 0;
  std::int64_t epoch = 0;
  double loss = 0;                  // loss at the parameters before this step's update
  std::map<std::string, double> components, metrics;
  // Chosen scalar parameters after this step's update (e.g. "size_factor[control_1]"), for the panel's traces.
  std::map<std::string, double> traces;
  std::optional<double> validationLoss;  // at epoch ends when a validation closure is set
  std::map<std::string, double> validationMetrics;  // metrics on the validation items at the same moments
  double learningRate = 0;
  double elapsedSeconds = 0;        // in this run() call
  double etaSeconds = 0;            // remaining steps at this run's average pace
};

enum class TrainingStatus { Completed, EarlyStopped, Cancelled, Diverged };
const char* trainingStatusName(TrainingStatus status);  // "completed", "early stopped", ...

struct TrainingResult {
  TrainingStatus status = TrainingStatus::Completed;
  std::int64_t steps = 0;           // global steps completed
  double lastLoss = 0;
  std::optional<double> bestValidationLoss;
  std::int64_t bestEpoch = -1;      // 0-based epoch of the best validation loss (-1: no validation)
  bool restoredBest = false;        // the parameters of bestEpoch were put back at the end
  std::string message;              // one sentence for the log / status bar
};

// Called on the training thread; a GUI forwards these as queued signals (and coalesces them).
class TrainingListener {
 public:
  virtual ~TrainingListener() = default;
  virtual void onStep(const TrainingEvent&) {}
  virtual void onFinished(const TrainingResult&) {}
};

inline const char* trainingStatusName(TrainingStatus status) {
  switch (status) {
    case TrainingStatus::Completed: return "completed";
    case TrainingStatus::EarlyStopped: return "early stopped";
    case TrainingStatus::Cancelled: return "cancelled";
    case TrainingStatus::Diverged: return "diverged";
  }
  return "";
}

}  // namespace diffbio::train

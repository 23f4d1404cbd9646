#pragma once
// A training loop over any torch::nn::Module and a loss closure, run on the caller's (worker) thread.
//
// - Optimisers: adam, adamw, sgd (with momentum), lbfgs. Learning-rate schedules: constant, step, cosine, as a
//   function of the step count alone, so a resumed run follows the same schedule.
// - Control: the closure receives a StepContext with the cancel token and should poll it inside long evaluations
//   (between mini-batch parts, between loss components). The trainer checks it (and the pause gate) before each
//   step, again between the forward pass and the backward pass, after the backward pass and before each LBFGS
//   re-evaluation, so after a cancel at most the one unit in flight (a forward, a backward or an optimiser update of
//   one mini-batch) completes — plus, when the update had begun at an epoch end, that epoch's validation forward,
//   which belongs to the committed step; the step in flight is rolled back (parameters and generator). LBFGS's own history
//   is not rolled back when a Stop lands inside its line search, so only that case resumes inexactly.
// - Safety: before each update the parameters are copied; a NaN/Inf loss or gradient stops the run with a message
//   and leaves the last parameters whose loss was finite (the copy costs one parameter-sized clone per step).
// - Determinism: the trainer owns a CPU generator seeded from options.seed and hands it to the closure (minibatch
//   order, noise). It does not touch the global generator, which other threads (the GUI's other jobs) also use.
//   The generator's state is part of a checkpoint, so a resumed run draws the same numbers.
// - Early stopping: with a validation closure the validation loss is evaluated (without gradients) after the last
//   step of every epoch; after `patience` epochs without an improvement larger than minImprovement the run stops.
//   With restoreBest the parameters of the best validation epoch are put back when the run ends (early stopped or
//   completed; not when cancelled, so a resume continues the trajectory).
// - Checkpoints: module state, optimiser state, generator state, the trainer's counters and a caller's JSON string
//   (e.g. the pipeline) in one file, written to a temporary file and renamed into place. After a run restored its
//   best parameters, the checkpoint also holds the trajectory's last parameters, and a resume continues from those:
//   resumed runs equal uninterrupted ones also with early stopping.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/train/pause_gate.h"
#include "core/train/training_events.h"
#include "core/util/cancel_token.h"

namespace torch::nn {
class Module;
}
namespace torch::optim {
class Optimizer;
}

namespace diffbio::train {

struct TrainerOptions {
  std::string optimizer = "adam";   // adam | adamw | sgd | lbfgs
  double learningRate = 1e-3;
  double weightDecay = 0;           // adamw uses 1e-2 when this is left at 0
  double momentum = 0.9;            // sgd
  int lbfgsMaxIterations = 20;      // lbfgs: closure evaluations per step at most
  std::string schedule = "constant";  // constant | step | cosine
  std::int64_t scheduleStepSize = 30; // step: multiply by gamma every this many epochs
  double scheduleGamma = 0.1;
  double minLearningRate = 0;       // cosine: the rate reached at the last step
  std::int64_t epochs = 100;
  std::int64_t stepsPerEpoch = 1;   // total steps = epochs x stepsPerEpoch
  double clipGradientNorm = 0;      // 0 = no clipping; not applied by lbfgs (its line search needs true gradients)
  std::uint64_t seed = 0;
  int patience = 0;                 // early stopping: epochs without a better validation loss; 0 = off
  double minImprovement = 0;        // a validation loss must beat the best by more than this to count
  bool restoreBest = true;          // with validation: end with the parameters of the best validation epoch
};

// What the loss closure sees at each evaluation.
struct StepContext {
  std::int64_t step = 0;            // 0-based global step
  std::int64_t epoch = 0;
  std::int64_t stepInEpoch = 0;
  at::Generator generator;          // the run's generator (minibatches, noise)
  const CancelToken* cancel = nullptr;  // poll in long evaluations: `if (ctx.cancel) ctx.cancel->throwIfCancelled()`
};

// What the loss closure returns: the differentiable total, optional parts to report, and metrics computed from the
// same forward pass (cheap: no second evaluation).
struct StepOutput {
  at::Tensor loss;
  std::map<std::string, double> components;
  std::map<std::string, double> metrics;
};

using LossClosure = std::function<StepOutput(const StepContext&)>;
using ValidationClosure = std::function<double(const StepContext&)>;
// Validation loss and metrics in one evaluation: must hold "loss"; the other keys are reported as metrics.
using ValidationMetricsClosure = std::function<std::map<std::string, double>(const StepContext&)>;
// Scalars to follow over the run (TrainingEvent::traces), read after each step's update.
using TraceClosure = std::function<std::map<std::string, double>()>;

class Trainer {
 public:
  // Throws std::invalid_argument for an unknown optimiser or schedule, or a module without parameters.
  Trainer(std::shared_ptr<torch::nn::Module> module, LossClosure loss, TrainerOptions options);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // Early stopping (with options.patience) evaluates this at the end of each epoch, without gradients.
  void setValidation(ValidationClosure validation);
  // The same, with metrics (TrainingEvent::validationMetrics).
  void setValidationMetrics(ValidationMetricsClosure validation) { validation_ = std::move(validation); }
  void setListener(TrainingListener* listener) { listener_ = listener; }
  void setTracer(TraceClosure tracer) { tracer_ = std::move(tracer); }

  // Trains until epochs x stepsPerEpoch steps are done (continuing from step() after a resume), or stops early.
  TrainingResult run(const CancelToken* cancel = nullptr, const PauseGate* pause = nullptr);

  std::int64_t step() const { return step_; }
  std::int64_t totalSteps() const { return options_.epochs * options_.stepsPerEpoch; }
  double learningRateAt(std::int64_t step) const;
  const TrainerOptions& options() const { return options_; }

  // Atomic (temporary file + rename). Throws InputError when the file cannot be written.
  void saveCheckpoint(const std::string& path, const std::string& json = {}) const;
  // Restores everything saveCheckpoint wrote into this trainer (same module structure and optimiser) and returns
  // the JSON string. Throws InputError for an unreadable or mismatched file.
  std::string loadCheckpoint(const std::string& path);

 private:
  double evaluateStep(const StepContext& context, StepOutput& output);
  std::vector<at::Tensor> copyParameters() const;
  void restoreParameters(const std::vector<at::Tensor>& values);

  std::shared_ptr<torch::nn::Module> module_;
  LossClosure loss_;
  ValidationMetricsClosure validation_;
  TraceClosure tracer_;
  TrainerOptions options_;
  TrainingListener* listener_ = nullptr;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  at::Generator generator_;
  std::atomic<std::int64_t> step_{0};  // read by other threads (progress) while run() works
  std::optional<double> bestValidation_;
  std::int64_t epochsWithoutImprovement_ = 0;
  std::int64_t bestEpoch_ = -1;             // 0-based epoch of bestValidation_
  std::vector<at::Tensor> bestParameters_;  // restored when the run ends (restoreBest)
  std::vector<at::Tensor> lastParameters_;  // the trajectory's parameters while the module holds the best ones
  bool stoppedEarly_ = false;               // saved: resuming an early-stopped run trains no further
};

}  // namespace diffbio::train

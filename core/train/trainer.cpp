#include "core/train/trainer.h"

#include <torch/nn/module.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <stdexcept>

#include "core/io/atomic_output.h"
#include "core/util/error.h"

namespace diffbio::train {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const std::vector<at::Tensor>& parameters,
                                                       const TrainerOptions& o) {
  using namespace torch::optim;
  if (o.optimizer == "adam")
    return std::make_unique<Adam>(parameters, AdamOptions(o.learningRate).weight_decay(o.weightDecay));
  if (o.optimizer == "adamw")
    return std::make_unique<AdamW>(parameters,
                                   AdamWOptions(o.learningRate).weight_decay(o.weightDecay > 0 ? o.weightDecay : 1e-2));
  if (o.optimizer == "sgd")
    return std::make_unique<SGD>(parameters,
                                 SGDOptions(o.learningRate).momentum(o.momentum).weight_decay(o.weightDecay));
  if (o.optimizer == "lbfgs")
    return std::make_unique<LBFGS>(parameters, LBFGSOptions(o.learningRate).max_iter(o.lbfgsMaxIterations));
  throw std::invalid_argument("unknown optimizer '" + o.optimizer + "' (adam, adamw, sgd, lbfgs)");
}

// Euclidean norm of all gradients together (NaN/Inf if any entry is).
double gradientNorm(const std::vector<at::Tensor>& parameters) {
  double squares = 0;
  for (const auto& p : parameters)
    if (p.grad().defined()) squares += p.grad().pow(2).sum().item<double>();
  return std::sqrt(squares);
}

}  // namespace

Trainer::Trainer(std::shared_ptr<torch::nn::Module> module, LossClosure loss, TrainerOptions options)
    : module_(std::move(module)), loss_(std::move(loss)), options_(std::move(options)) {
  if (!module_ || module_->parameters().empty()) throw std::invalid_argument("Trainer: the module has no parameters");
  if (options_.schedule != "constant" && options_.schedule != "step" && options_.schedule != "cosine")
    throw std::invalid_argument("unknown schedule '" + options_.schedule + "' (constant, step, cosine)");
  if (options_.epochs < 0 || options_.stepsPerEpoch < 1)
    throw std::invalid_argument("Trainer: epochs must be >= 0 and steps per epoch >= 1");
  optimizer_ = makeOptimizer(module_->parameters(), options_);
  generator_ = at::make_generator<at::CPUGeneratorImpl>(options_.seed);
}

Trainer::~Trainer() = default;

double Trainer::learningRateAt(std::int64_t step) const {
  const double base = options_.learningRate;
  if (options_.schedule == "step") {
    const std::int64_t epoch = step / options_.stepsPerEpoch;
    return base * std::pow(options_.scheduleGamma, double(epoch / std::max<std::int64_t>(1, options_.scheduleStepSize)));
  }
  if (options_.schedule == "cosine") {
    const double progress = totalSteps() > 0 ? double(step) / double(totalSteps()) : 0.0;
    return options_.minLearningRate + 0.5 * (base - options_.minLearningRate) * (1 + std::cos(kPi * progress));
  }
  return base;
}

std::vector<at::Tensor> Trainer::copyParameters() const {
  std::vector<at::Tensor> copies;
  for (const auto& p : module_->parameters()) copies.push_back(p.detach().clone());
  return copies;
}

void Trainer::restoreParameters(const std::vector<at::Tensor>& values) {
  torch::NoGradGuard noGrad;
  const auto parameters = module_->parameters();
  for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i].copy_(values[i]);
}

// One optimiser step. Returns the loss at the parameters before the update; NaN when the gradient is not finite
// (then no update is made, except inside LBFGS, whose later evaluations the caller catches at the next step).
// The cancel token is checked between the forward pass, the backward pass and the update, so a Stop waits for one
// of these at most (the caller rolls the step back).
double Trainer::evaluateStep(const StepContext& context, StepOutput& output) {
  const auto parameters = module_->parameters();
  auto checkCancelled = [&] {
    if (context.cancel) context.cancel->throwIfCancelled();
  };
  if (options_.optimizer == "lbfgs") {
    bool first = true;
    auto closure = [&]() -> at::Tensor {
      checkCancelled();  // LBFGS evaluates up to lbfgsMaxIterations times per step
      optimizer_->zero_grad();
      StepOutput evaluation = loss_(context);
      checkCancelled();
      evaluation.loss.backward();
      if (first) output = evaluation;  // report the loss at the step's starting point, as the other optimisers do
      first = false;
      return evaluation.loss;
    };
    optimizer_->step(closure);
    return output.loss.item<double>();
  }
  optimizer_->zero_grad();
  output = loss_(context);
  const double value = output.loss.item<double>();
  if (!std::isfinite(value)) return value;
  checkCancelled();
  output.loss.backward();
  checkCancelled();
  const double norm = options_.clipGradientNorm > 0
                          ? torch::nn::utils::clip_grad_norm_(parameters, options_.clipGradientNorm)
                          : gradientNorm(parameters);
  if (!std::isfinite(norm)) {
    output.components["gradient_norm"] = norm;
    return std::nan("");
  }
  optimizer_->step();
  return value;
}

void Trainer::setValidation(ValidationClosure validation) {
  if (!validation) {
    validation_ = nullptr;
    return;
  }
  validation_ = [validation = std::move(validation)](const StepContext& context) {
    return std::map<std::string, double>{{"loss", validation(context)}};
  };
}

TrainingResult Trainer::run(const CancelToken* cancel, const PauseGate* pause) {
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  const std::int64_t firstStep = step_, total = totalSteps();
  TrainingResult result;
  std::vector<at::Tensor> lastGood;  // parameters of the last step whose loss was finite
  if (!lastParameters_.empty()) {
    // The module holds the best parameters of an earlier run() or a loaded checkpoint: continue the trajectory.
    restoreParameters(lastParameters_);
    lastParameters_.clear();
  }
  if (stoppedEarly_) result.status = TrainingStatus::EarlyStopped;
  try {
    while (step_ < total && !stoppedEarly_) {
      if (pause) pause->waitWhilePaused(cancel);
      if (cancel) cancel->throwIfCancelled();
      const double rate = learningRateAt(step_);
      for (auto& group : optimizer_->param_groups()) group.options().set_lr(rate);
      const std::int64_t index = step_;
      StepContext context{index, index / options_.stepsPerEpoch, index % options_.stepsPerEpoch, generator_, cancel};

      std::vector<at::Tensor> before = copyParameters();
      const at::Tensor generatorBefore = generator_.get_state();  // the closure may draw from it
      StepOutput output;
      double loss = 0;
      try {
        loss = evaluateStep(context, output);
      } catch (const Cancelled&) {
        // Roll the step back (LBFGS may have moved the parameters mid-line-search; the closure may have drawn
        // numbers), so a checkpoint written now resumes exactly where an uninterrupted run would be.
        restoreParameters(before);
        generator_.set_state(generatorBefore);
        throw;
      }
      if (!std::isfinite(loss)) {
        const bool badGradient = output.components.count("gradient_norm") > 0;
        result.status = TrainingStatus::Diverged;
        if (badGradient) {
          restoreParameters(before);  // finite loss here; only the gradient was bad
          result.message = "the gradient is NaN or Inf at step " + std::to_string(step_ + 1) +
                           "; stopped with the parameters before that step";
        } else if (!lastGood.empty()) {
          restoreParameters(lastGood);
          result.message = "the loss is NaN or Inf at step " + std::to_string(step_ + 1) +
                           "; restored the parameters of step " + std::to_string(step_) + " (the last finite loss)";
        } else {
          result.message = "the loss is NaN or Inf at the first step of this run; the parameters are unchanged";
        }
        break;
      }
      lastGood = std::move(before);
      ++step_;
      result.lastLoss = loss;

      TrainingEvent event;
      event.step = step_;
      event.totalSteps = total;
      event.epoch = context.epoch;
      event.loss = loss;
      event.components = std::move(output.components);
      event.metrics = std::move(output.metrics);
      event.learningRate = rate;
      if (tracer_) {
        torch::NoGradGuard noGrad;
        event.traces = tracer_();
      }
      event.elapsedSeconds = std::chrono::duration<double>(Clock::now() - started).count();
      event.etaSeconds = event.elapsedSeconds / double(step_ - firstStep) * double(total - step_);

      bool stopEarly = false;
      // Not interruptible: the update is made, and the epoch's validation (one forward pass without gradients)
      // belongs to it in the log and the checkpoint. The next step's start checks the token again.
      if (validation_ && step_ % options_.stepsPerEpoch == 0) {
        std::map<std::string, double> values;
        {
          torch::NoGradGuard noGrad;
          values = validation_(context);
        }
        const auto found = values.find("loss");
        if (found == values.end()) throw std::logic_error("Trainer: the validation closure returned no \"loss\"");
        const double value = found->second;
        values.erase(found);
        event.validationLoss = value;
        event.validationMetrics = std::move(values);
        if (!bestValidation_ || value < *bestValidation_ - options_.minImprovement) {
          bestValidation_ = value;
          bestEpoch_ = context.epoch;
          epochsWithoutImprovement_ = 0;
          bestParameters_ = copyParameters();
        } else if (options_.patience > 0 && ++epochsWithoutImprovement_ >= options_.patience) {
          stopEarly = true;
        }
      }
      if (listener_) listener_->onStep(event);
      if (stopEarly) {
        stoppedEarly_ = true;
        result.status = TrainingStatus::EarlyStopped;
        break;
      }
    }
  } catch (const Cancelled&) {
    result.status = TrainingStatus::Cancelled;
    result.message = "cancelled after step " + std::to_string(step_);
  }
  const bool finished = result.status == TrainingStatus::Completed || result.status == TrainingStatus::EarlyStopped;
  if (finished && options_.restoreBest && !bestParameters_.empty()) {
    lastParameters_ = copyParameters();
    restoreParameters(bestParameters_);
    result.restoredBest = true;
  }
  const std::string best =
      bestValidation_ ? "best validation loss " + std::to_string(*bestValidation_) + " at epoch " +
                            std::to_string(bestEpoch_ + 1) + (result.restoredBest ? " (restored)" : "")
                      : std::string();
  if (result.status == TrainingStatus::Completed)
    result.message = "completed " + std::to_string(step_) + " steps" + (best.empty() ? "" : "; " + best);
  if (result.status == TrainingStatus::EarlyStopped)
    result.message = "stopped early after " + std::to_string(step_) + " steps: no better validation loss for " +
                     std::to_string(options_.patience) + " epochs; " + best;
  result.steps = step_;
  result.bestValidationLoss = bestValidation_;
  result.bestEpoch = bestEpoch_;
  if (listener_) listener_->onFinished(result);
  return result;
}

void Trainer::saveCheckpoint(const std::string& path, const std::string& json) const {
  torch::serialize::OutputArchive archive, moduleArchive, optimizerArchive;
  module_->save(moduleArchive);
  optimizer_->save(optimizerArchive);
  archive.write("module", moduleArchive);
  archive.write("optimizer", optimizerArchive);
  archive.write("optimizer_name", c10::IValue(options_.optimizer));
  archive.write("generator", generator_.get_state());
  archive.write("step", c10::IValue(step_.load()));
  archive.write("json", c10::IValue(json));
  archive.write("epochs_without_improvement", c10::IValue(epochsWithoutImprovement_));
  archive.write("stopped_early", c10::IValue(stoppedEarly_));
  archive.write("best_epoch", c10::IValue(bestEpoch_));
  if (bestValidation_) archive.write("best_validation", c10::IValue(*bestValidation_));
  for (std::size_t i = 0; i < bestParameters_.size(); ++i)
    archive.write("best_parameter_" + std::to_string(i), bestParameters_[i]);
  for (std::size_t i = 0; i < lastParameters_.size(); ++i)
    archive.write("last_parameter_" + std::to_string(i), lastParameters_[i]);
  io::AtomicOutputPath out(path);
  try {
    archive.save_to(out.temporaryPath());
  } catch (const c10::Error& error) {
    throw InputError({path}, std::string("cannot write the checkpoint: ") + error.what_without_backtrace());
  }
  out.commit();
}

std::string Trainer::loadCheckpoint(const std::string& path) {
  try {
    torch::serialize::InputArchive archive, moduleArchive, optimizerArchive;
    archive.load_from(path);
    c10::IValue value;
    archive.read("optimizer_name", value);
    if (value.toStringRef() != options_.optimizer)
      throw InputError({path}, "the checkpoint was written with the optimizer '" + value.toStringRef() +
                                   "', not '" + options_.optimizer + "'",
                       "resume with the same --optimizer");
    archive.read("module", moduleArchive);
    module_->load(moduleArchive);
    archive.read("optimizer", optimizerArchive);
    optimizer_->load(optimizerArchive);
    at::Tensor generatorState;
    archive.read("generator", generatorState);
    generator_.set_state(generatorState);
    archive.read("step", value);
    step_ = value.toInt();
    archive.read("epochs_without_improvement", value);
    epochsWithoutImprovement_ = value.toInt();
    bestValidation_.reset();
    if (archive.try_read("best_validation", value)) bestValidation_ = value.toDouble();
    stoppedEarly_ = archive.try_read("stopped_early", value) && value.toBool();
    bestEpoch_ = archive.try_read("best_epoch", value) ? value.toInt() : -1;
    bestParameters_.clear();
    at::Tensor best;
    while (archive.try_read("best_parameter_" + std::to_string(bestParameters_.size()), best))
      bestParameters_.push_back(best.clone());
    lastParameters_.clear();
    at::Tensor last;
    while (archive.try_read("last_parameter_" + std::to_string(lastParameters_.size()), last))
      lastParameters_.push_back(last.clone());
    archive.read("json", value);
    return value.toStringRef();
  } catch (const c10::Error& error) {
    throw InputError({path}, std::string("not a checkpoint of this model and optimizer: ") +
                                 error.what_without_backtrace(),
                     "pass a .pt file written by the same training setup");
  }
}

}  // namespace diffbio::train

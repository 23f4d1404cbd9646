#pragma once
// The bridge from a training run (worker thread) to the training panel (GUI thread): the executor's
// TrainingObserver calls land here and are queued under a mutex; the panel drains the queue from a timer at most
// 30 times a second, so a fast trainer cannot flood the event loop and the window stays responsive.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/train/training_context.h"
#include "core/util/cancel_token.h"

namespace diffbio::widgets {

class TrainingEventBuffer : public train::TrainingObserver {
 public:
  struct Batch {
    std::optional<train::TrainingStart> start;
    std::vector<train::TrainingEvent> steps;
    std::optional<train::TrainingResult> finished;
    bool empty() const { return !start && steps.empty() && !finished; }
  };

  void trainingStarted(const std::string&, const train::TrainingStart& start) override {
    std::lock_guard lock(mutex_);
    pending_.start = start;
  }
  void trainingStep(const std::string&, const train::TrainingEvent& event) override {
    std::lock_guard lock(mutex_);
    pending_.steps.push_back(event);
    if (stop_ && stop_->cancelled()) ++stepsAfterStop_;
  }
  void trainingFinished(const std::string&, const train::TrainingResult& result) override {
    std::lock_guard lock(mutex_);
    pending_.finished = result;
  }

  // Steps reported while `stop` was already raised: the trainer checks the token before every step and between a
  // step's forward pass, backward pass and update, so only a step whose update was under way can still finish: at
  // most 1 per Stop (the panel's test asserts it).
  void watchStop(const CancelToken* stop) {
    std::lock_guard lock(mutex_);
    stop_ = stop;
    stepsAfterStop_ = 0;
  }
  int stepsAfterStop() {
    std::lock_guard lock(mutex_);
    return stepsAfterStop_;
  }

  // Everything reported since the last call.
  Batch take() {
    std::lock_guard lock(mutex_);
    Batch batch = std::move(pending_);
    pending_ = Batch{};
    return batch;
  }

 private:
  std::mutex mutex_;
  Batch pending_;
  const CancelToken* stop_ = nullptr;
  int stepsAfterStop_ = 0;
};

}  // namespace diffbio::widgets

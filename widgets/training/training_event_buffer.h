#pragma once
// The bridge from a training run (worker thread) to the training panel (GUI thread): the executor's
// TrainingObserver calls land here and are queued under a mutex; the panel drains the queue from a timer at most
// 30 times a second, so a fast trainer cannot flood the event loop and the window stays responsive.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/train/training_context.h"

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
  }
  void trainingFinished(const std::string&, const train::TrainingResult& result) override {
    std::lock_guard lock(mutex_);
    pending_.finished = result;
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
};

}  // namespace diffbio::widgets

#pragma once
// Pause/resume for a training run. CancelToken (core/util) only knows "stop"; pausing needs a second flag and a way
// to sleep without burning a core, so it lives here. The worker blocks in waitWhilePaused() between steps and still
// wakes every few milliseconds to honour a cancel, so Stop works while paused.
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "core/util/cancel_token.h"

namespace diffbio::train {

class PauseGate {
 public:
  void pause() {
    std::lock_guard<std::mutex> lock(mutex_);
    paused_ = true;
  }
  void resume() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      paused_ = false;
    }
    wake_.notify_all();
  }
  bool paused() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return paused_;
  }
  // Returns when resumed; throws Cancelled if the token fires meanwhile (checked every 20 ms, as cancel() may come
  // from a signal handler, which cannot notify a condition variable).
  void waitWhilePaused(const CancelToken* cancel) const {
    std::unique_lock<std::mutex> lock(mutex_);
    while (paused_) {
      if (cancel) cancel->throwIfCancelled();
      wake_.wait_for(lock, std::chrono::milliseconds(20));
    }
  }

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;
  bool paused_ = false;
};

}  // namespace diffbio::train

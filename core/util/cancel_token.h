#pragma once
// A flag one thread raises (the GUI's Stop button, Ctrl-C in the CLI) and a worker polls. Long loops call
// throwIfCancelled() every few milliseconds so a run stops within the 200 ms the design promises; the Cancelled
// exception unwinds the operator, so nothing half-computed is stored or written.
//
// It lives in util/ because several layers poll it (operators, the pipeline executor, the trainer) and operators
// must not depend on the pipeline. Header-only, no LibTorch, so any layer may include it. cancel() is a lock-free
// atomic store, so a SIGINT handler may call it.
#include <atomic>

#include "core/util/error.h"

namespace diffbio {

class CancelToken {
 public:
  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  void cancel() { cancelled_.store(true, std::memory_order_release); }
  void reset() { cancelled_.store(false, std::memory_order_release); }
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  void throwIfCancelled() const {
    if (cancelled()) throw Cancelled();
  }

 private:
  std::atomic<bool> cancelled_{false};
};
static_assert(std::atomic<bool>::is_always_lock_free, "cancel() must be callable from a signal handler");

}  // namespace diffbio

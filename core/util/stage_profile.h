#pragma once
// Wall-clock time per named stage, the minor page faults in it (fresh memory touched for the first time: each costs
// about a microsecond) and the resident memory at its end, printed to stderr when the environment variable
// DIFFBIO_PROFILE is set.
//
// Speed work needs to know where the time of one run goes; perf cannot attribute inlined code to the steps of an
// analysis. A ScopedStage costs one getenv (cached) and nothing else when profiling is off, so the stages stay in
// the code. Nested stages are indented by depth. Only the thread that runs an analysis should open stages.
#include <chrono>

namespace diffbio {

bool stageProfilingEnabled();

class ScopedStage {
 public:
  explicit ScopedStage(const char* name);
  ~ScopedStage();
  ScopedStage(const ScopedStage&) = delete;
  ScopedStage& operator=(const ScopedStage&) = delete;

 private:
  const char* name_;
  std::chrono::steady_clock::time_point start_;
  long minorFaultsAtStart_ = 0;
  bool enabled_;
};

}  // namespace diffbio

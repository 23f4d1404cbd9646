#include "core/util/stage_profile.h"

#include <cstdio>
#include <cstdlib>

namespace diffbio {

namespace {
thread_local int depth = 0;
}

bool stageProfilingEnabled() {
  static const bool enabled = std::getenv("DIFFBIO_PROFILE") != nullptr;
  return enabled;
}

ScopedStage::ScopedStage(const char* name) : name_(name), enabled_(stageProfilingEnabled()) {
  if (!enabled_) return;
  ++depth;
  start_ = std::chrono::steady_clock::now();
}

ScopedStage::~ScopedStage() {
  if (!enabled_) return;
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  --depth;
  std::fprintf(stderr, "profile: %*s%-*s %9.2f ms\n", 2 * depth, "", 36 - 2 * depth, name_, ms);
}

}  // namespace diffbio

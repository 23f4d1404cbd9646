#include "core/util/stage_profile.h"

#include <cstdio>
#include <cstdlib>
#include <sys/resource.h>
#include <unistd.h>

namespace diffbio {

namespace {
thread_local int depth = 0;

// Resident memory in MB (Linux), or -1.
double residentMegabytes() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) return -1;
  long size = 0, resident = 0;
  const bool ok = std::fscanf(file, "%ld %ld", &size, &resident) == 2;
  std::fclose(file);
  return ok ? static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0 : -1;
}

// Minor page faults of the whole process so far (all threads).
long minorPageFaults() {
  rusage usage{};
  return getrusage(RUSAGE_SELF, &usage) == 0 ? usage.ru_minflt : 0;
}
}  // namespace

bool stageProfilingEnabled() {
  static const bool enabled = std::getenv("DIFFBIO_PROFILE") != nullptr;
  return enabled;
}

ScopedStage::ScopedStage(const char* name) : name_(name), enabled_(stageProfilingEnabled()) {
  if (!enabled_) return;
  ++depth;
  minorFaultsAtStart_ = minorPageFaults();
  start_ = std::chrono::steady_clock::now();
}

ScopedStage::~ScopedStage() {
  if (!enabled_) return;
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  --depth;
  std::fprintf(stderr, "profile: %*s%-*s %9.2f ms %8ld page faults %8.1f MB resident\n", 2 * depth, "",
               36 - 2 * depth, name_, ms, minorPageFaults() - minorFaultsAtStart_, residentMegabytes());
}

}  // namespace diffbio

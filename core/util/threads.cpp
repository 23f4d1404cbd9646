#include "core/util/threads.h"

#include <cstdlib>
#include <thread>

#include "core/util/parallel.h"

namespace diffbio {

int hardwareThreads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

int configureThreads(int requested) {
  int threads = requested;
  if (threads <= 0) {
    if (const char* env = std::getenv("DIFFBIO_THREADS")) threads = std::atoi(env);
  }
  if (threads <= 0) threads = hardwareThreads();
  setParallelThreads(threads);
  omp_set_num_threads(threads);
  return parallelThreads();
}

}  // namespace diffbio

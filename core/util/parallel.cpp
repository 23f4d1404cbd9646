#include "core/util/parallel.h"

#include <thread>

namespace diffbio {

namespace {
int initialThreads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}
std::atomic<int> threadCount{initialThreads()};
}  // namespace

void setParallelThreads(int threads) { threadCount.store(std::max(1, threads), std::memory_order_relaxed); }

int parallelThreads() { return threadCount.load(std::memory_order_relaxed); }

}  // namespace diffbio

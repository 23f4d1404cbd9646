#pragma once
// Parallel loops over OpenMP, without LibTorch.
//
// The exact statistics (core/stats) and the readers run in programs that never load LibTorch (the light `diffbio`
// commands: loading LibTorch and its ~280 libraries costs ~0.5 s per process), so they cannot use at::parallel_for.
// These loops follow the same rules: `grain` is the smallest piece worth a thread, a loop inside a parallel region
// runs inline (no nested teams), and the first exception thrown by any thread is rethrown in the caller after all
// threads finish. Every item is computed by the same code whichever thread runs it, so results never depend on the
// thread count.
//
// The thread count is process-wide (configureThreads in threads.h sets it) and passed to each team explicitly:
// OpenMP's own default is per thread, and the GUI's worker threads would otherwise not see the user's setting.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>

namespace diffbio {

void setParallelThreads(int threads);  // at least 1
int parallelThreads();

namespace detail {
// Keeps the first exception of a team.
class FirstException {
 public:
  void capture() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
  }
  void rethrowIfAny() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
};
}  // namespace detail

// Calls body(first, last) on disjoint slices covering [begin, end): one contiguous slice per thread.
template <typename Body>
void parallelFor(std::int64_t begin, std::int64_t end, std::int64_t grain, const Body& body) {
  const std::int64_t n = end - begin;
  if (n <= 0) return;
  grain = std::max<std::int64_t>(1, grain);
  const std::int64_t threads = std::min<std::int64_t>(parallelThreads(), (n + grain - 1) / grain);
  if (threads <= 1 || omp_in_parallel()) {
    body(begin, end);
    return;
  }
  detail::FirstException failure;
#pragma omp parallel num_threads(static_cast<int>(threads))
  {
    const std::int64_t team = omp_get_num_threads();
    const std::int64_t slice = (n + team - 1) / team;
    const std::int64_t first = begin + omp_get_thread_num() * slice;
    const std::int64_t last = std::min(end, first + slice);
    if (first < last) {
      try {
        body(first, last);
      } catch (...) {
        failure.capture();
      }
    }
  }
  failure.rethrowIfAny();
}

// Dynamic load balancing for uneven work (a gene that needs the grid search costs ten times another; on a shared
// machine one thread may lose its core for a while): each thread calls worker(next) once, and `next(begin, end)`
// hands out the next chunk of [0, n) (`chunk` items) until it returns false. Per-thread scratch space belongs at the
// top of `worker`.
template <typename Worker>
void parallelChunks(std::int64_t n, std::int64_t chunk, const Worker& worker) {
  if (n <= 0) return;
  chunk = std::max<std::int64_t>(1, chunk);
  const std::int64_t nChunks = (n + chunk - 1) / chunk;
  std::atomic<std::int64_t> counter{0};
  const auto next = [&](std::int64_t& first, std::int64_t& last) {
    const std::int64_t c = counter.fetch_add(1, std::memory_order_relaxed);
    if (c >= nChunks) return false;
    first = c * chunk;
    last = std::min(n, first + chunk);
    return true;
  };
  const std::int64_t workers = std::min<std::int64_t>(nChunks, parallelThreads());
  parallelFor(0, workers, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t w = first; w < last; ++w) worker(next);
  });
}

}  // namespace diffbio

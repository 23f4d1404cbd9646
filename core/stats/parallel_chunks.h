#pragma once
// Dynamic load balancing over LibTorch's threads (internal to core/stats; include only from .cpp files).
//
// at::parallel_for gives each thread one fixed, equal slice of the range. Per-gene work is uneven (a gene that needs
// the grid search costs ten times another), and on a shared machine one thread may lose its core for a while: with
// fixed slices everything then waits for the slowest slice. Here each thread takes small chunks from a shared
// counter until none are left. Every item is still computed by exactly the same code, so results do not depend on
// which thread did what.
#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace diffbio::stats {

// Calls worker(next) once per thread; `next(begin, end)` hands out the next chunk of [0, n) (of `chunk` items) and
// returns false when the range is exhausted. Per-thread scratch space belongs at the top of `worker`.
template <typename Worker>
void parallelChunks(std::int64_t n, std::int64_t chunk, const Worker& worker) {
  if (n <= 0) return;
  chunk = std::max<std::int64_t>(1, chunk);
  const std::int64_t nChunks = (n + chunk - 1) / chunk;
  const std::int64_t workers = std::max<std::int64_t>(1, std::min<std::int64_t>(nChunks, at::get_num_threads()));
  std::atomic<std::int64_t> counter{0};
  const auto next = [&](std::int64_t& begin, std::int64_t& end) {
    const std::int64_t c = counter.fetch_add(1, std::memory_order_relaxed);
    if (c >= nChunks) return false;
    begin = c * chunk;
    end = std::min(n, begin + chunk);
    return true;
  };
  at::parallel_for(0, workers, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t w = first; w < last; ++w) worker(next);
  });
}

}  // namespace diffbio::stats

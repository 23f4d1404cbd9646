#pragma once
// The thread count is set once at start-up, from --threads, DIFFBIO_THREADS or the number of cores.
namespace diffbio {

// 0 = all hardware threads. Also honours DIFFBIO_THREADS when `requested` is 0. Sets the count used by the core's
// parallel loops (parallel.h, OpenMP). Returns the count in force. Needs no LibTorch.
int configureThreads(int requested = 0);
int hardwareThreads();

// Programs that use LibTorch call this after configureThreads: LibTorch keeps its own intra-op thread count (it
// starts at one on this platform). Returns LibTorch's count in force.
int configureTensorThreads();

}  // namespace diffbio

#pragma once
// LibTorch starts with one intra-op thread on this platform; every program sets the count explicitly at start-up.
namespace diffbio {

// 0 = all hardware threads. Also honours DIFFBIO_THREADS when `requested` is 0. Returns the count in force.
int configureThreads(int requested = 0);
int hardwareThreads();

}  // namespace diffbio

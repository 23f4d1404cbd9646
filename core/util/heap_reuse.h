#pragma once
// Keep large freed buffers in the process for reuse instead of handing them back to the system.
//
// The analyses allocate matrices of tens of MB (a DE run on 20,000 genes x 100 samples has several of 16 MB: the
// dispersion fit's means, the GLM's means and hat diagonals, Cook's distances). By default glibc maps each such
// buffer fresh and unmaps it when it is freed, so every one is paid for again in page faults, about 1.4 us per
// 4 kB page on this VM: 6 ms for each 16 MB matrix. With this set, buffers up to 32 MB come from the heap and up to
// 256 MB of freed heap stays mapped, so a matrix freed by one step is reused by the next, and by the next run in
// the same process. Larger buffers (50,000-cell matrices) are still mapped and returned.
//
// It changes the whole process's allocator, so only programs call it (the command-line tool, the Studio and the
// benchmarks that time in-process runs as those programs do), never the library. No effect outside glibc.
namespace diffbio {

void keepLargeBuffersForReuse();

}  // namespace diffbio

// Benchmark of read preprocessing (not a test; prints figures next to the goals of issue 8).
//
// Exact trimming: 500,000 reads x 150 bp made by repeating illumina_10K.fastq.gz 50 times (a multi-member gzip file,
// as `cat` of the gzip file would give) in a temporary folder; the whole `diffbio reads trim --threads 2` process with
// Trim Galore's settings (-q 20 -a AGATCGGAAGAGC -e 0.1 -O 1 -m 20, gzip output) is run --runs times as a child
// process: median and best wall time, and the child's peak RSS from wait4's rusage.ru_maxrss. Goals: cutadapt 4.2
// with -j 2 takes 1.46 s on this machine (fastp with 2 threads 3.58 s); peak memory <= 100 MB.
//
// Differentiable pipeline: the first 100,000 reads of that file through the seed-003 stages as pipeline nodes
// (reads.load_fastq -> quality_filter -> adapter_removal -> duplicate_weighting -> error_correction (enabled) ->
// summary), in this process, with the thread count given (the stage nodes themselves use one LibTorch thread);
// goal <= 2 s.
//
// --pipeline-only skips the trimming runs (for profiling the differentiable stages); the pipeline is run --runs times
// and each stage's median wall and CPU time are printed.
//
// Usage: reads_bench [--shared-data DIR] [--diffbio PATH] [--runs N] [--threads N] [--keep DIR] [--pipeline-only 1]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "bench/child_process.h"
#include "core/ops/registry.h"
#include "core/util/cancel_token.h"
#include "core/util/threads.h"

namespace fs = std::filesystem;

namespace {

// Runs the preprocessing stages as the pipeline would (same operators, same parameters), returning the seconds of
// each stage in order.
struct StageTime {
  std::string id;
  double wall = 0, cpu = 0;
};

double processCpuSeconds() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

std::vector<StageTime> runDifferentiable(const fs::path& fastq) {
  using namespace diffbio::ops;
  const Registry& registry = Registry::global();
  diffbio::CancelToken cancel;
  RunContext context(cancel);
  std::vector<StageTime> times;
  ValuePtr reads;
  auto stage = [&](const std::string& id, ParameterValues given) {
    OperatorInputs in;
    if (reads) in.set("reads", reads);
    const auto start = std::chrono::steady_clock::now();
    const double cpuStart = processCpuSeconds();
    OperatorOutputs out = registry.create(id)->run(in, registry.spec(id).withDefaults(given), context);
    times.push_back({id, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                     processCpuSeconds() - cpuStart});
    if (out.count("reads")) reads = out.at("reads");
  };
  stage("reads.load_fastq", {{"path", fastq.string()}, {"max_reads", 100000}});
  stage("reads.quality_filter", {});
  stage("reads.adapter_removal", {});
  stage("reads.duplicate_weighting", {});
  stage("reads.error_correction", {{"enabled", true}});
  stage("reads.summary", {});
  return times;
}

}  // namespace

int main(int argc, char** argv) {
  // This file is bench/reads_bench.cpp in the source tree; the data lives in ../shared/data beside the checkout.
  fs::path shared = fs::path(__FILE__).parent_path().parent_path().parent_path() / "shared" / "data";
  fs::path diffbio = diffbio::bench::diffbioOfThisBuild();
  int runs = 3, threads = 2;
  bool pipelineOnly = false;
  fs::path keep;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string option = argv[i];
    if (option == "--shared-data") shared = argv[i + 1];
    else if (option == "--diffbio") diffbio = argv[i + 1];
    else if (option == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    else if (option == "--threads") threads = std::max(1, std::atoi(argv[i + 1]));
    else if (option == "--keep") keep = argv[i + 1];
    else if (option == "--pipeline-only") pipelineOnly = std::atoi(argv[i + 1]) != 0;
    else {
      std::cerr << "unknown option " << option << "\n";
      return 2;
    }
  }
  if (!pipelineOnly && !fs::exists(diffbio)) {
    std::cerr << "diffbio binary not found at " << diffbio << " (give --diffbio PATH)\n";
    return 2;
  }
  const fs::path source = shared / "fastq_trimgalore_tests" / "illumina_10K.fastq.gz";
  const fs::path dir = keep.empty() ? fs::temp_directory_path() / ("reads_bench_" + std::to_string(getpid())) : keep;
  fs::create_directories(dir);
  const fs::path input = dir / "illumina_500K.fastq.gz";
  {
    std::ifstream in(source, std::ios::binary);
    if (!in) {
      std::cerr << "cannot read " << source << "\n";
      return 2;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream out(input, std::ios::binary);
    for (int copy = 0; copy < 50; ++copy) out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  const fs::path output = dir / "trimmed.fq.gz";
  const std::vector<std::string> command = {diffbio.string(), "reads",       "trim",     "--in",
                                            input.string(),   "--out",       output.string(),
                                            "--quality",      "20",          "--adapter", "AGATCGGAAGAGC",
                                            "--error-rate",   "0.1",         "--min-overlap", "1",
                                            "--min-length",   "20",          "--threads", std::to_string(threads)};
  struct Row {
    std::string label;
    double median = 0, best = 0, peak = 0, cpu = 0;
  };
  std::vector<Row> rows;
  for (const std::string level : {"", "4"}) {
    if (pipelineOnly) break;
    std::vector<std::string> run = command;
    if (!level.empty()) {
      run.push_back("--compression-level");
      run.push_back(level);
    }
    std::vector<double> seconds;
    double peak = 0, cpu = 1e300;
    for (int r = 0; r < runs; ++r) {
      const diffbio::bench::ChildRun result = diffbio::bench::runChild(run);
      if (result.exitCode != 0) {
        std::cerr << "diffbio reads trim failed with status " << result.exitCode << "\n";
        return 1;
      }
      seconds.push_back(result.seconds);
      peak = std::max(peak, result.peakRssKb / 1024.0);
      cpu = std::min(cpu, result.cpuSeconds);
    }
    std::sort(seconds.begin(), seconds.end());
    rows.push_back({level.empty() ? "diffbio reads trim (gzip level 1)" : "  with --compression-level 4",
                    seconds[seconds.size() / 2], seconds.front(), peak, cpu});
  }
  if (!rows.empty()) {
    std::printf("exact trimming: 500,000 reads x 150 bp (illumina_10K x 50, gzip in and out), diffbio reads trim "
                "--threads %d, %d runs\n",
                threads, runs);
    std::printf("  %-34s %10s %10s %12s %10s\n", "", "median s", "best s", "peak RSS MB", "CPU s");
    for (const auto& row : rows)
      std::printf("  %-34s %10.2f %10.2f %12.1f %10.2f\n", row.label.c_str(), row.median, row.best, row.peak, row.cpu);
    std::printf("  %-34s %10.2f %10s %12s\n", "goal: cutadapt 4.2 -j 2 (measured)", 1.46, "", "<= 100");
    std::printf("  %-34s %10.2f\n", "fastp 0.23.2, 2 threads (measured)", 3.58);
    std::printf("  (load average now %.2f: other processes share the 2 cores; CPU s is the child's user + system time)\n",
                [] {
                  double load[1] = {0};
                  return getloadavg(load, 1) == 1 ? load[0] : 0.0;
                }());
    std::printf("  verdict (default): time %s, memory %s\n", rows[0].median <= 1.46 ? "meets the goal" : "slower than cutadapt",
                rows[0].peak <= 100 ? "meets the goal" : "above the goal");
  }

  diffbio::configureThreads(threads);
  diffbio::configureTensorThreads();
  // Each stage's median over the runs (the first run also pays one-time costs: page faults, LibTorch's lazy set-up).
  std::vector<std::vector<StageTime>> allRuns;
  for (int r = 0; r < runs; ++r) allRuns.push_back(runDifferentiable(input));
  std::vector<StageTime> stages = allRuns.front();
  for (std::size_t s = 0; s < stages.size(); ++s) {
    std::vector<double> wall, cpu;
    for (const auto& run : allRuns) {
      wall.push_back(run[s].wall);
      cpu.push_back(run[s].cpu);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    stages[s].wall = wall[wall.size() / 2];
    stages[s].cpu = cpu[cpu.size() / 2];
  }
  double total = 0, withoutCorrection = 0, cpuTotal = 0, cpuWithout = 0;
  std::printf("\ndifferentiable pipeline: 100,000 reads x 150 bp, seed-003 stages as pipeline nodes, %d threads, "
              "median of %d runs\n",
              threads, runs);
  std::printf("  %-34s %10s %10s\n", "", "wall s", "CPU s");
  for (const auto& stage : stages) {
    std::printf("  %-34s %10.2f %10.2f\n", stage.id.c_str(), stage.wall, stage.cpu);
    total += stage.wall;
    cpuTotal += stage.cpu;
    if (stage.id != "reads.error_correction") {
      withoutCorrection += stage.wall;
      cpuWithout += stage.cpu;
    }
  }
  std::printf("  %-34s %10.2f %10.2f   (goal <= 2 s: %s)\n", "total, all four stages", total, cpuTotal,
              total <= 2.0 ? "meets the goal" : "slower");
  std::printf("  %-34s %10.2f %10.2f   (the template's default: error correction off)\n",
              "total without error correction", withoutCorrection, cpuWithout);
  std::printf("  (load average now %.2f)\n", [] {
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : 0.0;
  }());
  if (keep.empty()) fs::remove_all(dir);
  return 0;
}

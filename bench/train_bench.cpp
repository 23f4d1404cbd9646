// Training speed and Stop latency of the seed-000 DE demo (resources/pipelines/de_training_demo.json: 2,000 genes,
// 50 vs 50 samples, every size factor, coefficient and dispersion learnable, Adam), run through the pipeline
// executor as `diffbio train --demo de` and the GUI panel run it.
//
// 1. Steps per second of the training node (the exact fit upstream is timed separately: it runs once). No target is
//    set; the figure is printed next to the seed's 100 epochs.
// 2. Cancel latency (issue 7: "cancel stops within 200 ms"): CANCELS times, a long training is started on a worker
//    thread (the exact fit upstream is reused), and after a few steps plus a varying offset inside a step the cancel
//    token is raised; the latency is the time from the request until the executor's run() returns on the worker
//    (the node has then rolled back the step in flight and written its checkpoint and log). p50, p99 and the
//    maximum are printed next to the 200 ms goal.
//
// usage: train_bench [EPOCHS=30] [PROCESS_THREADS=all] [NODE_THREADS=0 (automatic)] [CANCELS=20] [GENES=2000]
//   PROCESS_THREADS is what --threads sets for the whole program; NODE_THREADS the training node's `threads`
//   parameter (its own thread only; 0 = automatic: 1 for problems below kParallelElementsPerStep elements).
//   GENES changes the simulated experiment's size (with 10 % DE genes), to see where more threads start to pay.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "core/pipeline/executor.h"
#include "core/train/demo_pipelines.h"
#include "core/train/training_context.h"
#include "core/util/threads.h"

using namespace diffbio;
using Clock = std::chrono::steady_clock;

namespace {

struct StepClock : train::TrainingObserver {
  Clock::time_point first, last, finished;
  std::atomic<std::int64_t> steps{0};
  std::atomic<int> threads{0};
  void trainingStarted(const std::string&, const train::TrainingStart& start) override {
    first = Clock::now();
    threads = start.threads;
    steps = 0;
  }
  void trainingStep(const std::string&, const train::TrainingEvent&) override {
    last = Clock::now();
    ++steps;
  }
  void trainingFinished(const std::string&, const train::TrainingResult&) override { finished = Clock::now(); }
};

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const double rank = p * double(values.size() - 1);
  const auto low = static_cast<std::size_t>(rank);
  const auto high = std::min(low + 1, values.size() - 1);
  return values[low] + (rank - double(low)) * (values[high] - values[low]);
}

}  // namespace

int main(int argc, char** argv) {
  const long epochs = argc > 1 ? std::atol(argv[1]) : 30;
  const int threads = configureThreads(argc > 2 ? std::atoi(argv[2]) : 0);
  const int tensorThreads = configureTensorThreads();
  const long nodeThreads = argc > 3 ? std::atol(argv[3]) : 0;
  const int cancels = argc > 4 ? std::atoi(argv[4]) : 20;
  const long genes = argc > 5 ? std::atol(argv[5]) : 2000;
  const auto out = std::filesystem::temp_directory_path() / ("diffbio_train_bench_" + std::to_string(::getpid()));
  std::filesystem::create_directories(out);

  pipeline::Graph graph = train::deTrainingDemoPipeline();
  graph.setParameter("train", "epochs", static_cast<std::int64_t>(epochs));
  graph.setParameter("train", "threads", static_cast<std::int64_t>(nodeThreads));
  graph.setParameter("simulation", "genes", static_cast<std::int64_t>(genes));
  graph.setParameter("simulation", "de_genes", static_cast<std::int64_t>(genes / 10));
  pipeline::Executor executor;
  executor.setOutputFolder(out);
  StepClock clock;
  executor.setTraining(&clock);
  CancelToken cancel;
  const auto started = Clock::now();
  const pipeline::RunSummary summary = executor.run(graph, cancel);
  const double total = std::chrono::duration<double>(Clock::now() - started).count();
  if (!summary.ok()) {
    std::fprintf(stderr, "the demo failed: %s\n", executor.status("train").message.c_str());
    return 1;
  }
  double upstream = 0;
  for (const char* node : {"simulation", "design", "size_factors", "dispersions", "wald", "results"})
    upstream += executor.status(node).seconds;
  const double training = std::chrono::duration<double>(clock.last - clock.first).count();
  const double rate = double(clock.steps) / training;
  std::printf("DE training demo (%ld genes x 100 samples, Adam, %ld epochs)\n", genes, epochs);
  std::printf("  threads: program %d, LibTorch default %d, training node %d (parameter threads = %ld%s)\n", threads,
              tensorThreads, clock.threads.load(), nodeThreads, nodeThreads == 0 ? ": automatic" : "");
  std::printf("  simulation + exact fit upstream: %.2f s\n", upstream);
  std::printf("  training node: %lld steps in %.2f s = %.2f steps/s (%.1f ms per step)\n",
              static_cast<long long>(clock.steps), training, rate, 1000.0 / rate);
  std::printf("  the seed's 100 epochs would take %.1f s of training\n", 100.0 / rate);
  std::printf("  whole run (executor, incl. metrics and files): %.2f s\n", total);

  // Cancel latency. The offset after the second step walks through one step's duration, so requests land in the
  // forward pass, the backward pass, the update and between steps.
  std::vector<double> latencies, trainerLatencies;
  graph.setParameter("train", "epochs", std::int64_t{1000000});
  const double stepMs = 1000.0 / rate;
  for (int i = 0; i < cancels; ++i) {
    executor.markStale(graph, "train");
    clock.steps = 0;
    CancelToken token;
    Clock::time_point returned;
    pipeline::RunSummary result;
    std::thread worker([&] {
      result = executor.run(graph, token);
      returned = Clock::now();
    });
    while (clock.steps.load() < 2) std::this_thread::sleep_for(std::chrono::microseconds(200));
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long>(stepMs * 1000.0 * (i % 10) / 10.0)));
    const auto requested = Clock::now();
    token.cancel();
    worker.join();
    if (!result.cancelled) {
      std::fprintf(stderr, "cancel %d: the run was not cancelled\n", i + 1);
      return 1;
    }
    latencies.push_back(std::chrono::duration<double, std::milli>(returned - requested).count());
    trainerLatencies.push_back(std::chrono::duration<double, std::milli>(clock.finished - requested).count());
  }
  if (!latencies.empty())
    std::printf("  cancel -> trainer stopped (step in flight rolled back): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
                percentile(trainerLatencies, 0.5), percentile(trainerLatencies, 0.99),
                *std::max_element(trainerLatencies.begin(), trainerLatencies.end()));
  if (!latencies.empty())
    std::printf("  cancel latency over %d cancels (request -> run returns, incl. checkpoint and log): p50 %.1f ms, "
                "p99 %.1f ms, max %.1f ms (goal: <= 200 ms) %s\n",
                cancels, percentile(latencies, 0.5), percentile(latencies, 0.99),
                *std::max_element(latencies.begin(), latencies.end()),
                percentile(latencies, 0.99) <= 200 ? "PASS" : "FAIL");
  std::filesystem::remove_all(out);
  return 0;
}

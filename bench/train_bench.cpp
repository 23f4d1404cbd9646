// Training speed of the seed-000 DE demo (resources/pipelines/de_training_demo.json: 2,000 genes, 50 vs 50
// samples, every size factor, coefficient and dispersion learnable, Adam): steps per second of the training node
// run through the pipeline executor, as `diffbio train --demo de` and the GUI panel run it. The exact fit upstream
// is timed separately (it runs once, before the first step). The issue asks for the figure; no target is set, so
// it is printed next to the seed's 100 epochs: the time a full demo training takes.
//
// usage: train_bench [EPOCHS=30] [THREADS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/pipeline/executor.h"
#include "core/train/demo_pipelines.h"
#include "core/train/training_context.h"
#include "core/util/threads.h"

using namespace diffbio;
using Clock = std::chrono::steady_clock;

namespace {

struct StepClock : train::TrainingObserver {
  Clock::time_point first, last;
  std::int64_t steps = 0;
  void trainingStarted(const std::string&, const train::TrainingStart&) override { first = Clock::now(); }
  void trainingStep(const std::string&, const train::TrainingEvent&) override {
    ++steps;
    last = Clock::now();
  }
};

}  // namespace

int main(int argc, char** argv) {
  const long epochs = argc > 1 ? std::atol(argv[1]) : 30;
  const int threads = configureThreads(argc > 2 ? std::atoi(argv[2]) : 0);
  const int tensorThreads = configureTensorThreads();
  const auto out = std::filesystem::temp_directory_path() / "diffbio_train_bench";
  std::filesystem::create_directories(out);

  pipeline::Graph graph = train::deTrainingDemoPipeline();
  graph.setParameter("train", "epochs", static_cast<std::int64_t>(epochs));
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
  const double rate = clock.steps / training;
  std::printf("DE training demo (2,000 genes x 100 samples, Adam, %ld epochs; %d threads, LibTorch %d)\n", epochs,
              threads, tensorThreads);
  std::printf("  simulation + exact fit upstream: %.2f s\n", upstream);
  std::printf("  training node: %lld steps in %.2f s = %.2f steps/s (%.1f ms per step)\n",
              static_cast<long long>(clock.steps), training, rate, 1000.0 / rate);
  std::printf("  the seed's 100 epochs would take %.1f s of training\n", 100.0 / rate);
  std::printf("  whole run (executor, incl. metrics and files): %.2f s\n", total);
  std::filesystem::remove_all(out);
  return 0;
}

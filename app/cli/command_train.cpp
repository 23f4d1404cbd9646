// `diffbio train --demo de`: the seed-000 training experiment from the command line. Simulates the seed's data,
// fits it exactly (DESeq2's method), starts the differentiable DE module from that fit, trains it with the seed's
// label loss and compares detection before and after training with the exact pipeline, which needs no labels.
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include <torch/utils.h>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "core/data/design.h"
#include "core/io/atomic_output.h"
#include "core/ops/de/differentiable_de.h"
#include "core/ops/de/seed_simulator.h"
#include "core/stats/deseq.h"
#include "core/train/trainer.h"
#include "core/util/error.h"

namespace diffbio::cli {

namespace {

constexpr const char* kHelp =
    "usage: diffbio train --demo de [--out DIR] [--epochs N] [--lr X] [--optimizer adam] [--resume CHECKPOINT]\n"
    "                     [--seed S]\n\n"
    "Trains the differentiable DE module on the seed-000 experiment (2,000 genes, 50 control vs 50 treatment\n"
    "samples, the first 200 genes up 2-fold): exact DESeq2-style fit -> learnable size factors, coefficients and\n"
    "dispersions -> the seed's label loss (binary cross-entropy of the soft significance against the known DE genes).\n"
    "Prints precision, recall and F1 of the hard calls (p < 0.05) before and after, next to the exact pipeline\n"
    "(padj < 0.05), which uses no labels.\n\n"
    "  --demo de          the only demo so far (pipeline files are not trainable yet)\n"
    "  --out DIR          training_log.tsv and checkpoint.pt go here (default .)\n"
    "  --epochs N         total epochs, one full-data step each (default 100, as the seed)\n"
    "  --lr X             learning rate (default 0.01, as the seed)\n"
    "  --optimizer NAME   adam (default) | adamw | sgd | lbfgs\n"
    "  --resume FILE      continue from a checkpoint written by this command (same --seed and --optimizer)\n"
    "  --seed S           seed of the simulated data and of the trainer (default 42, as the seed)\n\n"
    "Ctrl-C stops after the current step and still writes the log and a checkpoint to resume from (exit 130).\n";

CancelToken trainInterrupt;
void onTrainInterrupt(int) {
  trainInterrupt.cancel();
  std::signal(SIGINT, SIG_DFL);
}

struct Scores {
  double precision = 0, recall = 0, f1 = 0;
  int calls = 0;
};

Scores scoresOf(const std::vector<bool>& calls, const std::vector<bool>& truth) {
  const ops::DetectionMetrics m = ops::detectionMetrics(calls, truth);
  return {m.precision, m.recall, m.f1, m.truePositives + m.falsePositives};
}

// Prints every 10th step and keeps every step for training_log.tsv.
class LogListener : public train::TrainingListener {
 public:
  std::ostringstream rows;
  void onStep(const train::TrainingEvent& e) override {
    rows << e.step << '\t' << std::setprecision(10) << e.loss << '\t' << e.learningRate << '\t'
         << e.metrics.at("precision") << '\t' << e.metrics.at("recall") << '\t' << e.metrics.at("f1") << '\n';
    if (e.step % 10 == 0 || e.step == e.totalSteps)
      std::cout << "step " << std::setw(4) << e.step << "/" << e.totalSteps << "  loss " << std::fixed
                << std::setprecision(6) << e.loss << "  F1 " << std::setprecision(4) << e.metrics.at("f1")
                << "  lr " << std::defaultfloat << e.learningRate << std::endl;
  }
};

double number(const Arguments& parsed, const std::string& name, double fallback) {
  const auto text = parsed.value(name);
  if (!text) return fallback;
  try {
    std::size_t used = 0;
    const double value = std::stod(*text, &used);
    if (used == text->size()) return value;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " takes a number, not '" + *text + "'");
}

}  // namespace

int runTrain(const std::vector<std::string>& args) {
  const Arguments parsed(args, {"demo", "out", "epochs", "lr", "optimizer", "resume", "seed"}, {"help"});
  if (parsed.flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  if (!parsed.positional().empty())
    throw UsageError("training a pipeline file is not supported yet; use --demo de");
  if (parsed.value("demo", "") != "de") throw UsageError("--demo de is required (the only training demo so far)");
  const double epochs = number(parsed, "epochs", 100), seed = number(parsed, "seed", 42);
  if (epochs < 0 || epochs != std::floor(epochs)) throw UsageError("--epochs takes a whole number >= 0");
  if (seed < 0 || seed != std::floor(seed)) throw UsageError("--seed takes a whole number >= 0");
  train::TrainerOptions options;
  options.optimizer = parsed.value("optimizer", "adam");
  options.learningRate = number(parsed, "lr", 1e-2);
  options.epochs = static_cast<std::int64_t>(epochs);
  options.seed = static_cast<std::uint64_t>(seed);
  if (!(options.learningRate > 0)) throw UsageError("--lr must be positive");
  const std::filesystem::path out = parsed.value("out", ".");
  std::filesystem::create_directories(out);

  // The seed's experiment and the exact fit with the default (robust) options: size factors "auto".
  ops::SeedDeSimulationOptions simulation;
  simulation.seed = options.seed;
  const ops::SeedDeSimulation sim = ops::simulateSeedDeExperiment(simulation);
  const auto& counts = sim.counts.dense();
  const Eigen::MatrixXd modelMatrix = data::Design("~ condition", sim.samples).modelMatrix();
  const auto exactStart = std::chrono::steady_clock::now();
  const stats::DeseqRun exact =
      stats::runDeseq(counts, sim.counts.geneNames(), modelMatrix, Eigen::Vector2d(0.0, 1.0));
  const double exactSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - exactStart).count();
  std::vector<bool> exactCalls;
  for (double padj : exact.results.table.column("padj").floats()) exactCalls.push_back(padj < 0.05);
  std::cout << "exact fit (" << exact.sizeFactorDecision.method << " size factors) in " << std::setprecision(3)
            << exactSeconds << " s\n";

  auto de = ops::DifferentiableDe::fromExactFit(counts, exact.sizeFactors, modelMatrix, exact.fit,
                                                exact.finalDispersion);
  at::Tensor labels = at::zeros({static_cast<std::int64_t>(sim.isDe.size())}, at::kDouble);
  for (std::size_t g = 0; g < sim.isDe.size(); ++g)
    if (sim.isDe[g]) labels[static_cast<std::int64_t>(g)] = 1.0;

  // The label loss and the hard-call metrics come from one forward pass per step.
  auto loss = [&](const train::StepContext&) {
    const ops::DeOutputs outputs = de->forward();
    const Scores s = scoresOf(de->significantCalls(outputs), sim.isDe);
    train::StepOutput step;
    step.loss = de->labelLoss(outputs, labels);
    step.metrics = {{"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}};
    return step;
  };
  auto currentScores = [&] {
    torch::NoGradGuard noGrad;
    const ops::DeOutputs outputs = de->forward();
    return std::make_pair(de->labelLoss(outputs, labels).item<double>(),
                          scoresOf(de->significantCalls(outputs), sim.isDe));
  };

  train::Trainer trainer(de, loss, options);
  const nlohmann::json description = {{"demo", "de"}, {"seed", options.seed}, {"genes", simulation.nGenes},
                                      {"samples", simulation.nSamples}};
  if (const auto resume = parsed.value("resume")) {
    const std::string json = trainer.loadCheckpoint(*resume);
    const auto saved = nlohmann::json::parse(json, nullptr, false);
    if (saved != description)
      throw InputError({*resume}, "the checkpoint is for another experiment (" + json + ")",
                       "resume with the --seed it was written with");
    std::cout << "resumed at step " << trainer.step() << " of " << trainer.totalSteps() << "\n";
  }

  const auto [lossBefore, before] = currentScores();
  LogListener log;
  trainer.setListener(&log);
  trainInterrupt.reset();
  const auto previous = std::signal(SIGINT, onTrainInterrupt);
  const std::int64_t firstStep = trainer.step();
  const auto trainStart = std::chrono::steady_clock::now();
  const train::TrainingResult result = trainer.run(&trainInterrupt);
  const double trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - trainStart).count();
  std::signal(SIGINT, previous);
  const auto [lossAfter, after] = currentScores();

  {
    io::AtomicOutputFile file((out / "training_log.tsv").string(), 0);
    file << "step\tloss\tlr\tprecision\trecall\tf1\n" << log.rows.str();
    file.commit();
  }
  trainer.saveCheckpoint((out / "checkpoint.pt").string(), description.dump());

  const Scores exactScores = scoresOf(exactCalls, sim.isDe);
  const std::int64_t steps = result.steps - firstStep;
  std::cout << result.message << " in " << std::setprecision(3) << trainSeconds << " s ("
            << (trainSeconds > 0 ? double(steps) / trainSeconds : 0.0) << " steps/s)\n"
            << "label loss: " << std::fixed << std::setprecision(4) << lossBefore << " -> " << lossAfter << "\n\n"
            << std::left << std::setw(34) << "" << std::right << std::setw(10) << "precision" << std::setw(10)
            << "recall" << std::setw(10) << "F1" << std::setw(8) << "calls" << "\n";
  auto row = [](const std::string& name, const Scores& s) {
    std::cout << std::left << std::setw(34) << name << std::right << std::setw(10) << s.precision << std::setw(10)
              << s.recall << std::setw(10) << s.f1 << std::setw(8) << s.calls << "\n";
  };
  row("before training (p < 0.05)", before);
  row("after training (p < 0.05)", after);
  row("exact pipeline (padj < 0.05)", exactScores);
  std::cout << "wrote " << (out / "training_log.tsv").string() << " and " << (out / "checkpoint.pt").string() << "\n";

  if (result.status == train::TrainingStatus::Cancelled) {
    std::cerr << "interrupted: resume with --resume " << (out / "checkpoint.pt").string() << "\n";
    return 130;
  }
  if (result.status == train::TrainingStatus::Diverged) {
    std::cerr << "error: " << result.message << "\n";
    return 1;
  }
  return 0;
}

}  // namespace diffbio::cli

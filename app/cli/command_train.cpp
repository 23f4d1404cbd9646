// `diffbio train PIPELINE.json` (or `--demo de`): runs a pipeline whose training nodes (core/train/
// training_operator.h) learn by gradient descent, with their standard parameters overridden from the flags, prints
// the loss as it falls, and writes each training node's log and checkpoint into --out. A training node's metrics
// table (before, after, and e.g. the exact pipeline for comparison) is printed at the end.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "core/data/table.h"
#include "core/ops/registry.h"
#include "core/pipeline/executor.h"
#include "core/pipeline/pipeline_file.h"
#include "core/pipeline/validation.h"
#include "core/train/demo_pipelines.h"
#include "core/train/training_context.h"
#include "core/util/error.h"

namespace diffbio::cli {

namespace {

constexpr const char* kHelp =
    "usage: diffbio train PIPELINE.json [--out DIR] [--epochs N] [--lr X] [--optimizer NAME] [--seed S]\n"
    "                     [--validation-fraction X] [--patience N] [--min-delta X] [--no-restore-best]\n"
    "                     [--batch-size N] [--train-threads N] [--resume CHECKPOINT]\n"
    "       diffbio train --demo de [same options]\n\n"
    "Runs a pipeline with training nodes (category Training, e.g. train.de_labels), prints the loss every few\n"
    "steps, and writes training_log.tsv (step, epoch, loss, lr, loss components, metrics) and checkpoint.pt into\n"
    "DIR (with several training nodes: NODE.training_log.tsv and NODE.checkpoint.pt). Other sinks of the pipeline\n"
    "write into DIR too. At the end each training node's metrics are printed before and after training, next to\n"
    "the references it computes (the DE demo: the exact pipeline with the robust default, which uses no labels).\n\n"
    "  --demo de          the seed-000 experiment, the same graph as resources/pipelines/de_training_demo.json:\n"
    "                     2,000 simulated genes, 50 vs 50 samples, exact DE -> learnable size factors,\n"
    "                     coefficients and dispersions trained with the seed's label loss (Adam, lr 0.01,\n"
    "                     100 epochs)\n"
    "  --out DIR          where the files go (default .)\n"
    "  --epochs N         total epochs of every training node (a resumed run continues up to N)\n"
    "  --lr X             learning rate\n"
    "  --optimizer NAME   adam | adamw | sgd | lbfgs\n"
    "  --seed S           the trainer's random seed (also seeds the validation split and the batch order)\n"
    "  --validation-fraction X\n"
    "                     hold out this fraction of the node's items (the DE demo: genes; seeded split), train on\n"
    "                     the others and log validation_loss and validation_<metric> after every epoch\n"
    "  --patience N       early stopping: stop after N epochs without a better validation loss\n"
    "  --min-delta X      a validation loss must beat the best by more than X to count (default 0)\n"
    "  --no-restore-best  keep the last parameters instead of the best validation epoch's\n"
    "  --batch-size N     mini-batches of N items, one step each (0: the full batch; nodes that support it)\n"
    "  --train-threads N  LibTorch threads of the training nodes (default: automatic, 1 for small problems)\n"
    "  --resume FILE      continue from a checkpoint written by the same node on the same data and settings;\n"
    "                     the log then holds the earlier steps and the new ones (one training node only)\n\n"
    "Ctrl-C stops after the current step and still writes the log and a checkpoint to resume from (exit 130).\n"
    "Exit status: 0 done; 1 a node failed or training diverged; 2 a bad option or pipeline; 130 interrupted.\n";

CancelToken trainInterrupt;
void onTrainInterrupt(int) {
  trainInterrupt.cancel();
  std::signal(SIGINT, SIG_DFL);
}

std::int64_t wholeNumber(const Arguments& parsed, const std::string& name) {
  const std::string text = *parsed.value(name);
  try {
    std::size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == text.size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " takes a whole number >= 0, not '" + text + "'");
}

double fraction(const Arguments& parsed, const std::string& name) {
  const std::string text = *parsed.value(name);
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size() && value >= 0 && value <= 0.9) return value;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " takes a number from 0 to 0.9, not '" + text + "'");
}

double nonNegativeNumber(const Arguments& parsed, const std::string& name) {
  const std::string text = *parsed.value(name);
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size() && value >= 0 && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " takes a number >= 0, not '" + text + "'");
}

double positiveNumber(const Arguments& parsed, const std::string& name) {
  const std::string text = *parsed.value(name);
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size() && value > 0 && std::isfinite(value)) return value;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " takes a positive number, not '" + text + "'");
}

// Read without a folder, as `diffbio run` does: inputs resolve against the file's folder, outputs against --out.
pipeline::Graph readPipeline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path}, "cannot open the pipeline file", "check the path");
  std::ostringstream text;
  text << in.rdbuf();
  return pipeline::parsePipeline(text.str(), {}, path);
}

// Loss lines every tenth of the run (and the last step), with the node's name when there are several.
class LossPrinter : public train::TrainingObserver {
 public:
  explicit LossPrinter(bool nameNodes) : nameNodes_(nameNodes) {}

  void trainingStarted(const std::string& node, const train::TrainingStart& start) override {
    started_ = std::chrono::steady_clock::now();
    firstStep_ = start.firstStep;
    every_ = std::max<std::int64_t>(1, std::min<std::int64_t>(10, (start.totalSteps + 9) / 10));
    std::cout << prefix(node) << (start.firstStep > 0 ? "resumed at step " + std::to_string(start.firstStep) + " of "
                                                       : "training ")
              << (start.firstStep > 0 ? "" : "for ") << start.totalSteps << (start.firstStep > 0 ? "" : " steps");
    if (start.stepsPerEpoch > 1) std::cout << " (" << start.stepsPerEpoch << " mini-batches per epoch)";
    if (start.validationItems > 0)
      std::cout << ", " << start.validationItems << " " << (start.itemName.empty() ? "items" : start.itemName)
                << " held out for validation";
    if (start.threads > 0) std::cout << ", " << start.threads << " LibTorch thread" << (start.threads > 1 ? "s" : "");
    std::cout << "\n";
  }
  void trainingStep(const std::string& node, const train::TrainingEvent& e) override {
    if (e.step % every_ != 0 && e.step != e.totalSteps) return;
    std::cout << prefix(node) << "step " << std::setw(4) << e.step << "/" << e.totalSteps << "  loss " << std::fixed
              << std::setprecision(6) << e.loss;
    for (const char* metric : {"f1", "accuracy", "mse"})
      if (const auto found = e.metrics.find(metric); found != e.metrics.end())
        std::cout << "  " << metric << " " << std::setprecision(4) << found->second;
    if (e.validationLoss) {
      std::cout << "  validation loss " << std::setprecision(6) << *e.validationLoss;
      for (const char* metric : {"f1", "accuracy", "mse"})
        if (const auto found = e.validationMetrics.find(metric); found != e.validationMetrics.end())
          std::cout << " " << metric << " " << std::setprecision(4) << found->second;
    }
    std::cout << "  lr " << std::defaultfloat << e.learningRate << std::endl;
  }
  void trainingFinished(const std::string& node, const train::TrainingResult& result) override {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const auto steps = result.steps - firstStep_;
    std::cout << prefix(node) << result.message << " in " << std::setprecision(3) << seconds << " s ("
              << (seconds > 0 ? double(steps) / seconds : 0.0) << " steps/s)" << std::defaultfloat << std::endl;
  }

 private:
  std::string prefix(const std::string& node) const { return nameNodes_ ? "[" + node + "] " : ""; }
  bool nameNodes_;
  std::chrono::steady_clock::time_point started_;
  std::int64_t firstStep_ = 0, every_ = 10;
};

// The metrics table turned on its side: one line per column (before, after, references), one column per quantity,
// the usual detection scores first.
void printMetrics(const data::Table& metrics) {
  std::vector<std::size_t> order;
  for (const std::string prefix : {"", "validation_"})
    for (const char* preferred : {"precision", "recall", "f1", "calls", "loss"})
      for (std::size_t r = 0; r < metrics.nRows(); ++r)
        if (metrics.rowNames()[r] == prefix + preferred) order.push_back(r);
  for (std::size_t r = 0; r < metrics.nRows(); ++r)
    if (std::find(order.begin(), order.end(), r) == order.end()) order.push_back(r);
  std::size_t labelWidth = 16;
  for (const auto& column : metrics.columns()) labelWidth = std::max(labelWidth, column.name().size() + 10);
  std::vector<int> widths;  // each quantity's column: its name and a space, at least 11 wide
  for (auto r : order) widths.push_back(std::max(11, static_cast<int>(metrics.rowNames()[r].size()) + 2));
  std::cout << std::left << std::setw(static_cast<int>(labelWidth)) << "" << std::right;
  for (std::size_t i = 0; i < order.size(); ++i) std::cout << std::setw(widths[i]) << metrics.rowNames()[order[i]];
  std::cout << "\n";
  for (const auto& column : metrics.columns()) {
    std::string label = column.name();
    if (label == "before" || label == "after") label += " training";
    std::cout << std::left << std::setw(static_cast<int>(labelWidth)) << label << std::right;
    for (std::size_t i = 0; i < order.size(); ++i) {
      const double value = column.floats()[order[i]];
      std::ostringstream cell;
      if (std::isnan(value))
        cell << "-";
      else if (value == std::floor(value) && std::fabs(value) < 1e9)
        cell << static_cast<long long>(value);
      else
        cell << std::fixed << std::setprecision(4) << value;
      std::cout << std::setw(widths[i]) << cell.str();
    }
    std::cout << "\n";
  }
}

}  // namespace

int runTrain(const std::vector<std::string>& args) {
  const Arguments parsed(args,
                         {"demo", "out", "epochs", "lr", "optimizer", "resume", "seed", "validation-fraction",
                          "patience", "min-delta", "batch-size", "train-threads"},
                         {"help", "no-restore-best"});
  if (parsed.flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  const auto demo = parsed.value("demo");
  if (demo && *demo != "de") throw UsageError("unknown demo '" + *demo + "' (the training demo is: de)");
  if (demo == std::nullopt && parsed.positional().size() != 1)
    throw UsageError("give one pipeline file, or --demo de");
  if (demo && !parsed.positional().empty()) throw UsageError("give either a pipeline file or --demo de, not both");

  const std::string file = demo ? std::string() : parsed.positional().front();
  pipeline::Graph graph = demo ? train::deTrainingDemoPipeline() : readPipeline(file);
  const auto& registry = ops::Registry::global();

  std::vector<std::string> trainers;
  for (const auto& node : graph.nodes())
    if (const auto* spec = registry.findSpec(node.operatorId); spec && train::isTrainingOperator(*spec))
      trainers.push_back(node.id);
  if (trainers.empty())
    throw UsageError("the pipeline has no training node (an operator of the category Training, e.g. "
                     "train.de_labels); use `diffbio run` for pipelines without one");
  if (parsed.value("resume") && trainers.size() > 1)
    throw UsageError("--resume needs a pipeline with one training node; this one has " +
                     std::to_string(trainers.size()));

  // The flags override the standard training parameters; the files go into --out under fixed names.
  const bool several = trainers.size() > 1;
  for (const auto& id : trainers) {
    if (parsed.value("epochs")) graph.setParameter(id, "epochs", wholeNumber(parsed, "epochs"));
    if (parsed.value("seed")) graph.setParameter(id, "seed", wholeNumber(parsed, "seed"));
    if (parsed.value("lr")) graph.setParameter(id, "learning_rate", positiveNumber(parsed, "lr"));
    if (const auto optimizer = parsed.value("optimizer")) graph.setParameter(id, "optimizer", *optimizer);
    if (parsed.value("validation-fraction"))
      graph.setParameter(id, "validation_fraction", fraction(parsed, "validation-fraction"));
    if (parsed.value("patience")) graph.setParameter(id, "patience", wholeNumber(parsed, "patience"));
    if (parsed.value("min-delta")) graph.setParameter(id, "min_delta", nonNegativeNumber(parsed, "min-delta"));
    if (parsed.flag("no-restore-best")) graph.setParameter(id, "restore_best", false);
    if (parsed.value("batch-size")) graph.setParameter(id, "batch_size", wholeNumber(parsed, "batch-size"));
    if (parsed.value("train-threads")) graph.setParameter(id, "threads", wholeNumber(parsed, "train-threads"));
    if (const auto resume = parsed.value("resume")) {
      if (!std::filesystem::exists(*resume))
        throw InputError({*resume}, "no such checkpoint file", "give the checkpoint.pt an earlier run wrote");
      graph.setParameter(id, "resume_from", std::filesystem::absolute(*resume).lexically_normal().string());
    }
    graph.setParameter(id, "checkpoint", several ? id + ".checkpoint.pt" : std::string("checkpoint.pt"));
    graph.setParameter(id, "log", several ? id + ".training_log.tsv" : std::string("training_log.tsv"));
  }
  pipeline::throwIfInvalid(graph, demo ? "the de demo" : file);  // e.g. an unknown --optimizer: exit 2

  const std::filesystem::path out = parsed.value("out", ".");
  pipeline::Executor executor;
  if (!demo) executor.setPipelineFolder(std::filesystem::absolute(file).lexically_normal().parent_path());
  executor.setOutputFolder(out);
  LossPrinter printer(several);
  executor.setTraining(&printer);

  trainInterrupt.reset();
  const auto previous = std::signal(SIGINT, onTrainInterrupt);
  const pipeline::RunSummary summary = executor.run(graph, trainInterrupt);
  std::signal(SIGINT, previous);

  auto fileOf = [&](const std::string& id, const std::string& name) {
    return (out / (several ? id + "." + name : name)).string();
  };
  if (summary.cancelled) {
    std::cerr << "interrupted";
    if (trainers.size() == 1 && std::filesystem::exists(fileOf(trainers[0], "checkpoint.pt")))
      std::cerr << ": resume with --resume " << fileOf(trainers[0], "checkpoint.pt");
    std::cerr << "\n";
    return 130;
  }
  for (const auto& id : summary.failed)
    std::cerr << "error: node \"" << id << "\" (" << graph.node(id).operatorId
              << ") failed: " << executor.status(id).message << "\n";

  for (const auto& id : trainers) {
    const ops::ValuePtr metrics = executor.output(id, "metrics");
    if (!metrics) continue;
    std::cout << "\n" << (several ? "node \"" + id + "\"\n" : "");
    printMetrics(metrics->as<data::Table>());
    std::cout << "wrote " << fileOf(id, "training_log.tsv") << " and " << fileOf(id, "checkpoint.pt") << "\n";
  }
  return summary.failed.empty() ? 0 : 1;
}

}  // namespace diffbio::cli

#pragma once
// HOW A PIPELINE IS TRAINED — "training is a node".
//
// A training operator is an ordinary registered operator: category "Training" (kTrainingCategory), id
// "train.<what>" (e.g. "train.de_labels", "train.quality_threshold"), placed downstream of the nodes whose
// quantities it learns. Its run() does three things:
//   1. builds a torch::nn::Module initialised from its inputs (the exact fit, the current threshold, ...) and a loss
//      closure (losses.h or its own). Which quantities are learnable follows the per-node `trainable` flag of the
//      upstream nodes (context.training()->trainable("port")); when no upstream node is marked, it learns all it can
//      (what the seeds do);
//   2. calls runTrainingNode(setup, parameters, context), which does the rest identically for every training node:
//      TrainerOptions from the standard parameters, resume from a checkpoint, before/after metrics, events to the
//      run's TrainingObserver (CLI loss lines, GUI live curves) tagged with the node id, pause and cancel, the
//      training log, the checkpoint file, and the three standard outputs;
//   3. may add outputs of its own computed from the trained module (e.g. a results table after training).
//
// Standard parameters (trainingParameterSpecs(), appended to the operator's own): optimizer, learning_rate, epochs,
// seed, schedule, clip_norm, resume_from (a checkpoint to continue from), checkpoint (where to write one; empty:
// none), log (where to write the training log TSV; empty: none), validation_fraction, patience, min_delta,
// restore_best, batch_size, threads. `diffbio train` and the GUI training panel set these by name on every node
// whose category is "Training" — an operator must not rename them.
//
// Validation and mini-batches (optional for an operator): a node that can take its loss on a subset of its items
// (genes, cells or samples — the operator says which) sets TrainingNodeSetup::lossOn/evaluateOn. Then
//   validation_fraction > 0  holds out that fraction of the items (a seeded split: splitItems(), from `seed`); the
//                            loss is trained on the others; after every epoch the loss and metrics on the held-out
//                            items are evaluated (log columns validation_loss, validation_<metric>; the events'
//                            validationLoss/validationMetrics; metrics-table rows validation_<name>);
//   patience > 0             stops after that many epochs without a validation loss lower than the best by more than
//                            min_delta; restore_best (default on) ends with the best validation epoch's parameters;
//   batch_size > 0           (only when TrainingNodeSetup::batches) one step per mini-batch of that many training
//                            items, in an order drawn per epoch from `seed` (each batch's indices sorted, so a batch
//                            of all training items equals the full batch bitwise); 0 = the full batch.
// A node without lossOn refuses validation_fraction > 0, patience > 0 and batch_size > 0 with an InputError.
// threads: LibTorch threads of the training (0 = automatic: 1 below kParallelElementsPerStep tensor elements per
// step — small tensors run several times faster on one thread, see docs/ARCHITECTURE.md — else the process's count).
// Set for the node's own thread only (OpenMP's per-thread setting), never process-wide: concurrent jobs keep theirs.
// Standard outputs (trainingOutputSpecs()):
//   metrics (Metrics, a data::Table): one row per quantity ("loss" then each metric); columns "before", "after",
//           then any reference columns the operator supplies (e.g. the exact pipeline's scores);
//   log     (Table): one row per step: step, epoch, loss, lr, then each component and each metric by name;
//   model   (Model, a TrainedModel from training_context.h): learnt tensors, parameter updates, checkpoint path.
//
// Cancel (Stop, Ctrl-C): the trainer stops at the next check (before a step, between a step's forward pass, backward
// pass and update, and wherever the operator's closure polls: between mini-batch parts and loss components); the
// step in flight is rolled back; the checkpoint
// and log are still written when their paths are set, so the run can be resumed, and then Cancelled is thrown: the
// node goes back to Stale, as every cancelled node does. A NaN/Inf loss fails the node with the trainer's message
// (after restoring the last finite parameters); nothing is written.
// Resume: the checkpoint holds the trainer state (module, optimiser, generator, step) plus JSON with the operator
// id, the problem description (resume refuses another problem), the "before" metrics and the log rows so far, so a
// resumed run's outputs and files equal those of an uninterrupted run.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/ops/operator.h"
#include "core/train/trainer.h"
#include "core/train/training_context.h"

namespace diffbio::train {

// Defaults of the standard parameters; each operator picks those of its seed.
struct TrainingDefaults {
  std::string optimizer = "adam";
  double learningRate = 1e-2;
  std::int64_t epochs = 100;
  std::string schedule = "constant";
  std::string items;  // what a validation split and mini-batches are over ("genes"); empty: the node has none
};

// Automatic thread choice: below this many tensor elements per step a training runs on one LibTorch thread.
inline constexpr std::int64_t kParallelElementsPerStep = 4'000'000;

// The seeded split of `count` items into training and validation (each sorted): round(fraction x count) items,
// at least 1 and at most count - 1, are held out when fraction > 0. The same count, fraction and seed always give
// the same split (an operator may call this to compute reference metrics on the same held-out items).
struct ItemSplit {
  std::vector<std::int64_t> training, validation;
};
ItemSplit splitItems(std::int64_t count, double validationFraction, std::uint64_t seed);

std::vector<ops::ParameterSpec> trainingParameterSpecs(const TrainingDefaults& defaults = {});
std::vector<ops::PortSpec> trainingOutputSpecs();
// From the standard parameters of a node (complete: defaults filled in).
TrainerOptions trainerOptionsFrom(const ops::ParameterValues& parameters);

using MetricsClosure = std::function<std::map<std::string, double>()>;

struct TrainingNodeSetup {
  std::string operatorId;                       // for the checkpoint and the model output
  std::shared_ptr<torch::nn::Module> module;    // its parameters() are what is learnt
  LossClosure loss;
  // The loss and metrics at the current parameters, evaluated without gradients: the "before" and "after" columns
  // (must include "loss"; its other keys should be the metrics the loss closure reports).
  MetricsClosure evaluate;
  TraceClosure traces;                          // optional: scalars the panel can follow over steps
  std::vector<std::string> traceNames;          // the keys `traces` returns (announced in TrainingStart)
  std::function<std::vector<ParameterUpdate>()> updates;  // optional: learnt upstream node parameters
  std::string problem;                          // JSON text identifying data and settings; resume must match it
  // Extra columns of the metrics table (name, values by row name), e.g. {"exact (padj < 0.05)", {...}}.
  std::vector<std::pair<std::string, std::map<std::string, double>>> referenceMetrics;

  // Optional (see "Validation and mini-batches" above). itemCount items named itemName ("genes"); lossOn takes the
  // loss on a subset (sorted int64 indices) and replaces `loss` when a split or batches are in use (or when `loss`
  // is empty: then the full batch is lossOn over all items); evaluateOn is
  // `evaluate` on a subset (must include "loss"; called without gradients). batches: lossOn accepts mini-batches.
  std::string itemName;
  std::int64_t itemCount = 0;
  std::function<StepOutput(const at::Tensor& items, const StepContext&)> lossOn;
  std::function<std::map<std::string, double>(const at::Tensor& items)> evaluateOn;
  bool batches = false;
  std::int64_t elementsPerStep = 0;  // tensor elements one full-batch step touches: the automatic thread choice
};

// Runs the training described above and returns the standard outputs ("metrics", "log", "model"). Throws
// Cancelled when stopped (after writing checkpoint and log), InputError for a bad checkpoint, unusable options or
// a diverged run.
ops::OperatorOutputs runTrainingNode(const TrainingNodeSetup& setup, const ops::ParameterValues& parameters,
                                     ops::RunContext& context);

// The values a training node reports for one evaluation: its metrics, "loss" and every loss component.
std::map<std::string, double> stepValues(const StepOutput& step);

// Fills loss, evaluate, lossOn and evaluateOn (and itemName, itemCount, batches) of `setup` from one function of a
// subset of the items, where an undefined tensor means all of them: the shape of every node that trains on items
// (reads, genes) with mini-batches and a validation split. `checkCancelled` runs before each full-batch step.
void setItemwiseObjective(TrainingNodeSetup& setup, std::string itemName, std::int64_t itemCount,
                          std::function<StepOutput(const at::Tensor& items)> evaluateOn,
                          std::function<void()> checkCancelled);

}  // namespace diffbio::train

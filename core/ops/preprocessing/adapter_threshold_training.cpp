// train.adapter_threshold: learns the match threshold of the soft adapter removal from reads whose adapter positions
// are known (reads.simulate_adapters), through the trainer like train.quality_threshold.
//
// Placed after a reads.adapter_removal node, it starts from that node's adapter, match threshold, temperature and
// minimum overlap, recomputes the soft trim with a learnable threshold and minimises
//   mean over bases of (1 - retained) x [insert base]  +  retained x [adapter base]
// (keep the insert, drop the adapter; the labels come from the known start of the adapter in each read). The learnt
// threshold is handed back to the adapter node as a parameter update. Items for a validation split and mini-batches
// are the reads.
//
// What "separates the truth" means here: every true adapter start has a match fraction of at least t_high (an
// adapter copy with its simulated mismatches) and every other start position of at most t_low (chance matches of
// random bases); any threshold in (t_low, t_high) trims every read at its true adapter start when the temperature
// goes to zero. With the template's simulation (400 x 60 reads, half with the adapter, <= 1 mismatch, >= 10 adapter
// bases visible) the gap is (10/13, 0.9] and the threshold learnt from 0.98 lands inside it (0.80; the hard cut is
// then right for every read, against 77 % at 0.98; tests/core/ops/preprocessing).
#include <ATen/ATen.h>
#include <torch/utils.h>

#include <nlohmann/json.hpp>

#include "core/ops/preprocessing/preprocessing_modules.h"
#include "core/ops/preprocessing/preprocessing_operators.h"
#include "core/ops/preprocessing/read_tensors.h"
#include "core/ops/registry.h"
#include "core/reads/adapter_aligner.h"
#include "core/train/training_operator.h"
#include "core/util/error.h"

namespace diffbio::ops {

namespace {

constexpr const char* kOperatorId = "train.adapter_threshold";
constexpr const char* kRemovalOperator = "reads.adapter_removal";

class AdapterThresholdTrainingOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& reads = in.get<ReadTensors>("reads");
    if (reads.reads() == 0) throw InputError({}, "no reads to learn from", "connect reads with at least one base");
    if (!reads.trueAdapterStart.defined() || reads.trueAdapterStart.numel() != reads.reads())
      throw InputError({}, "the reads carry no known adapter positions to learn from",
                       "connect reads.simulate_adapters (through a reads.adapter_removal node)");
    std::string adapter = p.text("adapter");
    double threshold = p.real("initial_threshold"), temperature = p.real("temperature");
    int minOverlap = static_cast<int>(p.integer("min_overlap"));
    std::string removalNode;
    if (const train::TrainingContext* training = context.training()) {
      const auto source = training->inputs.find("reads");
      if (source != training->inputs.end() && source->second.operatorId == kRemovalOperator) {
        const ParameterValues& upstream = source->second.parameters;
        adapter = upstream.text("adapter");
        threshold = upstream.real("match_threshold");
        temperature = upstream.real("temperature");
        minOverlap = static_cast<int>(upstream.integer("min_overlap"));
        removalNode = source->second.nodeId;
      }
    }
    try {
      adapter = reads::parseAdapter(adapter).sequence;
    } catch (const std::invalid_argument& error) {
      throw InputError({}, std::string("adapter: ") + error.what(), "give the adapter in A, C, G, T (N = any)");
    }

    // Double precision, as the quality threshold's experiment: the trajectory should not depend on float rounding.
    const at::Tensor oneHot = reads.oneHot.to(at::kDouble), mask = reads.mask.to(at::kDouble);
    const std::int64_t n = reads.reads(), length = reads.length();
    const at::Tensor start = reads.trueAdapterStart.to(at::kLong);
    const at::Tensor position = at::arange(length, at::kLong).unsqueeze(0);
    const at::Tensor insert = (position < start.unsqueeze(1)).to(at::kDouble) * mask;
    const at::Tensor adapterBase = mask - insert;
    const at::Tensor hasAdapter = start < length;
    // The column of trimProbability that is right for each read: its adapter start, or "no adapter" (column L).
    const at::Tensor rightCut = start.clamp_max(length);
    std::shared_ptr<AdapterRemovalImpl> removal;
    try {
      removal = std::make_shared<AdapterRemovalImpl>(adapter, threshold, temperature, minOverlap);
    } catch (const std::invalid_argument& error) {
      throw InputError({}, error.what(), "check the adapter removal's parameters");
    }

    // Loss and metrics on a subset of reads (all reads when `items` is undefined).
    auto evaluateOn = [=](const at::Tensor& items) {
      auto pick = [&items](const at::Tensor& t) { return items.defined() ? t.index_select(0, items) : t; };
      const at::Tensor m = pick(mask), keep = pick(insert), drop = pick(adapterBase);
      const AdapterRemovalOutput out = removal->forward(pick(oneHot), m);
      const double bases = std::max(1.0, m.sum().item<double>());
      const at::Tensor keepInsert = ((1 - out.retained) * keep).sum() / bases;
      const at::Tensor dropAdapter = (out.retained * drop).sum() / bases;
      train::StepOutput step;
      step.loss = keepInsert + dropAdapter;
      step.components["keep_insert"] = keepInsert.item<double>();
      step.components["drop_adapter"] = dropAdapter.item<double>();
      const double insertCount = keep.sum().item<double>(), adapterCount = drop.sum().item<double>();
      step.metrics["match_threshold"] = removal->matchThreshold().item<double>();
      step.metrics["insert_retained"] =
          insertCount > 0 ? (out.retained * keep).sum().item<double>() / insertCount : 1.0;
      step.metrics["adapter_removed"] =
          adapterCount > 0 ? 1 - (out.retained * drop).sum().item<double>() / adapterCount : 1.0;
      // Hard decisions: the most probable cut is the true one; the read is called "with adapter" correctly.
      step.metrics["cut_correct"] = (out.trimProbability.argmax(1) == pick(rightCut)).to(at::kDouble).mean().item<double>();
      step.metrics["detection_correct"] =
          ((out.adapterProbability > 0.5) == pick(hasAdapter)).to(at::kDouble).mean().item<double>();
      return step;
    };

    train::TrainingNodeSetup setup;
    setup.operatorId = kOperatorId;
    setup.module = removal;
    train::setItemwiseObjective(setup, "reads", n, evaluateOn, [&context] { context.checkCancelled(); });
    setup.elementsPerStep = n * length * 4;
    setup.traceNames = {"match_threshold"};
    setup.traces = [removal] {
      return std::map<std::string, double>{{"match_threshold", removal->matchThreshold().item<double>()}};
    };
    setup.updates = [removal, removalNode] {
      std::vector<train::ParameterUpdate> updates;
      if (!removalNode.empty())
        updates.push_back({removalNode, "match_threshold", ParameterValue(removal->matchThreshold().item<double>())});
      return updates;
    };
    const nlohmann::json problem = {{"reads", n},
                                    {"length", length},
                                    {"adapter", adapter},
                                    {"adapter_reads", hasAdapter.sum().item<std::int64_t>()},
                                    {"adapter_start_sum", start.sum().item<std::int64_t>()},
                                    {"base_sum", (oneHot.argmax(-1) * mask).sum().item<double>()},
                                    {"initial_threshold", threshold},
                                    {"temperature", temperature},
                                    {"min_overlap", minOverlap}};
    setup.problem = problem.dump();
    OperatorOutputs outputs = train::runTrainingNode(setup, p, context);

    // The reads trimmed with the learnt threshold (the weights they had before the adapter node, times the new soft
    // trim).
    torch::NoGradGuard noGrad;
    ReadTensors trimmed = reads;
    const at::Tensor before =
        reads.weightsBeforeAdapterRemoval.defined() ? reads.weightsBeforeAdapterRemoval : reads.baseWeights;
    const AdapterRemovalOutput out = removal->forward(oneHot, mask);
    trimmed.weightsBeforeAdapterRemoval = before;
    trimmed.baseWeights = before * out.retained.to(before.scalar_type());
    trimmed.adapterProbability = out.adapterProbability.to(at::kFloat);
    outputs["reads"] = Value::make(PortType::Reads, std::move(trimmed));
    return outputs;
  }
};

}  // namespace

void registerAdapterThresholdTraining(Registry& registry) {
  OperatorSpec spec{
      kOperatorId, "Learn adapter match threshold", train::kTrainingCategory,
      "Learns the match threshold of the upstream soft adapter removal from reads with known adapter positions "
      "(reads.simulate_adapters): gradient descent on the fraction of insert bases removed plus adapter bases kept. "
      "Starts from the adapter node's adapter, threshold, temperature and minimum overlap (this node's own "
      "parameters when not connected to one) and hands the learnt threshold back to that node.",
      {{"reads", PortType::Reads, true, "reads with known adapter positions, after an adapter removal node"}},
      train::trainingOutputSpecs(),
      {stringParameter("adapter", "AGATCGGAAGAGC", "3' adapter when the input is not an adapter removal node"),
       floatParameter("initial_threshold", 0.98, "start value when the input is not an adapter removal node")
           .range(0, 1),
       floatParameter("temperature", 0.01, "soft-step width when the input is not an adapter removal node")
           .range(1e-4, 10)
           .logarithmic(),
       intParameter("min_overlap", 10, "minimum overlap when the input is not an adapter removal node")
           .range(1, 1000)}};
  spec.outputs.push_back({"reads", PortType::Reads, true, "the reads trimmed with the learnt threshold"});
  train::TrainingDefaults defaults{"adam", 0.01, 100, "constant"};
  defaults.items = "reads";
  for (auto& parameter : train::trainingParameterSpecs(defaults)) spec.parameters.push_back(std::move(parameter));
  registry.registerOperator(std::move(spec), [] { return std::make_unique<AdapterThresholdTrainingOp>(); });
}

}  // namespace diffbio::ops

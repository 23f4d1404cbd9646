// train.duplicate_threshold: learns the similarity threshold of the soft duplicate weighting from reads whose
// duplicate families are known (reads.simulate_duplicates), through the trainer like train.quality_threshold.
//
// Placed after a reads.duplicate_weighting node in soft mode, it starts from that node's threshold, temperature and
// prefix, recomputes each read's soft multiplicity with a learnable threshold and minimises
//   mean over reads of (1 / estimated multiplicity - 1 / family size)^2
// (the read weights the stage should give). The learnt threshold is handed back to the duplicate node. Items for a
// validation split and mini-batches are the reads: the multiplicities are always estimated among all reads, the
// loss is taken on the subset.
//
// What "separates the truth": pairs of reads of one family (copies with sequencing errors) are at least t_high
// identical, pairs of different families that the soft mode compares (same prefix: siblings) at most t_low; any
// threshold in (t_low, t_high) counts exactly the true copies when the temperature goes to zero. With the template's
// simulation (150 families of 50 bp, <= 1 error per copy, 30 % siblings with 8 substitutions) the gap is
// (0.86, 0.96) and the threshold learnt from 0.99 lands inside it (0.90; tests/core/ops/preprocessing).
#include <ATen/ATen.h>
#include <torch/utils.h>

#include <nlohmann/json.hpp>

#include "core/ops/preprocessing/preprocessing_modules.h"
#include "core/ops/preprocessing/preprocessing_operators.h"
#include "core/ops/preprocessing/read_tensors.h"
#include "core/ops/registry.h"
#include "core/train/training_operator.h"
#include "core/util/error.h"

namespace diffbio::ops {

namespace {

constexpr const char* kOperatorId = "train.duplicate_threshold";
constexpr const char* kWeightingOperator = "reads.duplicate_weighting";

class DuplicateThresholdTrainingOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& reads = in.get<ReadTensors>("reads");
    if (reads.reads() < 2) throw InputError({}, "too few reads to learn from", "connect at least two reads");
    if (!reads.duplicateFamily.defined() || reads.duplicateFamily.numel() != reads.reads())
      throw InputError({}, "the reads carry no known duplicate families to learn from",
                       "connect reads.simulate_duplicates (through a reads.duplicate_weighting node)");
    double threshold = p.real("initial_threshold"), temperature = p.real("temperature");
    int prefix = static_cast<int>(p.integer("prefix"));
    std::string weightingNode;
    if (const train::TrainingContext* training = context.training()) {
      const auto source = training->inputs.find("reads");
      if (source != training->inputs.end() && source->second.operatorId == kWeightingOperator) {
        const ParameterValues& upstream = source->second.parameters;
        if (upstream.text("mode") != "soft")
          throw InputError({}, "the duplicate weighting node \"" + source->second.nodeId +
                                   "\" counts exact copies: it has no similarity threshold to learn",
                           "set its mode to soft");
        threshold = upstream.real("similarity_threshold");
        temperature = upstream.real("temperature");
        prefix = static_cast<int>(upstream.integer("prefix"));
        weightingNode = source->second.nodeId;
      }
    }

    const at::Tensor oneHot = reads.oneHot.to(at::kDouble), mask = reads.mask.to(at::kDouble);
    const std::int64_t n = reads.reads();
    const at::Tensor family = reads.duplicateFamily.to(at::kLong);
    const at::Tensor familySize = at::bincount(family).index_select(0, family).to(at::kDouble);
    const at::Tensor trueWeight = 1 / familySize;
    std::shared_ptr<DuplicateWeightingImpl> weighting = std::make_shared<DuplicateWeightingImpl>(
        DuplicateWeightingImpl::Mode::Soft, threshold, temperature, prefix);

    auto evaluateOn = [=](const at::Tensor& items) {
      auto pick = [&items](const at::Tensor& t) { return items.defined() ? t.index_select(0, items) : t; };
      const at::Tensor multiplicity = pick(weighting->multiplicity(oneHot, mask));
      const at::Tensor truth = pick(familySize);
      train::StepOutput step;
      step.loss = (1 / multiplicity - pick(trueWeight)).square().mean();
      step.metrics["similarity_threshold"] = weighting->similarityThreshold().item<double>();
      step.metrics["multiplicity_error"] = (multiplicity - truth).abs().mean().item<double>();
      step.metrics["multiplicity_correct"] = (multiplicity.round() == truth).to(at::kDouble).mean().item<double>();
      return step;
    };

    train::TrainingNodeSetup setup;
    setup.operatorId = kOperatorId;
    setup.module = weighting;
    train::setItemwiseObjective(setup, "reads", n, evaluateOn, [&context] { context.checkCancelled(); });
    setup.elementsPerStep = n * reads.length() * 4;
    setup.traceNames = {"similarity_threshold"};
    setup.traces = [weighting] {
      return std::map<std::string, double>{{"similarity_threshold", weighting->similarityThreshold().item<double>()}};
    };
    setup.updates = [weighting, weightingNode] {
      std::vector<train::ParameterUpdate> updates;
      if (!weightingNode.empty())
        updates.push_back(
            {weightingNode, "similarity_threshold", ParameterValue(weighting->similarityThreshold().item<double>())});
      return updates;
    };
    const nlohmann::json problem = {{"reads", n},
                                    {"length", reads.length()},
                                    {"families", family.max().item<std::int64_t>() + 1},
                                    {"family_sum", family.sum().item<std::int64_t>()},
                                    {"base_sum", (oneHot.argmax(-1) * mask).sum().item<double>()},
                                    {"initial_threshold", threshold},
                                    {"temperature", temperature},
                                    {"prefix", prefix}};
    setup.problem = problem.dump();
    OperatorOutputs outputs = train::runTrainingNode(setup, p, context);

    // The reads weighted with the learnt threshold.
    torch::NoGradGuard noGrad;
    ReadTensors weighted = reads;
    const at::Tensor before =
        reads.readWeightsBeforeDuplicates.defined() ? reads.readWeightsBeforeDuplicates : reads.readWeights;
    weighted.readWeightsBeforeDuplicates = before;
    weighted.readWeights = before * weighting->forward(oneHot, mask).to(before.scalar_type());
    outputs["reads"] = Value::make(PortType::Reads, std::move(weighted));
    return outputs;
  }
};

}  // namespace

void registerDuplicateThresholdTraining(Registry& registry) {
  OperatorSpec spec{
      kOperatorId, "Learn duplicate similarity threshold", train::kTrainingCategory,
      "Learns the similarity threshold of the upstream soft duplicate weighting from reads with known duplicate "
      "families (reads.simulate_duplicates): gradient descent on the squared error of the read weights "
      "(1 / estimated copies against 1 / family size). Starts from the duplicate node's threshold, temperature and "
      "prefix (this node's own parameters when not connected to one) and hands the learnt threshold back to it.",
      {{"reads", PortType::Reads, true, "reads with known duplicate families, after a soft duplicate weighting node"}},
      train::trainingOutputSpecs(),
      {floatParameter("initial_threshold", 0.99, "start value when the input is not a duplicate weighting node")
           .range(0, 1),
       floatParameter("temperature", 0.01, "soft-step width when the input is not a duplicate weighting node")
           .range(1e-4, 10)
           .logarithmic(),
       intParameter("prefix", 12, "shared first bases when the input is not a duplicate weighting node")
           .range(1, 1000)}};
  spec.outputs.push_back({"reads", PortType::Reads, true, "the reads weighted with the learnt threshold"});
  train::TrainingDefaults defaults{"adam", 0.01, 100, "constant"};
  defaults.items = "reads";
  for (auto& parameter : train::trainingParameterSpecs(defaults)) spec.parameters.push_back(std::move(parameter));
  registry.registerOperator(std::move(spec), [] { return std::make_unique<DuplicateThresholdTrainingOp>(); });
}

}  // namespace diffbio::ops

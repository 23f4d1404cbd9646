// train.quality_threshold: the threshold-learning experiment of seed 003 as a training node.
//
// Placed after a reads.quality_filter node, it starts from that node's threshold and temperature, re-applies the
// filter with a learnable threshold to the weights the reads had before the filter, and minimises the seed's loss:
//   mean over bases of (1 - retention) x [Q > high]  +  mean over bases of retention x [Q < low]
// (keep high-quality bases, drop low-quality ones). The learnt threshold is handed back as a parameter update of
// the filter node. With the seed's settings (100 x 50 simulated reads, threshold 35, Adam, learning rate 1.0,
// 50 steps) the threshold falls to about 19.4, as the seed reports (35 -> 19.36).
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

constexpr const char* kOperatorId = "train.quality_threshold";
constexpr const char* kFilterOperator = "reads.quality_filter";

class QualityThresholdTrainingOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& reads = in.get<ReadTensors>("reads");
    if (reads.reads() == 0) throw InputError({}, "no reads to learn from", "connect reads with at least one base");
    double threshold = p.real("initial_threshold");
    double temperature = p.real("temperature");
    std::string filterNode;
    if (const train::TrainingContext* training = context.training()) {
      const auto source = training->inputs.find("reads");
      if (source != training->inputs.end() && source->second.operatorId == kFilterOperator) {
        threshold = source->second.parameters.real("threshold");
        temperature = source->second.parameters.real("temperature");
        filterNode = source->second.nodeId;
      }
    }
    const double high = p.real("high_quality"), low = p.real("low_quality");
    if (!(low < high))
      throw InputError({}, "low_quality must be below high_quality", "e.g. keep bases above 30, drop below 15");

    // Double precision: 5,000 bases in the seed, and the trajectory should not depend on float rounding.
    const at::Tensor phred = reads.phred.to(at::kDouble);
    const at::Tensor mask = reads.mask.to(at::kDouble);
    const at::Tensor before =
        (reads.weightsBeforeQualityFilter.defined() ? reads.weightsBeforeQualityFilter : reads.baseWeights)
            .to(at::kDouble);
    const at::Tensor highMask = (phred > high).to(at::kDouble) * mask;
    const at::Tensor lowMask = (phred < low).to(at::kDouble) * mask;
    const double bases = mask.sum().item<double>();
    auto filter = std::make_shared<QualityFilterImpl>(threshold, temperature);

    auto evaluate = [=]() {
      const at::Tensor retention = filter->forward(phred, mask) * before;
      const at::Tensor keepHigh = ((1 - retention) * highMask).sum() / bases;
      const at::Tensor dropLow = (retention * lowMask).sum() / bases;
      train::StepOutput step;
      step.loss = keepHigh + dropLow;
      step.components["keep_high"] = keepHigh.item<double>();
      step.components["drop_low"] = dropLow.item<double>();
      const double highCount = highMask.sum().item<double>(), lowCount = lowMask.sum().item<double>();
      step.metrics["threshold"] = filter->threshold().item<double>();
      step.metrics["high_retained"] = highCount > 0 ? (retention * highMask).sum().item<double>() / highCount : 0.0;
      step.metrics["low_removed"] = lowCount > 0 ? 1 - (retention * lowMask).sum().item<double>() / lowCount : 0.0;
      step.metrics["mean_retention"] = (retention * mask).sum().item<double>() / bases;
      return step;
    };

    train::TrainingNodeSetup setup;
    setup.operatorId = kOperatorId;
    setup.module = filter;
    setup.loss = [evaluate, &context](const train::StepContext&) {
      context.checkCancelled();
      return evaluate();
    };
    setup.evaluate = [evaluate] {
      torch::NoGradGuard noGrad;
      const train::StepOutput step = evaluate();
      std::map<std::string, double> values = step.metrics;
      values["loss"] = step.loss.item<double>();
      for (const auto& [name, value] : step.components) values[name] = value;
      return values;
    };
    setup.traceNames = {"threshold"};
    setup.traces = [filter] { return std::map<std::string, double>{{"threshold", filter->threshold().item<double>()}}; };
    setup.updates = [filter, filterNode] {
      std::vector<train::ParameterUpdate> updates;
      if (!filterNode.empty())
        updates.push_back({filterNode, "threshold", ParameterValue(filter->threshold().item<double>())});
      return updates;
    };
    const nlohmann::json problem = {{"reads", reads.reads()},         {"length", reads.length()},
                                    {"bases", bases},                 {"phred_sum", (phred * mask).sum().item<double>()},
                                    {"high_quality", high},           {"low_quality", low},
                                    {"initial_threshold", threshold}, {"temperature", temperature}};
    setup.problem = problem.dump();
    OperatorOutputs outputs = train::runTrainingNode(setup, p, context);

    // The reads filtered with the learnt threshold.
    torch::NoGradGuard noGrad;
    ReadTensors filtered = reads;
    filtered.weightsBeforeQualityFilter = before.to(reads.baseWeights.scalar_type());
    filtered.baseWeights = (before * filter->forward(phred, mask)).to(reads.baseWeights.scalar_type());
    outputs["reads"] = Value::make(PortType::Reads, std::move(filtered));
    return outputs;
  }
};

}  // namespace

void registerQualityThresholdTraining(Registry& registry) {
  OperatorSpec spec{
      kOperatorId, "Learn quality threshold", train::kTrainingCategory,
      "Seed 003: learns the threshold of the upstream soft quality filter by gradient descent on the seed's loss "
      "(keep bases above high_quality, drop bases below low_quality). Starts from the filter node's threshold and "
      "temperature (initial_threshold and temperature when not connected to one) and hands the learnt threshold "
      "back to that node.",
      {{"reads", PortType::Reads, true, "reads after a quality filter node (its threshold is learnt)"}},
      train::trainingOutputSpecs(),
      {floatParameter("high_quality", 30.0, "bases above this Phred score should be kept").range(0, 100),
       floatParameter("low_quality", 15.0, "bases below this Phred score should be dropped").range(0, 100),
       floatParameter("initial_threshold", 35.0, "start value when the input is not a quality filter node")
           .range(0, 100),
       floatParameter("temperature", 1.0, "filter temperature when the input is not a quality filter node")
           .range(1e-3, 100)
           .logarithmic()}};
  spec.outputs.push_back({"reads", PortType::Reads, true, "the reads filtered with the learnt threshold"});
  for (auto& parameter : train::trainingParameterSpecs({"adam", 1.0, 50, "constant"}))
    spec.parameters.push_back(std::move(parameter));
  registry.registerOperator(std::move(spec), [] { return std::make_unique<QualityThresholdTrainingOp>(); });
}

}  // namespace diffbio::ops

#include "core/train/training_operator.h"

#include <torch/nn/module.h>

#include <cmath>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

#include "core/data/table.h"
#include "core/io/table_writer.h"
#include "core/util/error.h"

namespace diffbio::train {

namespace {

using Json = nlohmann::json;

// One step of the training log, kept as numbers so it can travel in a checkpoint and come back exactly.
struct LogRow {
  std::int64_t step = 0, epoch = 0;
  double loss = 0, learningRate = 0;
  std::map<std::string, double> components, metrics;
  std::optional<double> validationLoss;
};

// JSON has no NaN or infinity: null stands for them (a metric may be NaN, e.g. precision with no calls).
Json number(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }
double numberFrom(const Json& value) {
  return value.is_number() ? value.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

Json toJson(const std::map<std::string, double>& values) {
  Json json = Json::object();
  for (const auto& [name, value] : values) json[name] = number(value);
  return json;
}
std::map<std::string, double> mapFrom(const Json& json) {
  std::map<std::string, double> values;
  for (const auto& [name, value] : json.items()) values[name] = numberFrom(value);
  return values;
}

Json toJson(const LogRow& row) {
  Json json = {{"step", row.step}, {"epoch", row.epoch}, {"loss", number(row.loss)}, {"lr", number(row.learningRate)},
               {"components", toJson(row.components)}, {"metrics", toJson(row.metrics)}};
  if (row.validationLoss) json["validation_loss"] = number(*row.validationLoss);
  return json;
}
LogRow logRowFrom(const Json& json) {
  LogRow row;
  row.step = json.at("step").get<std::int64_t>();
  row.epoch = json.at("epoch").get<std::int64_t>();
  row.loss = numberFrom(json.at("loss"));
  row.learningRate = numberFrom(json.at("lr"));
  row.components = mapFrom(json.at("components"));
  row.metrics = mapFrom(json.at("metrics"));
  if (json.contains("validation_loss")) row.validationLoss = numberFrom(json["validation_loss"]);
  return row;
}

// The log as a table: row names are the steps (written as the first column, "step"), then epoch, loss, lr, each
// component and each metric by name, and the validation loss when there is one. Missing entries are NaN.
data::Table logTable(const std::vector<LogRow>& rows) {
  std::vector<std::string> steps;
  std::set<std::string> componentNames, metricNames;
  bool anyValidation = false;
  for (const auto& row : rows) {
    steps.push_back(std::to_string(row.step));
    for (const auto& [name, value] : row.components) componentNames.insert(name);
    for (const auto& [name, value] : row.metrics) metricNames.insert(name);
    anyValidation = anyValidation || row.validationLoss.has_value();
  }
  data::Table table(std::move(steps));
  table.indexName = "step";
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto column = [&](const std::string& name, auto&& get) {
    std::vector<double> values;
    for (const auto& row : rows) values.push_back(get(row));
    table.addColumn(data::Column(name, std::move(values)));
  };
  std::vector<std::int64_t> epochs;
  for (const auto& row : rows) epochs.push_back(row.epoch);
  table.addColumn(data::Column("epoch", std::move(epochs)));
  column("loss", [](const LogRow& r) { return r.loss; });
  column("lr", [](const LogRow& r) { return r.learningRate; });
  for (const auto& name : componentNames)
    column(name, [&](const LogRow& r) {
      const auto found = r.components.find(name);
      return found == r.components.end() ? nan : found->second;
    });
  for (const auto& name : metricNames)
    column(name, [&](const LogRow& r) {
      const auto found = r.metrics.find(name);
      return found == r.metrics.end() ? nan : found->second;
    });
  if (anyValidation) column("validation_loss", [&](const LogRow& r) { return r.validationLoss.value_or(nan); });
  return table;
}

// Rows: "loss" first, then the other quantities in name order; columns before, after, then the references.
data::Table metricsTable(const std::map<std::string, double>& before, const std::map<std::string, double>& after,
                         const std::vector<std::pair<std::string, std::map<std::string, double>>>& references) {
  std::vector<std::string> names;
  if (before.count("loss") || after.count("loss")) names.push_back("loss");
  std::set<std::string> others;
  for (const auto* values : {&before, &after})
    for (const auto& [name, value] : *values)
      if (name != "loss") others.insert(name);
  names.insert(names.end(), others.begin(), others.end());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto columnOf = [&](const std::string& title, const std::map<std::string, double>& values) {
    std::vector<double> column;
    for (const auto& name : names) {
      const auto found = values.find(name);
      column.push_back(found == values.end() ? nan : found->second);
    }
    return data::Column(title, std::move(column));
  };
  data::Table table(names);
  table.indexName = "quantity";
  table.addColumn(columnOf("before", before));
  table.addColumn(columnOf("after", after));
  for (const auto& [title, values] : references) table.addColumn(columnOf(title, values));
  return table;
}

std::vector<TrainedTensor> tensorsOf(const torch::nn::Module& module) {
  std::vector<TrainedTensor> tensors;
  for (const auto& item : module.named_parameters()) {
    const at::Tensor values = item.value().detach().to(at::kDouble).contiguous();
    TrainedTensor tensor;
    tensor.name = item.key();
    tensor.shape.assign(values.sizes().begin(), values.sizes().end());
    tensor.values.assign(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

// Keeps the log, forwards every step to the run's observer, and honours nothing else: the trainer does the rest.
class NodeListener : public TrainingListener {
 public:
  NodeListener(std::vector<LogRow>& rows, TrainingObserver* observer, std::string nodeId)
      : rows_(rows), observer_(observer), nodeId_(std::move(nodeId)) {}
  void onStep(const TrainingEvent& event) override {
    LogRow row;
    row.step = event.step;
    row.epoch = event.epoch;
    row.loss = event.loss;
    row.learningRate = event.learningRate;
    row.components = event.components;
    row.metrics = event.metrics;
    row.validationLoss = event.validationLoss;
    rows_.push_back(std::move(row));
    if (observer_) observer_->trainingStep(nodeId_, event);
  }
  void onFinished(const TrainingResult& result) override {
    if (observer_) observer_->trainingFinished(nodeId_, result);
  }

 private:
  std::vector<LogRow>& rows_;
  TrainingObserver* observer_;
  std::string nodeId_;
};

}  // namespace

std::vector<ops::ParameterSpec> trainingParameterSpecs(const TrainingDefaults& defaults) {
  return {
      ops::enumParameter("optimizer", {"adam", "adamw", "sgd", "lbfgs"}, defaults.optimizer,
                         "how parameters move along the gradient (sgd uses momentum 0.9)"),
      ops::floatParameter("learning_rate", defaults.learningRate, "step size of the optimiser")
          .range(1e-8, 10)
          .logarithmic(),
      ops::intParameter("epochs", defaults.epochs, "training epochs (total, including resumed ones)")
          .range(0, 1000000),
      ops::intParameter("seed", 0, "seed of the trainer's random generator").atLeast(0),
      ops::enumParameter("schedule", {"constant", "step", "cosine"}, defaults.schedule,
                         "learning-rate schedule over the epochs"),
      ops::floatParameter("clip_norm", 0.0, "clip the gradient to this Euclidean norm (0: no clipping)").atLeast(0),
      ops::inputPathParameter("resume_from", "continue from this checkpoint (empty: start afresh)"),
      ops::outputPathParameter("checkpoint", "", "write a checkpoint here when training ends or is stopped"),
      ops::outputPathParameter("log", "", "write the training log (TSV) here"),
  };
}

std::vector<ops::PortSpec> trainingOutputSpecs() {
  return {
      {"metrics", ops::PortType::Metrics, true, "loss and metrics before and after training"},
      {"log", ops::PortType::Table, true, "one row per step: loss, learning rate, components, metrics"},
      {"model", ops::PortType::Model, true, "the trained parameters and the checkpoint path"},
  };
}

TrainerOptions trainerOptionsFrom(const ops::ParameterValues& parameters) {
  TrainerOptions options;
  options.optimizer = parameters.text("optimizer");
  options.learningRate = parameters.real("learning_rate");
  options.epochs = parameters.integer("epochs");
  options.seed = static_cast<std::uint64_t>(parameters.integer("seed"));
  options.schedule = parameters.text("schedule");
  options.clipGradientNorm = parameters.real("clip_norm");
  return options;
}

ops::OperatorOutputs runTrainingNode(const TrainingNodeSetup& setup, const ops::ParameterValues& parameters,
                                     ops::RunContext& context) {
  const TrainingContext* hooks = context.training();
  TrainingObserver* observer = hooks ? hooks->observer : nullptr;
  const PauseGate* pause = hooks ? hooks->pause : nullptr;

  std::unique_ptr<Trainer> trainer;
  try {
    trainer = std::make_unique<Trainer>(setup.module, setup.loss, trainerOptionsFrom(parameters));
  } catch (const std::invalid_argument& error) {
    throw InputError({}, error.what(), "check the training parameters of node \"" + context.nodeId() + "\"");
  }
  if (setup.traces) trainer->setTracer(setup.traces);

  std::vector<LogRow> rows;
  std::map<std::string, double> before;
  const std::string resumeFrom = context.resolvePath(parameters.text("resume_from"));
  if (!resumeFrom.empty()) {
    const std::string saved = trainer->loadCheckpoint(resumeFrom);
    const Json json = Json::parse(saved, nullptr, false);
    if (!json.is_object() || json.value("operator", std::string()) != setup.operatorId)
      throw InputError({resumeFrom}, "this checkpoint was not written by a " + setup.operatorId + " node",
                       "resume from a checkpoint written by the same kind of training node");
    if (json.value("problem", std::string()) != setup.problem)
      throw InputError({resumeFrom},
                       "the checkpoint was trained on another problem (" + json.value("problem", std::string()) +
                           ") than this node's (" + setup.problem + ")",
                       "resume with the same data and settings the checkpoint was written with");
    before = mapFrom(json.at("before"));
    for (const auto& row : json.at("log")) rows.push_back(logRowFrom(row));
  } else {
    torch::NoGradGuard noGrad;
    before = setup.evaluate();
  }

  const std::int64_t firstStep = trainer->step();
  if (observer) observer->trainingStarted(context.nodeId(), {firstStep, trainer->totalSteps(), setup.traceNames});
  NodeListener listener(rows, observer, context.nodeId());
  trainer->setListener(&listener);
  const TrainingResult result = trainer->run(&context.cancelToken(), pause);

  if (result.status == TrainingStatus::Diverged)
    throw InputError({}, "training diverged: " + result.message,
                     "lower the learning rate, set clip_norm, or try another optimizer");

  // Files first (also when stopped, so the run can be resumed), each written whole or not at all.
  const data::Table log = logTable(rows);
  std::string checkpointPath;
  if (const auto& path = parameters.text("checkpoint"); !path.empty()) {
    Json saved = {{"operator", setup.operatorId}, {"problem", setup.problem}, {"before", toJson(before)},
                  {"log", Json::array()}};
    for (const auto& row : rows) saved["log"].push_back(toJson(row));
    checkpointPath = context.resolveOutputPath(path);
    trainer->saveCheckpoint(checkpointPath, saved.dump());
  }
  if (const auto& path = parameters.text("log"); !path.empty()) io::writeTable(log, context.resolveOutputPath(path));
  if (result.status == TrainingStatus::Cancelled) throw Cancelled();

  std::map<std::string, double> after;
  {
    torch::NoGradGuard noGrad;
    after = setup.evaluate();
  }
  TrainedModel model;
  model.operatorId = setup.operatorId;
  model.tensors = tensorsOf(*setup.module);
  if (setup.updates) model.updates = setup.updates();
  model.checkpointPath = checkpointPath;
  model.result = result;
  return {{"metrics", ops::Value::make(ops::PortType::Metrics, metricsTable(before, after, setup.referenceMetrics))},
          {"log", ops::Value::make(ops::PortType::Table, log)},
          {"model", ops::Value::make(ops::PortType::Model, std::move(model))}};
}

}  // namespace diffbio::train

#include "core/train/training_operator.h"

#include <torch/nn/module.h>
#include <torch/utils.h>

#include <ATen/ATen.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
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
  std::map<std::string, double> validationMetrics;
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
  if (!row.validationMetrics.empty()) json["validation_metrics"] = toJson(row.validationMetrics);
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
  if (json.contains("validation_metrics")) row.validationMetrics = mapFrom(json["validation_metrics"]);
  return row;
}

// The log as a table: row names are the steps (written as the first column, "step"), then epoch, loss, lr, each
// component and each metric by name, then validation_loss and validation_<metric> when there was a validation
// split (rows between epoch ends have NaN there). Missing entries are NaN.
data::Table logTable(const std::vector<LogRow>& rows) {
  std::vector<std::string> steps;
  std::set<std::string> componentNames, metricNames, validationNames;
  bool anyValidation = false;
  for (const auto& row : rows) {
    steps.push_back(std::to_string(row.step));
    for (const auto& [name, value] : row.components) componentNames.insert(name);
    for (const auto& [name, value] : row.metrics) metricNames.insert(name);
    for (const auto& [name, value] : row.validationMetrics) validationNames.insert(name);
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
  for (const auto& name : validationNames)
    column("validation_" + name, [&](const LogRow& r) {
      const auto found = r.validationMetrics.find(name);
      return found == r.validationMetrics.end() ? nan : found->second;
    });
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
    row.validationMetrics = event.validationMetrics;
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

// splitmix64: decorrelates seeds that differ in one bit (seed, seed + 1, epoch numbers) before they seed a generator.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Fisher-Yates with a 64-bit Mersenne Twister: the same sequence on every platform for a given seed.
void shuffle(std::vector<std::int64_t>& values, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  for (std::size_t i = values.size(); i > 1; --i) std::swap(values[i - 1], values[random() % i]);
}

at::Tensor indexTensor(const std::vector<std::int64_t>& indices) {
  return at::tensor(c10::ArrayRef<std::int64_t>(indices), at::kLong);
}

// Mini-batches of the training items: each epoch's order is drawn from (seed, epoch) alone, not from the trainer's
// generator, so a run resumed in the middle of an epoch takes the same batches. Each batch's indices are sorted.
class BatchPlan {
 public:
  BatchPlan(std::vector<std::int64_t> training, std::int64_t batchSize, std::uint64_t seed)
      : training_(std::move(training)), batchSize_(batchSize), seed_(seed) {}
  std::int64_t batchesPerEpoch() const {
    const auto n = static_cast<std::int64_t>(training_.size());
    return batchSize_ <= 0 ? 1 : (n + batchSize_ - 1) / batchSize_;
  }
  at::Tensor batch(std::int64_t epoch, std::int64_t index) {
    if (batchSize_ <= 0) return indexTensor(training_);
    if (epoch != epoch_) {
      order_ = training_;
      shuffle(order_, mix(seed_ ^ mix(static_cast<std::uint64_t>(epoch) + 0xB47C4ull)));
      epoch_ = epoch;
    }
    const auto first = static_cast<std::size_t>(index * batchSize_);
    const auto last = std::min(order_.size(), first + static_cast<std::size_t>(batchSize_));
    std::vector<std::int64_t> chosen(order_.begin() + first, order_.begin() + last);
    std::sort(chosen.begin(), chosen.end());
    return indexTensor(chosen);
  }

 private:
  std::vector<std::int64_t> training_, order_;
  std::int64_t batchSize_;
  std::uint64_t seed_;
  std::int64_t epoch_ = -1;
};

// LibTorch's intra-op thread count for this thread only while a training node runs. ATen's CPU parallel loops
// open OpenMP regions from the calling thread, whose team size is that thread's own OpenMP setting
// (omp_set_num_threads changes only the calling thread's), so other jobs of the GUI keep their count; the
// process-wide at::set_num_threads is not touched.
class ScopedTrainingThreads {
 public:
  explicit ScopedTrainingThreads(int threads) : saved_(omp_get_max_threads()) { omp_set_num_threads(threads); }
  ~ScopedTrainingThreads() { omp_set_num_threads(saved_); }
  ScopedTrainingThreads(const ScopedTrainingThreads&) = delete;
  ScopedTrainingThreads& operator=(const ScopedTrainingThreads&) = delete;

 private:
  int saved_;
};

double realOr(const ops::ParameterValues& p, const char* name, double fallback) {
  return p.has(name) ? p.real(name) : fallback;
}
std::int64_t integerOr(const ops::ParameterValues& p, const char* name, std::int64_t fallback) {
  return p.has(name) ? p.integer(name) : fallback;
}

}  // namespace

ItemSplit splitItems(std::int64_t count, double validationFraction, std::uint64_t seed) {
  ItemSplit split;
  if (count <= 0) return split;
  std::int64_t held = 0;
  if (validationFraction > 0) {
    if (count < 2) throw std::invalid_argument("a validation split needs at least 2 items");
    held = std::clamp<std::int64_t>(std::llround(validationFraction * double(count)), 1, count - 1);
  }
  std::vector<std::int64_t> order(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) order[static_cast<std::size_t>(i)] = i;
  if (held > 0) shuffle(order, mix(seed ^ 0x5EED5B117ull));
  split.validation.assign(order.begin(), order.begin() + held);
  split.training.assign(order.begin() + held, order.end());
  std::sort(split.validation.begin(), split.validation.end());
  std::sort(split.training.begin(), split.training.end());
  return split;
}

std::vector<ops::ParameterSpec> trainingParameterSpecs(const TrainingDefaults& defaults) {
  const std::string items = defaults.items.empty() ? std::string("items") : defaults.items;
  const std::string batchNote = defaults.items.empty() ? "; this node has no split: keep 0" : "";
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
      ops::floatParameter("validation_fraction", 0.0,
                          "hold out this fraction of the " + items +
                              " (seeded split) and report the loss and metrics on them after every epoch (0: none)")
          .range(0, 0.9),
      ops::intParameter("patience", 0,
                        "stop after this many epochs without a better validation loss (0: never; needs a validation "
                        "fraction)")
          .range(0, 1000000),
      ops::floatParameter("min_delta", 0.0, "a validation loss counts as better when lower than the best by more")
          .atLeast(0),
      ops::boolParameter("restore_best", true, "end with the parameters of the best validation epoch"),
      ops::intParameter("batch_size", 0,
                        "mini-batches of this many " + items + ", one step each (0: the full batch)" + batchNote)
          .atLeast(0),
      ops::intParameter("threads", 0,
                        "LibTorch threads for this training (0: automatic, 1 for small problems); this node's "
                        "thread only")
          .range(0, 256),
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
  options.patience = static_cast<int>(integerOr(parameters, "patience", 0));
  options.minImprovement = realOr(parameters, "min_delta", 0);
  options.restoreBest = !parameters.has("restore_best") || parameters.flag("restore_best");
  return options;
}

ops::OperatorOutputs runTrainingNode(const TrainingNodeSetup& setup, const ops::ParameterValues& parameters,
                                     ops::RunContext& context) {
  const TrainingContext* hooks = context.training();
  TrainingObserver* observer = hooks ? hooks->observer : nullptr;
  const PauseGate* pause = hooks ? hooks->pause : nullptr;
  const std::string fix = "check the training parameters of node \"" + context.nodeId() + "\"";

  // Validation split and mini-batches over the node's items.
  const double validationFraction = realOr(parameters, "validation_fraction", 0);
  const std::int64_t batchSize = integerOr(parameters, "batch_size", 0);
  const std::int64_t patience = integerOr(parameters, "patience", 0);
  const bool subsets = validationFraction > 0 || batchSize > 0;
  if (subsets && !setup.lossOn)
    throw InputError({}, "this training node (" + setup.operatorId + ") defines no validation split or mini-batches",
                     "set validation_fraction and batch_size to 0");
  if (batchSize > 0 && !setup.batches)
    throw InputError({}, "this training node (" + setup.operatorId + ") trains on the full batch only",
                     "set batch_size to 0");
  if (patience > 0 && validationFraction <= 0)
    throw InputError({}, "early stopping (patience " + std::to_string(patience) + ") needs a validation split",
                     "set validation_fraction > 0, or patience to 0");
  if (validationFraction > 0 && !setup.evaluateOn)
    throw std::logic_error(setup.operatorId + ": lossOn without evaluateOn");
  TrainerOptions options = trainerOptionsFrom(parameters);
  ItemSplit split;
  try {
    split = splitItems(subsets ? setup.itemCount : 0, validationFraction, options.seed);
  } catch (const std::invalid_argument& error) {
    throw InputError({}, error.what(), fix);
  }
  BatchPlan batches(split.training, batchSize, options.seed);
  options.stepsPerEpoch = subsets ? batches.batchesPerEpoch() : 1;
  const at::Tensor trainingItems = indexTensor(split.training), validationItems = indexTensor(split.validation);

  LossClosure loss = setup.loss;
  if (!subsets && !loss && setup.lossOn) {  // an operator may give only lossOn: the full batch is all its items
    std::vector<std::int64_t> all(static_cast<std::size_t>(std::max<std::int64_t>(0, setup.itemCount)));
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i);
    loss = [&setup, items = indexTensor(all)](const StepContext& step) { return setup.lossOn(items, step); };
  }
  if (!loss) throw std::logic_error(setup.operatorId + ": a training node needs a loss closure");
  if (subsets)
    loss = [&setup, &batches](const StepContext& step) {
      if (step.cancel) step.cancel->throwIfCancelled();
      return setup.lossOn(batches.batch(step.epoch, step.stepInEpoch), step);
    };

  // Threads: this thread only, for the whole node (the before/after evaluations too).
  std::int64_t threads = integerOr(parameters, "threads", 0);
  if (threads <= 0)
    threads = setup.elementsPerStep > 0 && setup.elementsPerStep < kParallelElementsPerStep ? 1 : omp_get_max_threads();
  ScopedTrainingThreads threadScope(static_cast<int>(threads));

  std::unique_ptr<Trainer> trainer;
  try {
    trainer = std::make_unique<Trainer>(setup.module, loss, options);
  } catch (const std::invalid_argument& error) {
    throw InputError({}, error.what(), fix);
  }
  if (setup.traces) trainer->setTracer(setup.traces);
  if (!split.validation.empty())
    trainer->setValidationMetrics(
        [&setup, validationItems](const StepContext&) { return setup.evaluateOn(validationItems); });

  // Before and after: on all items (setup.evaluate), plus validation_<name> rows on the held-out items.
  auto evaluateAll = [&] {
    torch::NoGradGuard noGrad;
    std::map<std::string, double> values = setup.evaluate();
    if (!split.validation.empty())
      for (const auto& [name, value] : setup.evaluateOn(validationItems)) values["validation_" + name] = value;
    return values;
  };

  // What the split depends on: a resume must use the same one.
  const Json splitJson = {{"validation_fraction", validationFraction}, {"batch_size", batchSize},
                          {"split_seed", subsets ? options.seed : 0}};
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
    const Json savedSplit = json.value("split", Json{{"validation_fraction", 0.0}, {"batch_size", 0}, {"split_seed", 0}});
    if (savedSplit != splitJson)
      throw InputError({resumeFrom},
                       "the checkpoint was trained with another validation split or batch size (" + savedSplit.dump() +
                           ") than this node's (" + splitJson.dump() + ")",
                       "resume with the validation_fraction, batch_size and seed the checkpoint was written with");
    before = mapFrom(json.at("before"));
    for (const auto& row : json.at("log")) rows.push_back(logRowFrom(row));
  } else {
    before = evaluateAll();
  }

  const std::int64_t firstStep = trainer->step();
  if (observer) {
    TrainingStart start{firstStep, trainer->totalSteps(), setup.traceNames};
    start.threads = static_cast<int>(threads);
    start.stepsPerEpoch = options.stepsPerEpoch;
    start.validationItems = static_cast<std::int64_t>(split.validation.size());
    start.itemName = setup.itemName;
    observer->trainingStarted(context.nodeId(), start);
  }
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
    if (subsets) saved["split"] = splitJson;
    for (const auto& row : rows) saved["log"].push_back(toJson(row));
    checkpointPath = context.resolveOutputPath(path);
    trainer->saveCheckpoint(checkpointPath, saved.dump());
  }
  if (const auto& path = parameters.text("log"); !path.empty()) io::writeTable(log, context.resolveOutputPath(path));
  if (result.status == TrainingStatus::Cancelled) throw Cancelled();

  const std::map<std::string, double> after = evaluateAll();
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

std::map<std::string, double> stepValues(const StepOutput& step) {
  std::map<std::string, double> values = step.metrics;
  values["loss"] = step.loss.item<double>();
  for (const auto& [name, value] : step.components) values[name] = value;
  return values;
}

void setItemwiseObjective(TrainingNodeSetup& setup, std::string itemName, std::int64_t itemCount,
                          std::function<StepOutput(const at::Tensor& items)> evaluateOn,
                          std::function<void()> checkCancelled) {
  setup.itemName = std::move(itemName);
  setup.itemCount = itemCount;
  setup.batches = true;
  setup.loss = [evaluateOn, checkCancelled](const StepContext&) {
    checkCancelled();
    return evaluateOn(at::Tensor());
  };
  setup.evaluate = [evaluateOn] { return stepValues(evaluateOn(at::Tensor())); };
  setup.lossOn = [evaluateOn](const at::Tensor& items, const StepContext&) { return evaluateOn(items); };
  setup.evaluateOn = [evaluateOn](const at::Tensor& items) { return stepValues(evaluateOn(items)); };
}

}  // namespace diffbio::train

// sc.soft_kmeans: the soft k-means clustering of seed 004 ("Clustering (soft k-means, ...)") as a training node
// (category Training, run through train::runTrainingNode like sc.parametric_umap and train.de_labels).
//
// On an embedding (usually X_pca, optionally its first n_dims columns): centroids start at k-means++ rows drawn
// with the node's seed, then the expected within-cluster squared distance
//   loss = mean_i sum_k a_ik ||x_i - c_k||^2,   a_ik = softmax_k(-||x_i - c_k||^2 / T)
// is minimised over the centroids (and log T when learn_temperature is on; the loss itself favours T -> 0, so the
// temperature is fixed by default and sets how soft the reported assignments are). Outputs, besides the standard
// metrics/log/model: hard labels (argmax), the assignment matrix and the centroids.
#include <ATen/ATen.h>
#include <torch/utils.h>

#include <nlohmann/json.hpp>

#include "core/ops/registry.h"
#include "core/ops/singlecell/differentiable_sc_modules.h"
#include "core/ops/singlecell/differentiable_sc_operators.h"
#include "core/singlecell/cell_values.h"
#include "core/train/training_operator.h"
#include "core/util/error.h"

namespace diffbio::ops {

namespace {

constexpr const char* kOperatorId = "sc.soft_kmeans";

at::Tensor toTensor(const Eigen::MatrixXd& m, Eigen::Index columns) {
  at::Tensor t = at::empty({m.rows(), columns}, at::kDouble);
  auto a = t.accessor<double, 2>();
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < columns; ++j) a[i][j] = m(i, j);
  return t;
}

class SoftKMeansOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& embedding = in.get<sc::CellEmbedding>("embedding");
    const std::int64_t k = p.integer("n_clusters");
    const Eigen::Index n = embedding.values.rows();
    if (n < k)
      throw InputError({}, std::to_string(n) + " cells cannot form " + std::to_string(k) + " clusters",
                       "lower n_clusters");
    if (embedding.values.cols() < 1 || !embedding.values.allFinite())
      throw InputError({}, "the embedding is empty or holds non-finite values", "connect a PCA or UMAP embedding");
    const Eigen::Index dims = p.integer("n_dims") > 0 ? std::min<Eigen::Index>(p.integer("n_dims"), embedding.values.cols())
                                                      : embedding.values.cols();
    const at::Tensor x = toTensor(embedding.values, dims);
    const double temperature = p.real("temperature");
    const bool learnTemperature = p.flag("learn_temperature");
    const auto seed = static_cast<std::uint64_t>(p.integer("seed"));
    const std::vector<std::int64_t> initial = kmeansPlusPlus(x, k, seed);
    auto model = std::make_shared<SoftKMeansImpl>(x.index_select(0, at::tensor(initial, at::kLong)), temperature,
                                                  learnTemperature);

    auto evaluate = [x, model]() {
      const at::Tensor d2 = model->squaredDistances(x);
      const at::Tensor a = at::softmax(-d2 / model->temperature(), 1);
      train::StepOutput step;
      step.loss = (a * d2).sum(1).mean();
      step.metrics["temperature"] = model->temperature().item<double>();
      // k-means' own objective at the hard labels, and how decided the soft assignments are.
      step.metrics["hard_within_ss"] = std::get<0>(d2.min(1)).mean().item<double>();
      step.metrics["mean_max_assignment"] = std::get<0>(a.max(1)).mean().item<double>();
      return step;
    };
    train::TrainingNodeSetup setup;
    setup.operatorId = kOperatorId;
    setup.module = model;
    setup.loss = [evaluate, &context](const train::StepContext&) {
      context.checkCancelled();
      return evaluate();
    };
    setup.evaluate = [evaluate] {
      torch::NoGradGuard noGrad;
      const train::StepOutput step = evaluate();
      std::map<std::string, double> values = step.metrics;
      values["loss"] = step.loss.item<double>();
      return values;
    };
    setup.traceNames = {"temperature"};
    setup.traces = [model] { return std::map<std::string, double>{{"temperature", model->temperature().item<double>()}}; };
    const nlohmann::json problem = {{"cells", n},
                                    {"dims", dims},
                                    {"input_sum", embedding.values.leftCols(dims).sum()},
                                    {"n_clusters", k},
                                    {"temperature", temperature},
                                    {"learn_temperature", learnTemperature}};
    setup.problem = problem.dump();
    OperatorOutputs outputs = train::runTrainingNode(setup, p, context);

    torch::NoGradGuard noGrad;
    const at::Tensor a = model->assignments(x).contiguous();
    const at::Tensor hard = a.argmax(1).contiguous();
    const at::Tensor c = model->centroids().detach().contiguous();
    sc::CellLabels labels;
    labels.name = "soft_kmeans";
    labels.cells = embedding.cells;
    for (std::int64_t cluster = 0; cluster < k; ++cluster) labels.levels.push_back(std::to_string(cluster));
    const std::int64_t* h = hard.data_ptr<std::int64_t>();
    for (Eigen::Index i = 0; i < n; ++i) labels.codes.push_back(static_cast<std::int32_t>(h[i]));
    data::Table assignments(embedding.cells);
    assignments.indexName = "barcode";
    data::Table centroids(labels.levels);
    centroids.indexName = "cluster";
    for (std::int64_t cluster = 0; cluster < k; ++cluster) {
      const at::Tensor column = a.select(1, cluster).contiguous();
      assignments.addColumn(data::Column("p_" + std::to_string(cluster),
                                         std::vector<double>(column.data_ptr<double>(), column.data_ptr<double>() + n)));
    }
    for (Eigen::Index d = 0; d < dims; ++d) {
      const at::Tensor column = c.select(1, d).contiguous();
      centroids.addColumn(data::Column("dim_" + std::to_string(d + 1),
                                       std::vector<double>(column.data_ptr<double>(), column.data_ptr<double>() + k)));
    }
    data::Table table = sc::labelTable(labels);
    outputs["labels"] = Value::make(PortType::Labels, std::move(labels));
    outputs["table"] = Value::make(PortType::Table, std::move(table));
    outputs["assignments"] = Value::make(PortType::Table, std::move(assignments));
    outputs["centroids"] = Value::make(PortType::Table, std::move(centroids));
    return outputs;
  }
};

}  // namespace

void registerSoftKMeansOperator(Registry& registry) {
  OperatorSpec spec{
      kOperatorId, "Soft k-means", train::kTrainingCategory,
      "Seed 004's soft k-means: learnable centroids (k-means++ start from the seed) and a temperature; soft "
      "assignments softmax(-||x - c||^2 / T); trained through the trainer on the expected within-cluster squared "
      "distance. Outputs hard labels (argmax), the assignment matrix and the centroids. Metrics: loss, k-means' "
      "within-cluster sum of squares per cell at the hard labels, the mean largest assignment.",
      {{"embedding", PortType::Embedding, true, "cells x dimensions, usually X_pca"}},
      train::trainingOutputSpecs(),
      {intParameter("n_clusters", 8, "number of clusters k").range(1, 10000),
       intParameter("n_dims", 0, "use the first n dimensions (0: all)").atLeast(0),
       floatParameter("temperature", 1.0, "softness T, in squared embedding units").range(1e-6, 1e6).logarithmic(),
       boolParameter("learn_temperature", false, "also learn T (the loss drives it towards 0)")}};
  spec.outputs.push_back({"labels", PortType::Labels, true, "hard cluster per cell (largest assignment)"});
  spec.outputs.push_back({"table", PortType::Table, true, "barcode, soft_kmeans"});
  spec.outputs.push_back({"assignments", PortType::Table, true, "cells x clusters: soft assignments p_0 ... p_(k-1)"});
  spec.outputs.push_back({"centroids", PortType::Table, true, "clusters x dimensions: the learnt centroids"});
  for (auto& parameter : train::trainingParameterSpecs({"adam", 0.1, 200, "constant"}))
    spec.parameters.push_back(std::move(parameter));
  registry.registerOperator(std::move(spec), [] { return std::make_unique<SoftKMeansOp>(); });
}

}  // namespace diffbio::ops

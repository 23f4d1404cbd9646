// sc.parametric_umap: the seed's parametric UMAP as a training node (training_operator.h). The network maps each
// cell's PCA coordinates to 2-D; each training step embeds every training cell, takes every directed edge of the
// fuzzy simplicial set once (attraction weighted by membership strength) with fresh negative samples from the
// trainer's generator, and makes one optimiser update: one step is one epoch over the edge set. (The convention's
// runTrainingNode runs one step per epoch; the whole-graph step is also the cheapest per epoch, since each cell is
// embedded once rather than once per edge it touches.)
//
// sc.parametric_umap_embed: applies the trained network to other cells — either their coordinates in the training
// PCA space, or their log-normalised values projected onto the training PCA here (parametric_umap.h).
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/utils.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/io/loaded_counts.h"
#include "core/ops/registry.h"
#include "core/ops/singlecell/parametric_umap.h"
#include "core/ops/singlecell/parametric_umap_module.h"
#include "core/singlecell/cell_values.h"
#include "core/singlecell/metrics.h"
#include "core/train/training_operator.h"
#include "core/util/error.h"

namespace diffbio::ops {

namespace {

constexpr int kTrustworthinessK = 15;
constexpr Eigen::Index kTrustworthinessCells = 1000;  // O(n^2): evaluated on at most this many cells

Eigen::MatrixXd toEigen(const at::Tensor& tensor) {
  const at::Tensor t = tensor.detach().to(at::kDouble).contiguous();
  Eigen::MatrixXd out(t.size(0), t.size(1));
  const double* data = t.data_ptr<double>();
  for (Eigen::Index i = 0; i < out.rows(); ++i)
    for (Eigen::Index j = 0; j < out.cols(); ++j) out(i, j) = data[i * out.cols() + j];
  return out;
}

at::Tensor toTensor(const Eigen::MatrixXd& matrix) {
  at::Tensor t = at::empty({matrix.rows(), matrix.cols()}, at::kDouble);
  double* data = t.data_ptr<double>();
  for (Eigen::Index i = 0; i < matrix.rows(); ++i)
    for (Eigen::Index j = 0; j < matrix.cols(); ++j) data[i * matrix.cols() + j] = matrix(i, j);
  return t;
}

// Every stride-th cell, at most kTrustworthinessCells of them (deterministic, no generator).
std::vector<Eigen::Index> evaluationCells(Eigen::Index n) {
  const Eigen::Index stride = (n + kTrustworthinessCells - 1) / kTrustworthinessCells;
  std::vector<Eigen::Index> rows;
  for (Eigen::Index i = 0; i < n; i += stride) rows.push_back(i);
  return rows;
}

Eigen::MatrixXd rowsOf(const Eigen::MatrixXd& m, const std::vector<Eigen::Index>& rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), m.cols());
  for (std::size_t r = 0; r < rows.size(); ++r) out.row(static_cast<Eigen::Index>(r)) = m.row(rows[r]);
  return out;
}

class ParametricUmapOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& pca = in.get<sc::CellEmbedding>("embedding");
    const auto& graph = in.get<sc::NeighbourGraph>("graph");
    if (pca.cells != graph.cells || graph.graph.nCells != pca.values.rows())
      throw InputError({}, "the embedding and the neighbour graph describe different cells",
                       "connect the PCA and the neighbour graph computed from it");
    const Eigen::Index n = pca.values.rows();
    if (n < 2) throw InputError({}, "parametric UMAP needs at least 2 cells", "give more cells");
    if (graph.graph.nEdges() == 0)
      throw InputError({}, "the neighbour graph has no edges", "compute neighbours with n_neighbors >= 2");
    const Eigen::Index dims =
        p.integer("n_dims") > 0 ? std::min<Eigen::Index>(pca.values.cols(), p.integer("n_dims")) : pca.values.cols();
    if (dims < 1) throw InputError({}, "the embedding has no dimensions", "connect a PCA embedding");
    const Eigen::MatrixXd x = pca.values.leftCols(dims);

    pumap::NetworkShape shape;
    shape.inputs = static_cast<int>(dims);
    shape.hidden = pumap::parseHiddenLayers(p.text("hidden_layers"));
    shape.outputs = 2;
    const double minDist = p.real("min_dist"), spread = p.real("spread");
    if (!(minDist < spread))
      throw InputError({}, "min_dist must be below spread", "e.g. min_dist 0.5 with spread 1 (scanpy's defaults)");
    const sc::UmapCurve curve = sc::findAbParams(spread, minDist);
    const int negativeRate = static_cast<int>(p.integer("negative_sample_rate"));
    const double repulsion = p.real("repulsion_strength");
    const auto seed = static_cast<std::uint64_t>(p.integer("seed"));

    // Inputs scaled to unit root-mean-square through the first layer's initial weights (see UmapNetwork).
    const double rms = std::sqrt(x.squaredNorm() / static_cast<double>(x.size()));
    const double inputScale = rms > 0 && std::isfinite(rms) ? 1.0 / rms : 1.0;
    auto network = std::make_shared<pumap::UmapNetwork>(shape, inputScale, seed, at::kFloat);
    const at::Tensor inputs = toTensor(x).to(at::kFloat);
    const pumap::EdgeTensors edges = pumap::directedEdges(graph.graph, at::kFloat);

    auto stepLoss = [=](at::Generator generator) {
      const at::Tensor negatives = pumap::sampleNegatives(n, edges.size(), negativeRate, generator);
      const pumap::UmapLoss loss =
          pumap::umapCrossEntropy(network->forward(inputs), edges, negatives, curve, repulsion);
      train::StepOutput out;
      out.loss = loss.total;
      out.components["attraction"] = loss.attraction.item<double>();
      out.components["repulsion"] = loss.repulsion.item<double>();
      return out;
    };

    const std::vector<Eigen::Index> evalRows = evaluationCells(n);
    const Eigen::MatrixXd evalInputs = rowsOf(x, evalRows);
    train::TrainingNodeSetup setup;
    setup.operatorId = pumap::kTrainOperatorId;
    setup.module = network;
    setup.loss = [stepLoss, &context](const train::StepContext& step) {
      context.checkCancelled();
      return stepLoss(step.generator);
    };
    // Before/after: the same negatives both times (a generator of its own), and trustworthiness (k = 15) on at
    // most 1,000 evenly spaced cells.
    setup.evaluate = [=] {
      torch::NoGradGuard noGrad;
      const train::StepOutput step = stepLoss(at::make_generator<at::CPUGeneratorImpl>(seed));
      std::map<std::string, double> values = step.components;
      values["loss"] = step.loss.item<double>();
      if (static_cast<Eigen::Index>(evalRows.size()) > 2 * kTrustworthinessK + 1) {
        const Eigen::MatrixXd embedded = rowsOf(toEigen(network->forward(inputs)), evalRows);
        values["trustworthiness"] = sc::trustworthiness(evalInputs, embedded, kTrustworthinessK);
      }
      return values;
    };
    nlohmann::json hidden = nlohmann::json::array();
    for (int size : shape.hidden) hidden.push_back(size);
    const nlohmann::json problem = {{"cells", n},
                                    {"inputs", dims},
                                    {"input_sum", x.sum()},
                                    {"edges", edges.size()},
                                    {"weight_sum", edges.weightSum},
                                    {"hidden_layers", hidden},
                                    {"min_dist", minDist},
                                    {"spread", spread},
                                    {"negative_sample_rate", negativeRate},
                                    {"repulsion_strength", repulsion}};
    setup.problem = problem.dump();
    OperatorOutputs outputs = train::runTrainingNode(setup, p, context);

    sc::CellEmbedding embedding;
    embedding.name = "X_pumap";
    embedding.cells = pca.cells;
    {
      torch::NoGradGuard noGrad;
      embedding.values = toEigen(network->forward(inputs));
    }
    data::Table table = sc::embeddingTable(embedding, "PUMAP");
    outputs["embedding"] = Value::make(PortType::Embedding, std::move(embedding));
    outputs["table"] = Value::make(PortType::Table, std::move(table));
    return outputs;
  }
};

class ParametricUmapEmbedOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const pumap::Mlp mlp = pumap::mlpFromModel(in.get<train::TrainedModel>("model"));
    const bool hasCoordinates = in.has("embedding");
    const bool hasCounts = in.has("counts") || in.has("reference") || in.has("pca");
    if (hasCoordinates == hasCounts)
      throw InputError({},
                       hasCoordinates ? "both PCA coordinates and counts are connected"
                                      : "neither PCA coordinates nor counts of the cells to embed are connected",
                       "connect either 'embedding' (the cells' coordinates in the training PCA space) or 'counts', "
                       "'reference' and 'pca' (new cells' log-normalised values, the training cells' values and "
                       "the training PCA)");
    sc::CellEmbedding embedding;
    embedding.name = "X_pumap";
    if (hasCoordinates) {
      const auto& coordinates = in.get<sc::CellEmbedding>("embedding");
      embedding.cells = coordinates.cells;
      embedding.values = pumap::applyMlp(mlp, coordinates.values);
    } else {
      if (!in.has("counts") || !in.has("reference") || !in.has("pca"))
        throw InputError({}, "projecting new cells needs 'counts', 'reference' and 'pca' connected",
                         "connect the new cells' log-normalised values, the training cells' values (the PCA "
                         "node's input) and the training PCA");
      const auto& cells = in.get<io::LoadedCounts>("counts").matrix;
      const auto& reference = in.get<io::LoadedCounts>("reference").matrix;
      const auto& pca = in.get<sc::CellEmbedding>("pca");
      if (reference.obsNames() != pca.cells)
        throw InputError({}, "the reference matrix is not the one the PCA was computed from",
                         "connect the PCA node's input counts to 'reference'");
      // The clip of the PCA node upstream, when the PCA comes straight from one.
      double maxValue = p.real("max_value");
      if (const train::TrainingContext* sources = context.training()) {
        const auto source = sources->inputs.find("pca");
        if (source != sources->inputs.end() && source->second.operatorId == "sc.pca")
          maxValue = source->second.parameters.real("max_value");
      }
      const Eigen::MatrixXd projected = pumap::projectOntoPca(reference, cells, pca.genes, pca.loadings, maxValue);
      context.checkCancelled();
      embedding.cells = cells.obsNames();
      embedding.values = pumap::applyMlp(mlp, projected);
    }
    data::Table table = sc::embeddingTable(embedding, "PUMAP");
    return {{"embedding", Value::make(PortType::Embedding, std::move(embedding))},
            {"table", Value::make(PortType::Table, std::move(table))}};
  }
};

}  // namespace

void registerParametricUmapOperators(Registry& registry) {
  OperatorSpec train{
      pumap::kTrainOperatorId, "Parametric UMAP", train::kTrainingCategory,
      "Seed 001's parametric UMAP: an MLP from PCA coordinates to 2-D trained with UMAP's cross-entropy on the "
      "fuzzy simplicial set (attraction on the graph's edges weighted by membership strength, repulsion by "
      "negative sampling; q = 1 / (1 + a d^2b) with a, b fitted from min_dist and spread as umap-learn does). "
      "One epoch is one step over every edge. The trained network (model output, checkpoint) embeds new cells "
      "with sc.parametric_umap_embed. Metrics: loss and its parts, trustworthiness (k = 15, at most 1,000 cells).",
      {{"embedding", PortType::Embedding, true, "PCA coordinates of the training cells"},
       {"graph", PortType::CellGraph, true, "their neighbour graph (fuzzy simplicial set)"}},
      train::trainingOutputSpecs(),
      {stringParameter("hidden_layers", "100,100,100",
                       "sizes of the hidden ReLU layers, comma-separated (umap-learn ParametricUMAP's encoder)"),
       intParameter("n_dims", 0, "use the first n PCA dimensions as input (0: all)").atLeast(0),
       floatParameter("min_dist", 0.5, "how tightly points may pack").range(0, 10),
       floatParameter("spread", 1.0, "scale of the embedded points").range(1e-3, 100),
       intParameter("negative_sample_rate", 5, "negative samples per edge and epoch").range(1, 100),
       floatParameter("repulsion_strength", 1.0, "weight of the repulsive term").range(0, 100)}};
  train.outputs.push_back({"embedding", PortType::Embedding, true, "X_pumap: the training cells embedded"});
  train.outputs.push_back({"table", PortType::Table, true, "barcode, PUMAP1, PUMAP2"});
  for (auto& parameter : train::trainingParameterSpecs({"adam", 1e-3, 500, "constant"}))
    train.parameters.push_back(std::move(parameter));
  registry.registerOperator(std::move(train), [] { return std::make_unique<ParametricUmapOp>(); });

  registry.registerOperator(
      {pumap::kEmbedOperatorId, "Parametric UMAP: embed cells", "Single-cell",
       "Applies a network trained by sc.parametric_umap to cells, e.g. cells that were not in training. Give "
       "either their coordinates in the training PCA space, or their log-normalised values together with the "
       "training cells' values and the training PCA: the new cells are then scaled with the training genes' means "
       "and standard deviations, clipped and centred as the PCA node did, and projected onto its loadings.",
       {{"model", PortType::Model, true, "the model output of a parametric UMAP node"},
        {"embedding", PortType::Embedding, false, "the cells' coordinates in the training PCA space"},
        {"counts", PortType::Counts, false, "the new cells' log-normalised values"},
        {"reference", PortType::Counts, false, "the training cells' log-normalised values (the PCA node's input)"},
        {"pca", PortType::Embedding, false, "the training PCA (its genes and loadings)"}},
       {{"embedding", PortType::Embedding, true, "X_pumap: the cells embedded"},
        {"table", PortType::Table, true, "barcode, PUMAP1, PUMAP2"}},
       {floatParameter("max_value", 10, "clip of the scaled values (taken from the PCA node when connected to one)")
            .atLeast(0)}},
      [] { return std::make_unique<ParametricUmapEmbedOp>(); });
}

}  // namespace diffbio::ops

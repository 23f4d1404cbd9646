#include "core/ops/singlecell/parametric_umap.h"

#include <ATen/ATen.h>

#include <cmath>
#include <random>
#include <unordered_map>

#include "core/ops/singlecell/parametric_umap_module.h"
#include "core/singlecell/scale.h"
#include "core/singlecell/sparse_stats.h"
#include "core/util/error.h"

namespace diffbio::pumap {

// ---- plain numbers -------------------------------------------------------------------------------------------

std::vector<int> parseHiddenLayers(const std::string& text) {
  std::vector<int> sizes;
  std::string field;
  auto flush = [&](bool last) {
    std::string trimmed;
    for (char c : field)
      if (c != ' ' && c != '\t') trimmed += c;
    field.clear();
    if (trimmed.empty()) {
      if (last && sizes.empty()) return;  // "" = no hidden layer
      throw InputError({}, "hidden_layers \"" + text + "\" has an empty entry", "write sizes like 256,256");
    }
    std::size_t used = 0;
    long value = 0;
    try {
      value = std::stol(trimmed, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != trimmed.size() || value < 1 || value > 100000)
      throw InputError({}, "hidden_layers \"" + text + "\": \"" + trimmed + "\" is not a layer size from 1 to 100000",
                       "write sizes like 256,256");
    sizes.push_back(static_cast<int>(value));
  };
  for (char c : text) {
    if (c == ',') flush(false);
    else field += c;
  }
  flush(true);
  return sizes;
}

Mlp mlpFromModel(const train::TrainedModel& model) {
  if (model.operatorId != kTrainOperatorId)
    throw InputError({}, "the model was trained by " + model.operatorId + ", not by " + kTrainOperatorId,
                     "connect the model output of a parametric UMAP node");
  std::unordered_map<std::string, const train::TrainedTensor*> byName;
  for (const auto& tensor : model.tensors) byName[tensor.name] = &tensor;
  Mlp mlp;
  for (std::size_t layer = 0;; ++layer) {
    const auto weight = byName.find("weight" + std::to_string(layer));
    const auto bias = byName.find("bias" + std::to_string(layer));
    if (weight == byName.end() && bias == byName.end()) break;
    if (weight == byName.end() || bias == byName.end() || weight->second->shape.size() != 2 ||
        bias->second->shape.size() != 1 || bias->second->shape[0] != weight->second->shape[0] ||
        (layer > 0 && weight->second->shape[1] != mlp.weights.back().rows()))
      throw InputError({}, "layer " + std::to_string(layer) + " of the parametric UMAP model is malformed",
                       "train the model again");
    const auto rows = weight->second->shape[0], cols = weight->second->shape[1];
    Eigen::MatrixXd w(rows, cols);
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < cols; ++c) w(r, c) = weight->second->values[r * cols + c];
    mlp.weights.push_back(std::move(w));
    mlp.biases.push_back(Eigen::Map<const Eigen::VectorXd>(bias->second->values.data(), rows));
  }
  if (mlp.weights.empty())
    throw InputError({}, "the parametric UMAP model has no layers", "train the model again");
  return mlp;
}

Eigen::MatrixXd applyMlp(const Mlp& mlp, const Eigen::MatrixXd& inputs) {
  if (inputs.cols() < mlp.inputs())
    throw InputError({},
                     "the network takes " + std::to_string(mlp.inputs()) + " input dimensions but the cells have " +
                         std::to_string(inputs.cols()),
                     "give the new cells the same number of PCA components the network was trained on");
  // Rows are cells: h <- relu(h W^T + b), no ReLU after the last layer.
  Eigen::MatrixXd h = inputs.leftCols(mlp.inputs());
  for (std::size_t l = 0; l < mlp.weights.size(); ++l) {
    Eigen::MatrixXd next = h * mlp.weights[l].transpose();
    next.rowwise() += mlp.biases[l].transpose();
    if (l + 1 < mlp.weights.size()) next = next.cwiseMax(0.0);
    h = std::move(next);
  }
  return h;
}

namespace {
std::vector<std::int64_t> geneIndices(const data::CountMatrix& matrix, const std::vector<std::string>& genes,
                                      const std::string& what) {
  std::unordered_map<std::string, std::int64_t> index;
  for (std::size_t g = 0; g < matrix.geneNames().size(); ++g)
    index.emplace(matrix.geneNames()[g], static_cast<std::int64_t>(g));
  std::vector<std::int64_t> out;
  out.reserve(genes.size());
  for (const auto& gene : genes) {
    const auto found = index.find(gene);
    if (found == index.end())
      throw InputError({}, "gene \"" + gene + "\" of the training PCA is missing from " + what,
                       "give matrices with every gene the PCA was computed from (same gene names)");
    out.push_back(found->second);
  }
  return out;
}
}  // namespace

Eigen::MatrixXd projectOntoPca(const data::CountMatrix& reference, const data::CountMatrix& cells,
                               const std::vector<std::string>& genes, const Eigen::MatrixXd& loadings,
                               double maxValue) {
  if (genes.empty() || loadings.rows() != static_cast<Eigen::Index>(genes.size()))
    throw InputError({}, "the PCA has no gene loadings to project with",
                     "connect the embedding output of a PCA node (sc.pca)");
  const auto referenceGenes = geneIndices(reference, genes, "the reference (training) matrix");
  const auto cellGenes = geneIndices(cells, genes, "the new cells' matrix");

  // The reference's scaling, exactly as sc::scaleGenes computes it, and the column centres sc::pca subtracts
  // (means of the clipped scaled values, accumulated in double).
  const sc::GeneMoments moments = sc::geneMeanVariance(reference.selectGenes(referenceGenes));
  const std::size_t m = genes.size();
  std::vector<double> sd(m);
  for (std::size_t g = 0; g < m; ++g) {
    sd[g] = std::sqrt(moments.variance[g]);
    if (sd[g] == 0) sd[g] = 1;
  }
  sc::ScaleOptions scale;
  scale.maxValue = maxValue;
  const sc::DenseF scaledReference = sc::scaleGenes(reference, referenceGenes, scale);
  Eigen::VectorXd centre = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(m));
  for (Eigen::Index i = 0; i < scaledReference.rows(); ++i) centre += scaledReference.row(i).transpose().cast<double>();
  centre /= static_cast<double>(std::max<Eigen::Index>(1, scaledReference.rows()));

  // The new cells scaled with the reference's statistics, in float as sc::scaleGenes does.
  const data::CountMatrix subset = cells.selectGenes(cellGenes);
  const auto n = subset.nObs();
  sc::DenseF scaled(n, static_cast<Eigen::Index>(m));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::size_t g = 0; g < m; ++g) scaled(i, g) = static_cast<float>(-moments.mean[g] / sd[g]);
  if (subset.isSparse()) {
    const auto& csr = subset.csr();
    for (std::int64_t i = 0; i < n; ++i)
      for (auto p = csr.indptr[i]; p < csr.indptr[i + 1]; ++p) {
        const auto g = csr.indices[p];
        scaled(i, g) = static_cast<float>((csr.values[p] - moments.mean[g]) / sd[g]);
      }
  } else {
    const auto& d = subset.dense();
    for (std::int64_t i = 0; i < n; ++i)
      for (std::size_t g = 0; g < m; ++g) scaled(i, g) = static_cast<float>((d(i, g) - moments.mean[g]) / sd[g]);
  }
  if (maxValue > 0) scaled = scaled.cwiseMin(static_cast<float>(maxValue));
  Eigen::MatrixXd centred = scaled.cast<double>();
  centred.rowwise() -= centre.transpose();
  return centred * loadings;
}

// ---- the network and the loss ---------------------------------------------------------------------------------

UmapNetwork::UmapNetwork(const NetworkShape& shape, double inputScale, std::uint64_t seed, at::ScalarType dtype)
    : shape_(shape) {
  if (shape.inputs < 1 || shape.outputs < 1)
    throw InputError({}, "the network needs at least one input and one output dimension", "check the embedding");
  std::mt19937_64 rng(seed);
  std::vector<int> sizes{shape.inputs};
  sizes.insert(sizes.end(), shape.hidden.begin(), shape.hidden.end());
  sizes.push_back(shape.outputs);
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const int in = sizes[l], out = sizes[l + 1];
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    std::uniform_real_distribution<double> uniform(-bound, bound);
    std::vector<double> w(static_cast<std::size_t>(in) * out), b(out);
    const double scale = l == 0 ? inputScale : 1.0;
    for (auto& value : w) value = uniform(rng) * scale;
    for (auto& value : b) value = uniform(rng);
    at::Tensor weight = at::tensor(w, at::kDouble).view({out, in}).to(dtype);
    at::Tensor bias = at::tensor(b, at::kDouble).to(dtype);
    weights_.push_back(register_parameter("weight" + std::to_string(l), weight));
    biases_.push_back(register_parameter("bias" + std::to_string(l), bias));
  }
}

at::Tensor UmapNetwork::forward(const at::Tensor& inputs) const {
  at::Tensor h = inputs;
  for (std::size_t l = 0; l < weights_.size(); ++l) {
    h = at::addmm(biases_[l], h, weights_[l].t());
    if (l + 1 < weights_.size()) h = at::relu(h);
  }
  return h;
}

EdgeTensors directedEdges(const sc::CellGraph& graph, at::ScalarType dtype) {
  std::vector<std::int64_t> heads, tails;
  std::vector<double> weights;
  heads.reserve(graph.indices.size());
  tails.reserve(graph.indices.size());
  weights.reserve(graph.indices.size());
  double sum = 0;
  for (std::int64_t i = 0; i < graph.nCells; ++i)
    for (auto p = graph.indptr[i]; p < graph.indptr[i + 1]; ++p) {
      if (!(graph.weights[p] > 0)) continue;
      heads.push_back(i);
      tails.push_back(graph.indices[p]);
      weights.push_back(graph.weights[p]);
      sum += graph.weights[p];
    }
  EdgeTensors edges;
  edges.heads = at::tensor(heads, at::kLong);
  edges.tails = at::tensor(tails, at::kLong);
  edges.weights = at::tensor(weights, at::kDouble).to(dtype);
  edges.weightSum = sum;
  return edges;
}

UmapLoss umapCrossEntropy(const at::Tensor& embedding, const EdgeTensors& edges, const at::Tensor& negatives,
                          const sc::UmapCurve& curve, double repulsionStrength) {
  constexpr double kEps = 1e-3;
  const at::Tensor heads = embedding.index_select(0, edges.heads);
  const at::Tensor tails = embedding.index_select(0, edges.tails);
  // a s^b computed as a exp(b log s): s >= eps, so the log is finite.
  const at::Tensor near = (heads - tails).pow(2).sum(1).add(kEps);
  const at::Tensor nearTerm = near.log().mul(curve.b).exp().mul(curve.a);
  UmapLoss loss;
  loss.attraction = (edges.weights * at::log1p(nearTerm)).sum() / edges.weightSum;
  const auto m = negatives.size(1);
  const at::Tensor others = embedding.index_select(0, negatives.reshape({-1})).view({edges.size(), m, -1});
  const at::Tensor far = (heads.unsqueeze(1) - others).pow(2).sum(2).add(kEps);
  const at::Tensor farTerm = far.log().mul(curve.b).exp().mul(curve.a);
  // -log(1 - q) = log(1 + 1 / (a s^b))
  loss.repulsion =
      (edges.weights.unsqueeze(1) * at::log1p(farTerm.reciprocal())).sum() * (repulsionStrength / edges.weightSum);
  loss.total = loss.attraction + loss.repulsion;
  return loss;
}

at::Tensor sampleNegatives(std::int64_t cells, std::int64_t edges, int perEdge, at::Generator generator) {
  return at::randint(cells, {edges, perEdge}, generator, at::TensorOptions().dtype(at::kLong));
}

}  // namespace diffbio::pumap

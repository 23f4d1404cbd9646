#pragma once
// The LibTorch half of parametric UMAP (see parametric_umap.h): the network and UMAP's cross-entropy. Included only
// by the parametric UMAP operator, its test and its benchmark.
//
// Loss, over the directed edges i -> j of the fuzzy simplicial set (both directions of each undirected edge, as
// umap-learn's optimiser visits them) with membership strengths w_ij, and m negative samples k drawn uniformly
// from all cells per edge (umap-learn's negative_sample_rate):
//   s        = ||y_i - y_j||^2 + eps,  q = 1 / (1 + a s^b)         (eps = 0.001, umap-learn's repulsion offset)
//   attract  = sum_ij w_ij (-log q_ij)           = sum w_ij log(1 + a s^b)
//   repulse  = gamma sum_ij w_ij sum_k -log(1 - q_ik) = gamma sum w_ij log(1 + 1 / (a s_ik^b))
//   loss     = (attract + repulse) / sum_ij w_ij
// Weighting each edge's terms by w_ij is the expectation of umap-learn's sampling of edge i -> j with probability
// proportional to w_ij; the 1 - w_ij repulsion of the full cross-entropy is replaced by negative sampling, as in
// umap-learn and Sainburg et al.'s parametric UMAP. eps keeps the gradient of s^b (b < 1) finite at s = 0.
#include <torch/nn/module.h>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/ops/singlecell/parametric_umap.h"
#include "core/singlecell/cell_graph.h"
#include "core/singlecell/umap_layout.h"

namespace diffbio::pumap {

class UmapNetwork : public torch::nn::Module {
 public:
  // Weights drawn from `seed` alone (uniform in +-1/sqrt(fan_in), LibTorch's default scale for linear layers), so
  // the same seed gives the same network whatever LibTorch's global generator did. The first layer's weights are
  // multiplied by inputScale: the network then sees inputs of about unit scale (PCA coordinates are ~10) without a
  // separate normalisation step that a consumer of the weights would have to know about.
  UmapNetwork(const NetworkShape& shape, double inputScale, std::uint64_t seed, at::ScalarType dtype = at::kFloat);
  at::Tensor forward(const at::Tensor& inputs) const;
  const NetworkShape& shape() const { return shape_; }

 private:
  NetworkShape shape_;
  std::vector<at::Tensor> weights_, biases_;  // registered as weight0, bias0, weight1, ...
};

// Directed edges (both directions) of a fuzzy graph, for the loss.
struct EdgeTensors {
  at::Tensor heads, tails;  // int64 [E]
  at::Tensor weights;       // [E], in the requested dtype
  double weightSum = 0;
  std::int64_t size() const { return heads.numel(); }
};
EdgeTensors directedEdges(const sc::CellGraph& graph, at::ScalarType dtype = at::kFloat);

struct UmapLoss {
  at::Tensor total, attraction, repulsion;  // scalars; total = attraction + repulsion
};

// `embedding`: cells x dims; `negatives`: int64 [E, m] cell indices (uniform over all cells).
UmapLoss umapCrossEntropy(const at::Tensor& embedding, const EdgeTensors& edges, const at::Tensor& negatives,
                          const sc::UmapCurve& curve, double repulsionStrength);

// m negatives per edge, uniform over `cells`, from `generator`.
at::Tensor sampleNegatives(std::int64_t cells, std::int64_t edges, int perEdge, at::Generator generator);

}  // namespace diffbio::pumap

#pragma once
// Parametric UMAP (seed 001: "DifferentiableUMAP ... uses a neural projection network (MLP) rather than direct
// coordinate optimization, making the embedding function generalizable to unseen data").
//
// An MLP maps a cell's PCA coordinates to a 2-D point. It is trained (sc.parametric_umap, a training node run by
// train::runTrainingNode) with UMAP's cross-entropy between the fuzzy simplicial set (sc.neighbors) and the
// low-dimensional similarities q = 1 / (1 + a d^(2b)), a and b fitted from min_dist and spread as umap-learn does
// (sc::findAbParams). The trained weights travel as the node's Model output (train::TrainedModel) and are saved in
// its checkpoint; sc.parametric_umap_embed applies them to cells that were not in training, after projecting their
// expression onto the TRAINING PCA (the training genes' means, standard deviations, clip and centre, then the
// loadings).
//
// This header has no LibTorch: applying a trained network and projecting new cells are plain Eigen, so code that
// only embeds needs no tensors. The module and the loss are in parametric_umap_module.h.
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/data/count_matrix.h"
#include "core/train/training_context.h"

namespace diffbio::ops {
class Registry;
// sc.parametric_umap (category Training) and sc.parametric_umap_embed (category Single-cell).
void registerParametricUmapOperators(Registry& registry);
}  // namespace diffbio::ops

namespace diffbio::pumap {

inline constexpr const char* kTrainOperatorId = "sc.parametric_umap";
inline constexpr const char* kEmbedOperatorId = "sc.parametric_umap_embed";

// Layer sizes: inputs -> hidden[0] -> ... -> outputs, ReLU after every hidden layer, linear output.
struct NetworkShape {
  int inputs = 0;
  std::vector<int> hidden;
  int outputs = 2;
};

// "256,256" -> {256, 256}; InputError for anything but positive integers separated by commas (empty: no hidden
// layer, i.e. a linear map).
std::vector<int> parseHiddenLayers(const std::string& text);

// A trained network as plain numbers: layer l computes W_l h + b_l (W_l: outputs x inputs).
struct Mlp {
  std::vector<Eigen::MatrixXd> weights;
  std::vector<Eigen::VectorXd> biases;
  int inputs() const { return weights.empty() ? 0 : static_cast<int>(weights.front().cols()); }
  int outputs() const { return weights.empty() ? 0 : static_cast<int>(weights.back().rows()); }
};

// The network a sc.parametric_umap node learnt (tensors weight0, bias0, weight1, ...). InputError when the model
// comes from another training operator or its tensors do not chain.
Mlp mlpFromModel(const train::TrainedModel& model);

// cells x inputs -> cells x outputs. InputError when `inputs` has fewer columns than the network's input size
// (extra columns are ignored: the network was trained on the leading components).
Eigen::MatrixXd applyMlp(const Mlp& mlp, const Eigen::MatrixXd& inputs);

// The training PCA applied to other cells. sc.pca scales the chosen genes of `reference` (mean, sd with ddof 1, a
// constant gene divided by 1), clips at maxValue, centres the columns and multiplies by the loadings; the same is
// done here to `cells` with the reference's means, sds and column centres. Genes are matched by name;
// InputError names a PCA gene missing from either matrix. Projecting `reference` itself gives its PCA scores.
Eigen::MatrixXd projectOntoPca(const data::CountMatrix& reference, const data::CountMatrix& cells,
                               const std::vector<std::string>& genes, const Eigen::MatrixXd& loadings,
                               double maxValue);

}  // namespace diffbio::pumap

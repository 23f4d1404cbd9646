#pragma once
// The differentiable single-cell steps of seeds 001/004 as LibTorch modules (double parameters):
//
//   SoftHvg     soft highly-variable-gene selection: weight_g = sigmoid((score_g - threshold) / T) on a per-gene
//               score (seurat: normalised dispersion; seurat_v3: standardised variance). threshold and T (as log T)
//               are parameters; as T -> 0 the weights become the hard selection {score > threshold}. forward()
//               multiplies each gene's expression by its weight (cells x genes), for downstream differentiable steps.
//   SoftKMeans  soft k-means: learnable centroids c_k and temperature T (as log T; learnable on request). Soft
//               assignments a_ik = softmax_k(-||x_i - c_k||^2 / T); loss = expected within-cluster squared distance,
//               mean_i sum_k a_ik ||x_i - c_k||^2. As T -> 0 the assignments become nearest-centroid labels and the
//               loss k-means' within-cluster sum of squares / n.
#include <torch/nn/module.h>

#include <cstdint>
#include <random>
#include <vector>

namespace diffbio::ops {

class SoftHvgImpl : public torch::nn::Module {
 public:
  SoftHvgImpl(double threshold, double temperature, bool learnTemperature = true);
  // scores: G (NaN not allowed: the operator maps NaN to 0 as scanpy's selection does) -> G weights in (0, 1).
  at::Tensor weights(const at::Tensor& scores) const;
  // expression: cells x G; returns expression * weights (broadcast over cells).
  at::Tensor forward(const at::Tensor& expression, const at::Tensor& scores) const;
  at::Tensor threshold() const { return threshold_; }
  at::Tensor temperature() const { return logTemperature_.exp(); }

 private:
  at::Tensor threshold_;
  at::Tensor logTemperature_;
};
TORCH_MODULE(SoftHvg);

// The threshold halfway between the n-th largest score and the next smaller distinct score (NaN counted as 0), so
// that as T -> 0 the soft selection keeps the genes with score >= the n-th largest, as scanpy's n_top_genes does.
// n is clamped to [1, G]; with n = G the threshold lies 1 below the smallest score.
double thresholdForTopGenes(const std::vector<double>& scores, std::int64_t n);

class SoftKMeansImpl : public torch::nn::Module {
 public:
  // centroids: K x D (double); temperature > 0.
  SoftKMeansImpl(const at::Tensor& centroids, double temperature, bool learnTemperature = false);
  at::Tensor squaredDistances(const at::Tensor& x) const;  // N x K
  at::Tensor assignments(const at::Tensor& x) const;       // N x K, rows sum to 1
  at::Tensor loss(const at::Tensor& x) const;               // scalar
  at::Tensor centroids() const { return centroids_; }
  at::Tensor temperature() const { return logTemperature_.exp(); }

 private:
  at::Tensor centroids_;
  at::Tensor logTemperature_;
};
TORCH_MODULE(SoftKMeans);

// k-means++ seeding (Arthur & Vassilvitskii): the first centre uniformly at random, each next one drawn with
// probability proportional to the squared distance to the nearest centre chosen so far. x: N x D (double, N >= k).
// Returns the chosen row indices; the same seed always gives the same rows.
std::vector<std::int64_t> kmeansPlusPlus(const at::Tensor& x, std::int64_t k, std::uint64_t seed);

// Lloyd's k-means from the given centres until no label changes (or maxIterations): the hard baseline. Returns the
// labels; `centroids` is updated in place (an emptied cluster keeps its centre).
std::vector<std::int32_t> lloydKMeans(const at::Tensor& x, at::Tensor& centroids, int maxIterations = 300);

}  // namespace diffbio::ops

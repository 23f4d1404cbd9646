#pragma once
// The UMAP layout of a fuzzy graph, following umap-learn 0.5's simplicial_set_embedding:
//   - the curve 1 / (1 + a d^(2b)) fitted to UMAP's target (1 below min_dist, exp(-(d - min_dist) / spread)
//     beyond) by least squares on 300 points in [0, 3 spread], as find_ab_params does with scipy's curve_fit;
//   - spectral initialisation: the eigenvectors 2..dim+1 of the normalised graph Laplacian (Spectra's Lanczos on
//     D^-1/2 A D^-1/2), scaled so the largest coordinate is 10, plus N(0, 1e-4) noise, then each axis mapped to
//     [0, 10]; a disconnected graph gets one spectral layout per component, components placed on a circle;
//   - edges below max weight / n_epochs dropped; every edge sampled every max_weight / weight epochs; attraction
//     -2ab d^(2(b-1)) / (1 + a d^(2b)) and negative_sample_rate repulsions 2 gamma b / ((0.001 + d^2)(1 + a d^(2b)))
//     per sample, gradients clipped at 4, learning rate 1 decreasing linearly to 0.
// Two optimisers of that objective: the default is uwot's batch mode (all cells move at once at the end of each epoch,
// by Adam), parallel over cells and deterministic: the same graph and seed give the same layout bit for bit with any
// number of threads. On pbmc68k_reduced it reaches a higher trustworthiness than umap-learn's one-edge-at-a-time
// order (kept as UmapOptimizer::Sequential, single-threaded and seeded) — see tests/core/singlecell.
#include <cstdint>

#include <Eigen/Core>

#include "core/singlecell/cell_graph.h"

namespace diffbio::sc {

struct UmapCurve {
  double a = 0;
  double b = 0;
};
UmapCurve findAbParams(double spread, double minDist);

enum class UmapOptimizer {
  Sequential,  // umap-learn's order: one edge at a time, single-threaded
  Batch,       // uwot's batch mode with Adam: parallel, the same layout for any thread count
};

struct UmapOptions {
  int dimensions = 2;     // 1 to 16
  double minDist = 0.5;   // scanpy's default
  double spread = 1.0;
  int epochs = 0;         // 0: 500 below 10,000 cells, else 200 (umap-learn)
  int negativeSampleRate = 5;
  double repulsionStrength = 1.0;
  double learningRate = 1.0;
  std::uint64_t seed = 0;
  bool spectralInit = true;  // false: uniform random in [-10, 10]
  UmapOptimizer optimizer = UmapOptimizer::Batch;
};

Eigen::MatrixXd spectralLayout(const CellGraph& graph, int dimensions, std::uint64_t seed);
// cells x dimensions.
Eigen::MatrixXd umapLayout(const CellGraph& graph, const UmapOptions& options = {});

}  // namespace diffbio::sc

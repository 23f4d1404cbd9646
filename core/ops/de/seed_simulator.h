#pragma once
// The synthetic differential-expression experiment of seed 000 ("generate_de_data"), reproducible from a seed:
//   base mean per gene  = exp(N(0,1) * 1.5 + 3)        (log-normal expression levels)
//   the first nDe genes are differentially expressed: treatment mean = base mean * foldChange
//   counts              = Poisson(mean)                 (samples: the first half control, the rest treatment)
// It defeats the usual size-factor estimators on purpose: every DE gene goes up, so median-of-ratios factors are
// biased. Random numbers come from LibTorch's CPU generator, so a seed gives the same data on every platform.
#include <cstdint>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/data/table.h"

namespace diffbio::ops {

struct SeedDeSimulationOptions {
  int nGenes = 2000;
  int nSamples = 100;
  int nDeGenes = 200;
  double foldChange = 2.0;
  std::uint64_t seed = 42;
};

struct SeedDeSimulation {
  data::CountMatrix counts;        // samples x genes, integer counts; samples control_1.., treatment_1..
  data::Table samples;             // row per sample: `condition` (categorical: control, treatment)
  data::Table truth;               // row per gene: `is_de` (bool), `true_log2fc` (float), `base_mean` (float)
  std::vector<bool> isDe;          // same as truth.is_de, for metrics
};

// Throws std::invalid_argument for impossible options (fewer than 2 samples, nDeGenes > nGenes, fold change <= 0).
SeedDeSimulation simulateSeedDeExperiment(const SeedDeSimulationOptions& options = {});

// Precision, recall and F1 of calls against the truth (calls[i] = gene i called significant).
struct DetectionMetrics {
  int truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0;
  double precision = 0, recall = 0, f1 = 0;
};
DetectionMetrics detectionMetrics(const std::vector<bool>& calls, const std::vector<bool>& truth);

}  // namespace diffbio::ops

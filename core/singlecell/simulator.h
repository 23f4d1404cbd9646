#pragma once
// A Splatter-like simulator of single-cell counts (Zappia et al. 2017), seeded and fast enough for benchmarks:
//   gene base means ~ Gamma(meanShape, 1 / meanRate);
//   per group, a gene is differentially expressed with probability deProb, by a factor ~ LogNormal(deLoc, deScale),
//   down-regulated (1 / factor) with probability downProb;
//   per batch, every gene gets a factor ~ LogNormal(batchLoc, batchScale);
//   library sizes ~ LogNormal(libLoc, libScale); counts ~ Poisson(library x the cell's normalised gene profile),
//   drawn as a Poisson total split multinomially (the same distribution, in time proportional to the counts);
//   dropout: each non-zero count is zeroed with probability 1 / (1 + exp(-dropoutShape (log mean - dropoutMid))).
// Each cell has its own random stream derived from (seed, cell), so results do not depend on the thread count.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/data/table.h"

namespace diffbio::sc {

struct SimulationOptions {
  std::int64_t nCells = 1000;
  std::int64_t nGenes = 2000;
  int nGroups = 4;
  int nBatches = 1;
  double meanShape = 0.6, meanRate = 0.3;
  double deProb = 0.1, deLoc = 0.5, deScale = 0.4, downProb = 0.5;
  double batchLoc = 0.1, batchScale = 0.1;
  double libLoc = 8.0, libScale = 0.2;      // e^8 ~ 3,000 counts per cell
  bool dropout = false;
  double dropoutMid = 0.0, dropoutShape = -1.0;
  std::uint64_t seed = 0;
};

struct Simulation {
  data::CountMatrix counts;                // cells x genes, CSR
  std::vector<std::int32_t> group, batch;  // per cell
  data::Table cells;                       // group, batch, library size (per cell)
  data::Table genes;                       // base_mean, is_de_group<k>, de_factor_group<k>
};

Simulation simulateCounts(const SimulationOptions& options);

}  // namespace diffbio::sc

#include "core/singlecell/simulator.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/util/error.h"

namespace diffbio::sc {

namespace {

// Walker's alias table: O(1) draws from a discrete distribution.
class AliasTable {
 public:
  explicit AliasTable(const std::vector<double>& weights) {
    const std::size_t n = weights.size();
    probability_.resize(n);
    alias_.resize(n);
    double total = 0;
    for (double w : weights) total += w;
    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
      scaled[i] = weights[i] * n / total;
      (scaled[i] < 1 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const auto s = small.back(), l = large.back();
      small.pop_back();
      probability_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] -= 1 - scaled[s];
      if (scaled[l] < 1) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (auto i : large) probability_[i] = 1, alias_[i] = i;
    for (auto i : small) probability_[i] = 1, alias_[i] = i;
  }
  template <class Rng>
  std::uint32_t draw(Rng& rng) const {
    const double u = std::generate_canonical<double, 53>(rng) * probability_.size();
    const auto i = std::min(static_cast<std::size_t>(u), probability_.size() - 1);
    return (u - i) < probability_[i] ? static_cast<std::uint32_t>(i) : alias_[i];
  }

 private:
  std::vector<double> probability_;
  std::vector<std::uint32_t> alias_;
};

}  // namespace

Simulation simulateCounts(const SimulationOptions& o) {
  if (o.nCells < 1 || o.nGenes < 1 || o.nGroups < 1 || o.nBatches < 1)
    throw InputError({}, "the simulation needs at least one cell, gene, group and batch", "raise the counts");
  std::mt19937_64 rng(o.seed);
  std::gamma_distribution<double> gamma(o.meanShape, 1.0 / o.meanRate);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> base(o.nGenes);
  for (auto& m : base) m = gamma(rng);

  // Differential expression per group, batch factors per batch.
  std::lognormal_distribution<double> deFactor(o.deLoc, o.deScale), batchFactor(o.batchLoc, o.batchScale);
  std::vector<std::vector<double>> de(o.nGroups, std::vector<double>(o.nGenes, 1.0));
  for (int k = 0; k < o.nGroups; ++k)
    for (std::int64_t g = 0; g < o.nGenes; ++g)
      if (unit(rng) < o.deProb) {
        const double f = deFactor(rng);
        de[k][g] = unit(rng) < o.downProb ? 1.0 / f : f;
      }
  std::vector<std::vector<double>> batchFactors(o.nBatches, std::vector<double>(o.nGenes, 1.0));
  if (o.nBatches > 1)
    for (auto& b : batchFactors)
      for (auto& f : b) f = batchFactor(rng);

  // Normalised profiles per (group, batch) and their alias tables.
  const int profiles = o.nGroups * o.nBatches;
  std::vector<std::vector<double>> profile(profiles);
  std::vector<AliasTable> tables;
  for (int k = 0; k < o.nGroups; ++k)
    for (int b = 0; b < o.nBatches; ++b) {
      auto& p = profile[k * o.nBatches + b];
      p.resize(o.nGenes);
      double total = 0;
      for (std::int64_t g = 0; g < o.nGenes; ++g) total += p[g] = base[g] * de[k][g] * batchFactors[b][g];
      for (auto& v : p) v /= total;
      tables.emplace_back(p);
    }

  Simulation sim;
  sim.group.resize(o.nCells);
  sim.batch.resize(o.nCells);
  std::vector<double> library(o.nCells);
  std::lognormal_distribution<double> lib(o.libLoc, o.libScale);
  for (std::int64_t c = 0; c < o.nCells; ++c) {
    sim.group[c] = static_cast<std::int32_t>(c * o.nGroups / o.nCells);  // equal-sized groups, in order
    sim.batch[c] = static_cast<std::int32_t>(std::min<std::uint64_t>(rng() % o.nBatches, o.nBatches - 1));
    library[c] = lib(rng);
  }

  std::vector<std::vector<std::int32_t>> rowGenes(o.nCells);
  std::vector<std::vector<float>> rowValues(o.nCells);
#pragma omp parallel
  {
    std::vector<std::uint32_t> tally(o.nGenes, 0);
    std::vector<std::uint32_t> touched;
#pragma omp for schedule(dynamic, 64)
    for (std::int64_t c = 0; c < o.nCells; ++c) {
      std::mt19937_64 cellRng(o.seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(c) + 1);
      const int pi = sim.group[c] * o.nBatches + sim.batch[c];
      std::poisson_distribution<std::int64_t> total(library[c]);
      const std::int64_t n = total(cellRng);
      touched.clear();
      for (std::int64_t t = 0; t < n; ++t) {
        const auto g = tables[pi].draw(cellRng);
        if (tally[g]++ == 0) touched.push_back(g);
      }
      std::sort(touched.begin(), touched.end());
      std::uniform_real_distribution<double> u(0.0, 1.0);
      for (auto g : touched) {
        bool keep = true;
        if (o.dropout) {
          const double mean = library[c] * profile[pi][g];
          const double drop = 1.0 / (1.0 + std::exp(-o.dropoutShape * (std::log(mean) - o.dropoutMid)));
          keep = u(cellRng) >= drop;
        }
        if (keep) {
          rowGenes[c].push_back(static_cast<std::int32_t>(g));
          rowValues[c].push_back(static_cast<float>(tally[g]));
        }
        tally[g] = 0;
      }
    }
  }
  data::CsrStorage csr;
  csr.indptr.assign(o.nCells + 1, 0);
  for (std::int64_t c = 0; c < o.nCells; ++c) csr.indptr[c + 1] = csr.indptr[c] + static_cast<std::int64_t>(rowGenes[c].size());
  csr.indices.reserve(csr.indptr.back());
  csr.values.reserve(csr.indptr.back());
  for (std::int64_t c = 0; c < o.nCells; ++c) {
    csr.indices.insert(csr.indices.end(), rowGenes[c].begin(), rowGenes[c].end());
    csr.values.insert(csr.values.end(), rowValues[c].begin(), rowValues[c].end());
    std::vector<std::int32_t>().swap(rowGenes[c]);
    std::vector<float>().swap(rowValues[c]);
  }
  std::vector<std::string> cellNames(o.nCells), geneNames(o.nGenes);
  for (std::int64_t c = 0; c < o.nCells; ++c) cellNames[c] = "Cell" + std::to_string(c + 1);
  for (std::int64_t g = 0; g < o.nGenes; ++g) geneNames[g] = "Gene" + std::to_string(g + 1);
  sim.counts = data::CountMatrix::fromCsr(o.nCells, o.nGenes, std::move(csr), cellNames, geneNames,
                                          data::AssayKind::SingleCell);

  sim.cells = data::Table(cellNames);
  sim.cells.indexName = "cell";
  std::vector<std::string> groupText(o.nCells), batchText(o.nCells);
  for (std::int64_t c = 0; c < o.nCells; ++c) {
    groupText[c] = "Group" + std::to_string(sim.group[c] + 1);
    batchText[c] = "Batch" + std::to_string(sim.batch[c] + 1);
  }
  sim.cells.addColumn(data::Column("group", data::makeCategorical(groupText)));
  sim.cells.addColumn(data::Column("batch", data::makeCategorical(batchText)));
  sim.cells.addColumn(data::Column("library_size", library));
  sim.genes = data::Table(geneNames);
  sim.genes.indexName = "gene";
  sim.genes.addColumn(data::Column("base_mean", base));
  for (int k = 0; k < o.nGroups; ++k) sim.genes.addColumn(data::Column("de_factor_group" + std::to_string(k + 1), de[k]));
  return sim;
}

}  // namespace diffbio::sc

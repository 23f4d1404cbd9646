#include "core/singlecell/hvg_seurat_v3.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "core/singlecell/loess.h"
#include "core/util/error.h"

namespace diffbio::sc {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Calls f(gene, value) for every non-zero entry of row `cell` (sparse or dense storage).
template <typename F>
void forEachNonZero(const data::CountMatrix& m, std::int64_t cell, F&& f) {
  if (m.isSparse()) {
    const auto& csr = m.csr();
    for (auto k = csr.indptr[cell]; k < csr.indptr[cell + 1]; ++k) f(csr.indices[k], static_cast<double>(csr.values[k]));
  } else {
    const auto row = m.dense().row(cell);
    for (Eigen::Index g = 0; g < row.size(); ++g)
      if (row(g) != 0) f(static_cast<std::int32_t>(g), row(g));
  }
}

struct Moments {
  std::vector<double> mean, variance;
};

// Two passes in double (mean, then squared deviations; the implicit zeros counted exactly), ddof 1.
Moments moments(const data::CountMatrix& m, const std::vector<std::int64_t>& cells) {
  const auto genes = static_cast<std::size_t>(m.nGenes());
  const double n = static_cast<double>(cells.size());
  Moments r;
  r.mean.assign(genes, 0.0);
  r.variance.assign(genes, 0.0);
  std::vector<std::int64_t> nonZero(genes, 0);
  for (auto c : cells) forEachNonZero(m, c, [&](std::int32_t g, double v) { r.mean[g] += v; });
  for (auto& v : r.mean) v /= n;
  for (auto c : cells)
    forEachNonZero(m, c, [&](std::int32_t g, double v) {
      r.variance[g] += (v - r.mean[g]) * (v - r.mean[g]);
      ++nonZero[g];
    });
  for (std::size_t g = 0; g < genes; ++g) {
    r.variance[g] += static_cast<double>(static_cast<std::int64_t>(cells.size()) - nonZero[g]) * r.mean[g] * r.mean[g];
    r.variance[g] /= n - 1;
  }
  return r;
}

struct BatchVst {
  std::vector<double> expected, standardised;
};

BatchVst vstOfBatch(const data::CountMatrix& m, const std::vector<std::int64_t>& cells, double span,
                    LoessSurface surface) {
  const Moments mv = moments(m, cells);
  const auto genes = mv.mean.size();
  std::vector<double> logMean, logVar;
  std::vector<std::size_t> varying;
  for (std::size_t g = 0; g < genes; ++g)
    if (mv.variance[g] > 0) {
      varying.push_back(g);
      logMean.push_back(std::log10(mv.mean[g]));
      logVar.push_back(std::log10(mv.variance[g]));
    }
  BatchVst r;
  r.expected.assign(genes, 0.0);
  r.standardised.assign(genes, 0.0);
  if (varying.empty()) return r;
  LoessOptions loess;
  loess.span = span;
  loess.degree = 2;
  loess.surface = surface;
  const std::vector<double> fit = loessFit(logMean, logVar, loess);
  for (std::size_t i = 0; i < varying.size(); ++i) r.expected[varying[i]] = std::pow(10.0, fit[i]);

  // Sum of squared standardised values; stored entries are clipped above at sqrt(n), the zeros are not (their
  // standardised value is negative), as Seurat's SparseRowVarStd and scanpy do.
  const double n = static_cast<double>(cells.size());
  const double vmax = std::sqrt(n);
  std::vector<double> sumSquares(genes, 0.0);
  std::vector<std::int64_t> nonZero(genes, 0);
  std::vector<double> sd(genes, 0.0);
  for (std::size_t g = 0; g < genes; ++g) sd[g] = std::sqrt(r.expected[g]);
  for (auto c : cells)
    forEachNonZero(m, c, [&](std::int32_t g, double v) {
      ++nonZero[g];
      if (sd[g] == 0) return;
      const double z = std::min(vmax, (v - mv.mean[g]) / sd[g]);
      sumSquares[g] += z * z;
    });
  for (std::size_t g = 0; g < genes; ++g) {
    if (sd[g] == 0) continue;
    const double z0 = -mv.mean[g] / sd[g];
    sumSquares[g] += static_cast<double>(static_cast<std::int64_t>(cells.size()) - nonZero[g]) * z0 * z0;
    r.standardised[g] = sumSquares[g] / (n - 1);
  }
  return r;
}

void validate(const data::CountMatrix& counts, const HvgSeuratV3Options& o) {
  if (counts.nGenes() < 1) throw InputError({}, "the matrix has no genes", "give a matrix with genes");
  if (!counts.flags().allFinite || !counts.flags().nonNegative || !counts.flags().allInteger)
    throw InputError({}, "seurat_v3 highly variable genes need raw counts, but the values are not all non-negative "
                         "whole numbers",
                     "connect the raw counts (before normalisation), or use the seurat / cell_ranger flavour on "
                     "log-normalised values");
  if (o.nTopGenes < 1)
    throw InputError({}, "seurat_v3 needs n_top_genes >= 1 (it selects by rank, not by cut-offs)",
                     "set n_top_genes, e.g. 2000");
  if (!o.batches.empty() && o.batches.size() != static_cast<std::size_t>(counts.nObs()))
    throw InputError({}, std::to_string(o.batches.size()) + " batch labels for " + std::to_string(counts.nObs()) +
                             " cells",
                     "give one batch per cell");
  for (auto b : o.batches)
    if (b < 0) throw InputError({}, "negative batch code " + std::to_string(b), "number batches from 0");
}

// numpy.ma.median of the ranks below nTop (NaN when there are none).
double medianRank(std::vector<double> ranks) {
  if (ranks.empty()) return kNaN;
  std::sort(ranks.begin(), ranks.end());
  const auto n = ranks.size();
  return n % 2 ? ranks[n / 2] : (ranks[n / 2 - 1] + ranks[n / 2]) / 2.0;
}

}  // namespace

HvgSeuratV3Result highlyVariableGenesSeuratV3(const data::CountMatrix& counts, const HvgSeuratV3Options& o) {
  validate(counts, o);
  const auto genes = static_cast<std::size_t>(counts.nGenes());
  const auto nTop = static_cast<std::size_t>(std::min<std::int64_t>(o.nTopGenes, counts.nGenes()));

  // Cells of each batch, in cell order.
  std::vector<std::vector<std::int64_t>> batchCells;
  if (o.batches.empty()) {
    batchCells.emplace_back(static_cast<std::size_t>(counts.nObs()));
    std::iota(batchCells[0].begin(), batchCells[0].end(), std::int64_t{0});
  } else {
    batchCells.resize(static_cast<std::size_t>(*std::max_element(o.batches.begin(), o.batches.end())) + 1);
    for (std::size_t c = 0; c < o.batches.size(); ++c) batchCells[o.batches[c]].push_back(static_cast<std::int64_t>(c));
    batchCells.erase(std::remove_if(batchCells.begin(), batchCells.end(), [](const auto& v) { return v.empty(); }),
                     batchCells.end());
  }
  for (std::size_t b = 0; b < batchCells.size(); ++b)
    if (batchCells[b].size() < 2)
      throw InputError({}, "a batch has " + std::to_string(batchCells[b].size()) +
                               " cell(s); seurat_v3 needs at least 2 per batch",
                       "merge small batches or drop the batch key");

  HvgSeuratV3Result r;
  std::vector<std::int64_t> all(static_cast<std::size_t>(counts.nObs()));
  std::iota(all.begin(), all.end(), std::int64_t{0});
  Moments overall = batchCells.size() == 1 ? moments(counts, batchCells[0]) : moments(counts, all);
  r.means = std::move(overall.mean);
  r.variances = std::move(overall.variance);
  r.variancesExpected.assign(genes, 0.0);
  r.variancesNorm.assign(genes, 0.0);
  r.nBatches.assign(genes, 0);
  std::vector<std::vector<double>> variableRanks(genes);
  const double nB = static_cast<double>(batchCells.size());
  for (const auto& cells : batchCells) {
    const BatchVst vst = vstOfBatch(counts, cells, o.span, o.surface);
    std::vector<std::size_t> order(genes);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return vst.standardised[a] > vst.standardised[b]; });
    for (std::size_t rank = 0; rank < nTop; ++rank) {
      ++r.nBatches[order[rank]];
      variableRanks[order[rank]].push_back(static_cast<double>(rank));
    }
    for (std::size_t g = 0; g < genes; ++g) {
      r.variancesExpected[g] += vst.expected[g] / nB;
      r.variancesNorm[g] += vst.standardised[g] / nB;
    }
  }
  r.rank.resize(genes);
  for (std::size_t g = 0; g < genes; ++g) r.rank[g] = medianRank(variableRanks[g]);

  std::vector<std::size_t> order(genes);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (r.nBatches[a] != r.nBatches[b]) return r.nBatches[a] > r.nBatches[b];
    const bool aNaN = std::isnan(r.rank[a]), bNaN = std::isnan(r.rank[b]);
    if (aNaN || bNaN) return !aNaN && bNaN;
    return r.rank[a] < r.rank[b];
  });
  r.highlyVariable.assign(genes, 0);
  for (std::size_t i = 0; i < nTop; ++i) r.highlyVariable[order[i]] = 1;
  return r;
}

}  // namespace diffbio::sc

#include "core/singlecell/qc.h"

#include "core/util/parallel.h"

namespace diffbio::sc {

namespace {
bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

bool isMitochondrialGene(const std::string& name) { return startsWith(name, "MT-") || startsWith(name, "mt-"); }
bool isRibosomalGene(const std::string& name) {
  return startsWith(name, "RPS") || startsWith(name, "RPL") || startsWith(name, "Rps") || startsWith(name, "Rpl");
}

CellQc cellQc(const data::CountMatrix& counts) {
  const auto n = counts.nObs();
  const auto& genes = counts.geneNames();
  std::vector<std::uint8_t> mito(genes.size()), ribo(genes.size());
  for (std::size_t g = 0; g < genes.size(); ++g) {
    mito[g] = isMitochondrialGene(genes[g]);
    ribo[g] = isRibosomalGene(genes[g]);
  }
  CellQc qc;
  qc.totalCounts.assign(n, 0);
  qc.genesDetected.assign(n, 0);
  qc.pctMito.assign(n, 0);
  qc.pctRibo.assign(n, 0);
  auto finish = [&](std::int64_t i, double total, double mt, double rb, std::int64_t detected) {
    qc.totalCounts[i] = total;
    qc.genesDetected[i] = detected;
    qc.pctMito[i] = total > 0 ? 100.0 * mt / total : 0.0;
    qc.pctRibo[i] = total > 0 ? 100.0 * rb / total : 0.0;
  };
  if (counts.isSparse()) {
    const auto& csr = counts.csr();
    parallelFor(0, n, 256, [&](std::int64_t first, std::int64_t last) {  // each cell by one thread: same sums
      for (std::int64_t i = first; i < last; ++i) {
        double total = 0, mt = 0, rb = 0;
        std::int64_t detected = 0;
        for (auto p = csr.indptr[i]; p < csr.indptr[i + 1]; ++p) {
          const double v = csr.values[p];
          const auto g = csr.indices[p];
          total += v;
          detected += v != 0;
          if (mito[g]) mt += v;
          if (ribo[g]) rb += v;
        }
        finish(i, total, mt, rb, detected);
      }
    });
  } else {
    const auto& d = counts.dense();
    for (std::int64_t i = 0; i < n; ++i) {
      double total = 0, mt = 0, rb = 0;
      std::int64_t detected = 0;
      for (std::int64_t g = 0; g < counts.nGenes(); ++g) {
        const double v = d(i, g);
        total += v;
        detected += v != 0;
        if (mito[g]) mt += v;
        if (ribo[g]) rb += v;
      }
      finish(i, total, mt, rb, detected);
    }
  }
  return qc;
}

GeneQc geneQc(const data::CountMatrix& counts) {
  const auto m = counts.nGenes();
  GeneQc qc;
  qc.totalCounts.assign(m, 0);
  qc.cellsDetected.assign(m, 0);
  if (counts.isSparse()) {
    const auto& csr = counts.csr();
    for (std::size_t p = 0; p < csr.values.size(); ++p) {
      qc.totalCounts[csr.indices[p]] += csr.values[p];
      qc.cellsDetected[csr.indices[p]] += csr.values[p] != 0;
    }
  } else {
    const auto& d = counts.dense();
    for (std::int64_t i = 0; i < counts.nObs(); ++i)
      for (std::int64_t g = 0; g < m; ++g) {
        qc.totalCounts[g] += d(i, g);
        qc.cellsDetected[g] += d(i, g) != 0;
      }
  }
  const double n = static_cast<double>(std::max<std::int64_t>(counts.nObs(), 1));
  qc.meanCounts.resize(m);
  qc.pctDropout.resize(m);
  for (std::int64_t g = 0; g < m; ++g) {
    qc.meanCounts[g] = qc.totalCounts[g] / n;
    qc.pctDropout[g] = 100.0 * (1.0 - static_cast<double>(qc.cellsDetected[g]) / n);
  }
  return qc;
}

data::Table cellQcTable(const data::CountMatrix& counts, const CellQc& qc) {
  data::Table table(counts.obsNames());
  table.indexName = "barcode";
  table.addColumn(data::Column("total_counts", qc.totalCounts));
  table.addColumn(data::Column("n_genes_by_counts", qc.genesDetected));
  table.addColumn(data::Column("pct_counts_mt", qc.pctMito));
  table.addColumn(data::Column("pct_counts_ribo", qc.pctRibo));
  return table;
}

std::vector<std::int64_t> passingCells(const CellQc& qc, const CellFilter& f) {
  std::vector<std::int64_t> keep;
  for (std::size_t i = 0; i < qc.totalCounts.size(); ++i) {
    const double total = qc.totalCounts[i];
    const auto genes = qc.genesDetected[i];
    if (total < f.minCounts || (f.maxCounts > 0 && total > f.maxCounts)) continue;
    if (genes < f.minGenes || (f.maxGenes > 0 && genes > f.maxGenes)) continue;
    if (qc.pctMito[i] > f.maxPctMito) continue;
    keep.push_back(static_cast<std::int64_t>(i));
  }
  return keep;
}

std::vector<std::int64_t> passingGenes(const GeneQc& qc, const GeneFilter& f) {
  std::vector<std::int64_t> keep;
  for (std::size_t g = 0; g < qc.totalCounts.size(); ++g)
    if (qc.cellsDetected[g] >= f.minCells && qc.totalCounts[g] >= f.minCounts) keep.push_back(static_cast<std::int64_t>(g));
  return keep;
}

}  // namespace diffbio::sc

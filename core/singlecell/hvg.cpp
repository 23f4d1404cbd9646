#include "core/singlecell/hvg.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/singlecell/hvg_seurat_v3.h"
#include "core/singlecell/sparse_stats.h"
#include "core/util/error.h"

namespace diffbio::sc {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// pandas.cut(x, bins=n): n equal-width bins over [min, max] built as numpy.linspace does (start + i * step, the
// last edge exactly max), the first edge lowered by 0.1 % of the range; intervals closed on the right.
std::vector<int> equalWidthBins(const std::vector<double>& x, int nBins) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : x) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  std::vector<double> edges(nBins + 1);
  if (lo == hi) {
    // pandas widens a constant range by 0.1 % of |value| on each side.
    const double adj = lo != 0 ? 0.001 * std::abs(lo) : 0.001;
    const double step = (2 * adj) / nBins;
    for (int i = 0; i <= nBins; ++i) edges[i] = (lo - adj) + i * step;
    edges[nBins] = hi + adj;
  } else {
    const double step = (hi - lo) / nBins;
    for (int i = 0; i <= nBins; ++i) edges[i] = i * step + lo;
    edges[nBins] = hi;
    edges[0] -= (hi - lo) * 0.001;
  }
  std::vector<int> bin(x.size());
  for (std::size_t g = 0; g < x.size(); ++g) {
    // searchsorted(edges, x, side='left') - 1: x in (edges[b], edges[b + 1]] -> b.
    const auto it = std::lower_bound(edges.begin(), edges.end(), x[g]);
    bin[g] = std::clamp(static_cast<int>(it - edges.begin()) - 1, 0, nBins - 1);
  }
  return bin;
}

// numpy.percentile with linear interpolation (numpy >= 1.22's _lerp, which subtracts from the upper value when
// the fraction is >= 0.5).
double numpyPercentile(const std::vector<double>& sorted, double percent) {
  const double q = percent / 100.0;
  const double index = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(index));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double t = index - static_cast<double>(lo);
  const double a = sorted[lo], b = sorted[hi];
  const double diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

// pandas.cut(x, [-inf, p10, p15, ..., p100, inf]).
std::vector<int> percentileBins(const std::vector<double>& x) {
  std::vector<double> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges{-std::numeric_limits<double>::infinity()};
  for (int p = 10; p <= 100; p += 5) edges.push_back(numpyPercentile(sorted, p));
  edges.push_back(std::numeric_limits<double>::infinity());
  std::vector<int> bin(x.size());
  for (std::size_t g = 0; g < x.size(); ++g) {
    const auto it = std::lower_bound(edges.begin(), edges.end(), x[g]);
    bin[g] = static_cast<int>(it - edges.begin()) - 1;
  }
  return bin;
}

double medianOf(std::vector<double> v) {  // numpy median (v non-empty)
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

// Per bin, the non-NaN dispersions (pandas' groupby aggregations skip NaN).
std::vector<std::vector<double>> groupByBin(const std::vector<int>& bin, const std::vector<double>& values,
                                            int nBins) {
  std::vector<std::vector<double>> groups(nBins);
  for (std::size_t g = 0; g < bin.size(); ++g)
    if (!std::isnan(values[g])) groups[bin[g]].push_back(values[g]);
  return groups;
}

void normaliseSeurat(HvgResult& r, int nBins) {
  const std::vector<int> bin = equalWidthBins(r.means, nBins);
  const auto groups = groupByBin(bin, r.dispersions, nBins);
  std::vector<double> center(nBins, kNaN), scale(nBins, kNaN);
  for (int b = 0; b < nBins; ++b) {
    const auto& v = groups[b];
    if (v.empty()) continue;
    double sum = 0;
    for (double d : v) sum += d;
    const double mean = sum / v.size();
    double ss = 0;
    for (double d : v) ss += (d - mean) * (d - mean);
    center[b] = mean;
    // A bin with one gene has no sd (NaN with ddof 1): scanpy then uses sd = the bin mean and mean = 0.
    if (v.size() > 1) {
      scale[b] = std::sqrt(ss / (v.size() - 1));
    } else {
      scale[b] = mean;
      center[b] = 0;
    }
  }
  r.dispersionsNorm.resize(r.means.size());
  for (std::size_t g = 0; g < r.means.size(); ++g)
    r.dispersionsNorm[g] = (r.dispersions[g] - center[bin[g]]) / scale[bin[g]];
}

void normaliseCellRanger(HvgResult& r) {
  const std::vector<int> bin = percentileBins(r.means);
  const int nBins = 1 + *std::max_element(bin.begin(), bin.end());
  const auto groups = groupByBin(bin, r.dispersions, nBins);
  constexpr double kNormalQ3 = 0.6744897501960817;  // statsmodels robust.mad's scale for normal data
  std::vector<double> median(nBins, kNaN), mad(nBins, kNaN);
  for (int b = 0; b < nBins; ++b) {
    if (groups[b].empty()) continue;
    median[b] = medianOf(groups[b]);
    std::vector<double> deviations;
    for (double d : groups[b]) deviations.push_back(std::abs(d - median[b]));
    mad[b] = medianOf(deviations) / kNormalQ3;
  }
  r.dispersionsNorm.resize(r.means.size());
  for (std::size_t g = 0; g < r.means.size(); ++g)
    r.dispersionsNorm[g] = (r.dispersions[g] - median[bin[g]]) / mad[bin[g]];
}

void select(HvgResult& r, const HvgOptions& o) {
  const std::size_t m = r.means.size();
  r.highlyVariable.assign(m, 0);
  if (o.nTopGenes > 0) {
    std::vector<double> finite;
    for (double d : r.dispersionsNorm)
      if (!std::isnan(d)) finite.push_back(d);
    if (finite.empty()) return;
    const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(o.nTopGenes), finite.size());
    std::nth_element(finite.begin(), finite.begin() + (n - 1), finite.end(), std::greater<double>());
    const double cutoff = finite[n - 1];
    // scanpy compares nan_to_num(dispersions_norm) (NaN -> 0) with the cut-off.
    for (std::size_t g = 0; g < m; ++g) {
      const double d = std::isnan(r.dispersionsNorm[g]) ? 0.0 : r.dispersionsNorm[g];
      r.highlyVariable[g] = d >= cutoff;
    }
    return;
  }
  for (std::size_t g = 0; g < m; ++g) {
    const double d = std::isnan(r.dispersionsNorm[g]) ? 0.0 : r.dispersionsNorm[g];
    const double mean = r.means[g];
    r.highlyVariable[g] = mean > o.minMean && mean < o.maxMean && d > o.minDisp && d < o.maxDisp;
  }
}

}  // namespace

HvgFlavor parseHvgFlavor(const std::string& name) {
  if (name == "seurat") return HvgFlavor::Seurat;
  if (name == "cell_ranger") return HvgFlavor::CellRanger;
  if (name == "seurat_v3") return HvgFlavor::SeuratV3;
  throw InputError({}, "unknown highly-variable-gene flavour '" + name + "'", "use seurat, cell_ranger or seurat_v3");
}

bool hvgFlavorNeedsCounts(HvgFlavor flavor) { return flavor == HvgFlavor::SeuratV3; }

const std::vector<double>& HvgResult::score() const {
  return flavor == HvgFlavor::SeuratV3 ? variancesNorm : dispersionsNorm;
}

std::vector<std::int32_t> hvgBatchCodes(const data::Table& cells, const std::string& column) {
  const data::Column* c = cells.find(column);
  if (!c)
    throw InputError({}, "the cell table has no column '" + column + "' for the batches",
                     "name a column of the cell annotations (obs), or leave the batch key empty");
  std::vector<std::string> text(c->size());
  for (std::size_t i = 0; i < c->size(); ++i) {
    if (c->isMissing(i) || (c->type() == data::ColumnType::Categorical && c->categorical().codes[i] < 0) ||
        (c->type() == data::ColumnType::Float && std::isnan(c->floats()[i])))
      throw InputError({}, "cell " + std::to_string(i + 1) + " has no value in the batch column '" + column + "'",
                       "give every cell a batch");
    text[i] = c->text(i);
  }
  return data::makeCategorical(text).codes;
}

data::Table hvgTable(const HvgResult& r, const std::vector<std::string>& geneNames) {
  data::Table t(geneNames);
  t.indexName = "gene";
  t.addColumn(data::Column("means", r.means));
  if (r.flavor == HvgFlavor::SeuratV3) {
    t.addColumn(data::Column("variances", r.variances));
    t.addColumn(data::Column("variances_expected", r.variancesExpected));
    t.addColumn(data::Column("variances_norm", r.variancesNorm));
    t.addColumn(data::Column("highly_variable_rank", r.rank));
    t.addColumn(
        data::Column("highly_variable_nbatches", std::vector<std::int64_t>(r.nBatches.begin(), r.nBatches.end())));
  } else {
    t.addColumn(data::Column("dispersions", r.dispersions));
    t.addColumn(data::Column("dispersions_norm", r.dispersionsNorm));
  }
  t.addColumn(data::Column::boolean("highly_variable", r.highlyVariable));
  return t;
}

std::vector<std::int64_t> HvgResult::selected() const {
  std::vector<std::int64_t> genes;
  for (std::size_t g = 0; g < highlyVariable.size(); ++g)
    if (highlyVariable[g]) genes.push_back(static_cast<std::int64_t>(g));
  return genes;
}

HvgResult highlyVariableGenes(const data::CountMatrix& values, const HvgOptions& options, const CscStorage* columns) {
  if (options.flavor == HvgFlavor::SeuratV3) {
    HvgSeuratV3Options v3;
    v3.nTopGenes = options.nTopGenes;
    v3.span = options.span;
    v3.batches = options.batches;
    HvgSeuratV3Result v = highlyVariableGenesSeuratV3(values, v3);
    HvgResult r;
    r.flavor = HvgFlavor::SeuratV3;
    r.means = std::move(v.means);
    r.variances = std::move(v.variances);
    r.variancesExpected = std::move(v.variancesExpected);
    r.variancesNorm = std::move(v.variancesNorm);
    r.rank = std::move(v.rank);
    r.nBatches = std::move(v.nBatches);
    r.highlyVariable = std::move(v.highlyVariable);
    return r;
  }
  if (values.nObs() < 2)
    throw InputError({}, "highly variable genes need at least 2 cells, got " + std::to_string(values.nObs()),
                     "give a matrix with more cells");
  if (values.nGenes() < 1) throw InputError({}, "the matrix has no genes", "give a matrix with genes");
  const bool seurat = options.flavor == HvgFlavor::Seurat;
  // seurat works on the linear scale: expm1 of the float32 values, in float32 like numpy.
  const ValueTransform transform = seurat ? ValueTransform::Expm1Float : ValueTransform::None;
  const GeneMoments moments =
      columns ? geneMeanVariance(*columns, values.nObs(), transform) : geneMeanVariance(values, transform);
  HvgResult r;
  r.flavor = options.flavor;
  const std::size_t m = static_cast<std::size_t>(values.nGenes());
  r.means.resize(m);
  r.dispersions.resize(m);
  for (std::size_t g = 0; g < m; ++g) {
    double mean = moments.mean[g];
    if (mean == 0) mean = 1e-12;
    double dispersion = moments.variance[g] / mean;
    if (seurat) {
      dispersion = dispersion == 0 ? kNaN : std::log(dispersion);
      mean = std::log1p(mean);
    }
    r.means[g] = mean;
    r.dispersions[g] = dispersion;
  }
  if (seurat) normaliseSeurat(r, options.nBins);
  else normaliseCellRanger(r);
  select(r, options);
  return r;
}

}  // namespace diffbio::sc

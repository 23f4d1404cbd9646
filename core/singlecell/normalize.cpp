#include "core/singlecell/normalize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/util/parallel.h"

namespace diffbio::sc {

namespace {

constexpr std::int64_t kCellGrain = 128;

// Where each stored gene goes: its new column, or -1 when it is dropped. Empty = every gene kept in place.
std::vector<std::int32_t> geneMap(std::int64_t nGenes, const std::vector<std::int64_t>* genes) {
  if (!genes) return {};
  std::vector<std::int32_t> map(nGenes, -1);
  std::int64_t previous = -1;
  for (std::size_t j = 0; j < genes->size(); ++j) {
    const auto g = (*genes)[j];
    if (g <= previous || g >= nGenes) throw std::invalid_argument("logNormalizeGenes: genes must be ascending and in range");
    map[g] = static_cast<std::int32_t>(j);
    previous = g;
  }
  return map;
}

// scanpy sums a float32 CSR row with scipy's csr_matvec, accumulating in float32 in storage order; and divides
// by counts / target_sum, also in float32 (inplace_row_scale by 1 / counts). Reproducing those roundings makes
// our normalised values bit-identical to scanpy's, so thresholds downstream (HVG cut-offs) agree exactly.
// `totals` are the kept genes' float32 sums per cell.
std::vector<float> scaleFactors(const std::vector<float>& totals, double targetSum) {
  const auto nObs = totals.size();
  if (targetSum <= 0) {
    std::vector<float> nonzero;
    for (float t : totals)
      if (t > 0) nonzero.push_back(t);
    if (nonzero.empty()) {
      targetSum = 1;
    } else {
      // numpy's median: the mean of the two middle values for an even count.
      std::sort(nonzero.begin(), nonzero.end());
      const auto n = nonzero.size();
      targetSum = n % 2 ? nonzero[n / 2] : (static_cast<double>(nonzero[n / 2 - 1]) + nonzero[n / 2]) / 2.0;
    }
  }
  std::vector<float> factors(nObs);
  for (std::size_t i = 0; i < nObs; ++i) {
    float t = totals[i];
    if (t == 0) t = 1;  // scanpy: counts += counts == 0, so empty cells stay all-zero
    const float perTarget = static_cast<float>(t / static_cast<float>(targetSum));
    factors[i] = 1.0f / perTarget;
  }
  return factors;
}

// log1p(count * factor) in float32 for one cell. Raw counts are mostly small whole numbers, and within a cell the
// same count always gives the same value: those come from a table filled on first use (the same float32
// operations, so the same bits), the rest are computed.
class CellTransform {
 public:
  CellTransform(bool normalise, bool log) : normalise_(normalise), log_(log) {}
  void startCell(float factor) {
    factor_ = factor;
    std::fill(std::begin(known_), std::end(known_), false);
  }
  float operator()(float v) {
    if (!log_) return normalise_ ? v * factor_ : v;
    const auto whole = v >= 0 && v < kTable ? static_cast<std::int32_t>(v) : -1;
    if (whole >= 0 && static_cast<float>(whole) == v) {
      if (!known_[whole]) {
        table_[whole] = compute(v);
        known_[whole] = true;
      }
      return table_[whole];
    }
    return compute(v);
  }

 private:
  static constexpr int kTable = 64;
  float compute(float v) const {
    if (normalise_) v *= factor_;
    return std::log1p(v);
  }
  bool normalise_, log_;
  float factor_ = 1;
  float table_[kTable];
  bool known_[kTable];
};

data::CountMatrix transform(const data::CountMatrix& input, const std::vector<std::int64_t>* genes, double targetSum,
                            bool normalise, bool log, data::AssayKind kind = data::AssayKind::SingleCell) {
  data::CountMatrix sparse = input.isSparse() ? data::CountMatrix() : input.toSparse();
  const data::CountMatrix& m = input.isSparse() ? input : sparse;
  const data::CsrStorage& in = m.csr();
  const std::int64_t n = m.nObs();
  const std::vector<std::int32_t> map = geneMap(m.nGenes(), genes);
  const bool subset = !map.empty();

  // Pass 1, per cell: the kept entries and their float32 total in storage order.
  std::vector<float> totals(n);
  data::CsrStorage out;
  out.indptr.assign(n + 1, 0);
  parallelFor(0, n, kCellGrain, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t i = first; i < last; ++i) {
      float sum = 0;
      std::int64_t kept = 0;
      for (auto p = in.indptr[i]; p < in.indptr[i + 1]; ++p)
        if (!subset || map[in.indices[p]] >= 0) {
          sum += in.values[p];
          ++kept;
        }
      totals[i] = sum;
      out.indptr[i + 1] = kept;
    }
  });
  for (std::int64_t i = 0; i < n; ++i) out.indptr[i + 1] += out.indptr[i];
  const std::vector<float> factors = normalise ? scaleFactors(totals, targetSum) : std::vector<float>();

  // Pass 2: the transformed values into their new places.
  const auto nnz = static_cast<std::size_t>(out.indptr[n]);
  out.indices.resize(nnz);
  out.values.resize(nnz);
  parallelFor(0, n, kCellGrain, [&](std::int64_t first, std::int64_t last) {
    CellTransform value(normalise, log);
    for (std::int64_t i = first; i < last; ++i) {
      value.startCell(normalise ? factors[i] : 1.0f);
      auto q = out.indptr[i];
      for (auto p = in.indptr[i]; p < in.indptr[i + 1]; ++p) {
        const std::int32_t g = subset ? map[in.indices[p]] : in.indices[p];
        if (g < 0) continue;
        out.indices[q] = g;
        out.values[q] = value(in.values[p]);
        ++q;
      }
    }
  });
  std::vector<std::string> geneNames;
  if (subset) {
    geneNames.reserve(genes->size());
    for (auto g : *genes) geneNames.push_back(m.geneNames()[g]);
  } else {
    geneNames = m.geneNames();
  }
  const std::int64_t nGenes = subset ? static_cast<std::int64_t>(genes->size()) : m.nGenes();
  return data::CountMatrix::fromCsr(n, nGenes, std::move(out), m.obsNames(), std::move(geneNames), kind);
}

}  // namespace

data::CountMatrix normalizeTotal(const data::CountMatrix& counts, double targetSum) {
  return transform(counts, nullptr, targetSum, true, false);
}
data::CountMatrix log1p(const data::CountMatrix& values) { return transform(values, nullptr, 0, false, true); }
data::CountMatrix logNormalize(const data::CountMatrix& counts, double targetSum) {
  return transform(counts, nullptr, targetSum, true, true);
}
data::CountMatrix logNormalizeGenes(const data::CountMatrix& counts, const std::vector<std::int64_t>& genes,
                                    double targetSum) {
  return transform(counts, &genes, targetSum, true, true);
}
data::CountMatrix selectGenesParallel(const data::CountMatrix& counts, const std::vector<std::int64_t>& genes) {
  if (!counts.isSparse()) return counts.selectGenes(genes);  // keeps dense storage, as selectGenes does
  return transform(counts, &genes, 0, false, false, counts.kind());
}
data::CountMatrix asSparse(const data::CountMatrix& matrix) {
  return matrix.isSparse() ? matrix : matrix.toSparse();
}

}  // namespace diffbio::sc

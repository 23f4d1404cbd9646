#include "core/singlecell/normalize.h"

#include <algorithm>
#include <cmath>

namespace diffbio::sc {

namespace {

// scanpy sums a float32 CSR row with scipy's csr_matvec, accumulating in float32 in storage order; and divides
// by counts / target_sum, also in float32 (inplace_row_scale by 1 / counts). Reproducing those roundings makes
// our normalised values bit-identical to scanpy's, so thresholds downstream (HVG cut-offs) agree exactly.
std::vector<float> scaleFactors(const data::CsrStorage& csr, std::int64_t nObs, double targetSum) {
  std::vector<float> totals(nObs);
  for (std::int64_t i = 0; i < nObs; ++i) {
    float sum = 0;
    for (auto p = csr.indptr[i]; p < csr.indptr[i + 1]; ++p) sum += csr.values[p];
    totals[i] = sum;
  }
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
  for (std::int64_t i = 0; i < nObs; ++i) {
    float t = totals[i];
    if (t == 0) t = 1;  // scanpy: counts += counts == 0, so empty cells stay all-zero
    const float perTarget = static_cast<float>(t / static_cast<float>(targetSum));
    factors[i] = 1.0f / perTarget;
  }
  return factors;
}

data::CountMatrix transform(const data::CountMatrix& input, double targetSum, bool normalise, bool log) {
  data::CountMatrix sparse = input.isSparse() ? data::CountMatrix() : input.toSparse();
  const data::CountMatrix& m = input.isSparse() ? input : sparse;
  data::CsrStorage csr = m.csr();
  const std::vector<float> factors = normalise ? scaleFactors(csr, m.nObs(), targetSum) : std::vector<float>();
  for (std::int64_t i = 0; i < m.nObs(); ++i) {
    for (auto p = csr.indptr[i]; p < csr.indptr[i + 1]; ++p) {
      float v = csr.values[p];
      if (normalise) v *= factors[i];
      if (log) v = std::log1p(v);
      csr.values[p] = v;
    }
  }
  return data::CountMatrix::fromCsr(m.nObs(), m.nGenes(), std::move(csr), m.obsNames(), m.geneNames(),
                                    data::AssayKind::SingleCell);
}

}  // namespace

data::CountMatrix normalizeTotal(const data::CountMatrix& counts, double targetSum) {
  return transform(counts, targetSum, true, false);
}
data::CountMatrix log1p(const data::CountMatrix& values) { return transform(values, 0, false, true); }
data::CountMatrix logNormalize(const data::CountMatrix& counts, double targetSum) {
  return transform(counts, targetSum, true, true);
}
data::CountMatrix asSparse(const data::CountMatrix& matrix) {
  return matrix.isSparse() ? matrix : matrix.toSparse();
}

}  // namespace diffbio::sc

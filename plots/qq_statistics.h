#pragma once
// The numbers behind a p-value Q-Q plot: expected uniform quantiles, the pointwise 95 % band of uniform order
// statistics, and the genomic inflation factor λ. No Qt: the statistics are testable on their own.
#include <vector>

namespace diffbio::plots {

// λ = median(χ²₁ quantile of 1 - p) / 0.4549 (the χ²₁ median). NaN p-values are ignored; NaN if none remain.
double genomicInflation(const std::vector<double>& pvalues);

struct QqBand {
  std::vector<double> expected;   // -log10 of the expected p-value of order statistic i
  std::vector<double> low, high;  // -log10 of the 2.5 % and 97.5 % quantiles of Beta(i, n - i + 1)
};

// Expected -log10 p for ranks 1..n (ppoints: (i - 0.5) / n), largest first (rank 1 = smallest p).
std::vector<double> expectedMinusLog10(std::size_t n);
// The band at about `samples` ranks, spaced evenly in -log10 so the tail (where it matters) is drawn smoothly.
QqBand qqBand(std::size_t n, std::size_t samples = 200);

}  // namespace diffbio::plots

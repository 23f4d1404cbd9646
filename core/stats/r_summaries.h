#pragma once
// R's summary statistics, reproduced to the last bit, because DESeq2 and edgeR compute with them and our results
// are compared with theirs: median(), quantile(type = 7) and mean(x, trim).
#include <Eigen/Core>

#include <cstddef>
#include <vector>

namespace diffbio::stats {

// median(x): the mean of the two middle values for an even count; NaN when empty. `values` is taken by copy.
double median(Eigen::VectorXd values);

// quantile(x, p, type = 7), R's default: 1 + (n - 1) p interpolated as (1 - h) x[lo] + h x[hi], exactly as R writes
// it. NaN when empty.
double quantileType7(Eigen::VectorXd values, double probability);
// The same on values sorted ascending (n > 0), for callers that take several quantiles of one sample.
double quantileType7Sorted(const double* sorted, std::size_t n, double probability);

// mean(x, trim): drops floor(n * trim) values at each end (the median when trim >= 0.5) and averages the rest with
// R's two-pass long double mean. NaN when empty or when any value is NaN.
double trimmedMean(std::vector<double> values, double trim);
// The same, sorting `values` in place instead of copying them.
double trimmedMeanInPlace(std::vector<double>& values, double trim);
// The same on values sorted ascending and free of NaN (n > 0).
double trimmedMeanOfSorted(const double* sorted, std::size_t n, double trim);

}  // namespace diffbio::stats

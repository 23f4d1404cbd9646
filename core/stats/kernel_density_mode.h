#pragma once
// The mode of a sample: where its Gaussian kernel density (Silverman's bandwidth) is highest. Used by the
// mode-of-ratios size factors and by the `auto` diagnostic, which takes 5 modes of up to tens of thousands of log
// ratios per sample.
#include <Eigen/Core>
#include <cstddef>

namespace diffbio::stats {

// The location of the highest density of `values` (a kernel density mode; Silverman bandwidth).
double kernelDensityMode(const Eigen::VectorXd& values);

// The same for values already sorted ascending (no copy, no sort).
double kernelDensityModeOfSorted(const double* sorted, std::size_t n);

}  // namespace diffbio::stats

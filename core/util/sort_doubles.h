#pragma once
// Sorting many doubles by radix instead of comparisons.
//
// The size-factor diagnostic sorts every sample's log ratios (four quarters of ~5,000 genes per sample, 100 samples
// in a large study); std::sort spent ~5 % of a whole analysis there. An LSD radix sort on the IEEE bit patterns
// (mapped so that unsigned order equals numeric order) takes a fixed number of linear passes and skips the passes
// whose byte is the same for every value (the sign and exponent bytes usually are). The result equals std::sort's
// for finite values (equal values are indistinguishable; -0.0 sorts before +0.0). NaN is not allowed.
#include <vector>

namespace diffbio {

void sortDoubles(std::vector<double>& values);

}  // namespace diffbio

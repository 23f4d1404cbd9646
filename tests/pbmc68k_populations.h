#pragma once
// pbmc68k_reduced's `bulk_labels`: its 10 FACS-sorted populations and their cell counts, as the data set's README
// (../shared/data/sc_pbmc68k_reduced_scanpy/README.md) gives them. The plot and the cell view tests both check them.
#include <map>
#include <string>

namespace diffbio::test {

inline const std::map<std::string, int>& pbmc68kSortedPopulations() {
  static const std::map<std::string, int> counts = {{"Dendritic", 240},
                                                    {"CD14+ Monocyte", 129},
                                                    {"CD19+ B", 95},
                                                    {"CD4+/CD25 T Reg", 68},
                                                    {"CD8+ Cytotoxic T", 54},
                                                    {"CD8+/CD45RA+ Naive Cytotoxic", 43},
                                                    {"CD56+ NK", 31},
                                                    {"CD4+/CD45RO+ Memory", 19},
                                                    {"CD34+", 13},
                                                    {"CD4+/CD45RA+/CD25- Naive T", 8}};
  return counts;
}

}  // namespace diffbio::test

#pragma once
// A seeded, volcano-shaped DE results table for plot tests and bench/plot_bench: normal log2 fold changes, p-values
// that shrink with the fold (as in real data), log-uniform base means.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "plots/de_results.h"

namespace diffbio::test {

inline plots::DeResults syntheticResults(std::size_t n, unsigned seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> fold(0, 1.2);
  std::uniform_real_distribution<double> uniform(0, 1);
  plots::DeResults r;
  for (std::size_t i = 0; i < n; ++i) {
    const double lfc = fold(random);
    const double p = std::pow(uniform(random), 1 + 4 * std::abs(lfc));
    r.genes.push_back("gene" + std::to_string(i + 1));
    r.baseMean.push_back(std::pow(10.0, 4 * uniform(random)));
    r.log2FoldChange.push_back(lfc);
    r.pvalue.push_back(p);
    r.padj.push_back(std::min(1.0, p * 20));
  }
  return r;
}

}  // namespace diffbio::test

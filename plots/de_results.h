#pragma once
// The columns of a DE results table (DESeq2's results(): baseMean, log2FoldChange, lfcSE, stat, pvalue, padj) as
// plain vectors with NaN for NA, which is what every DE plot reads.
#include <string>
#include <vector>

#include "core/data/table.h"

namespace diffbio::plots {

struct DeResults {
  std::vector<std::string> genes;
  std::vector<double> baseMean, log2FoldChange, pvalue, padj;
  std::size_t size() const { return genes.size(); }
};

// Throws InputError naming `source` and the missing column when the table is not a results table.
DeResults deResultsFromTable(const data::Table& table, const std::string& source = {});

// One significance rule for all DE plots: padj < alpha (DESeq2's convention; NA padj is never significant).
inline bool significant(double padj, double alpha) { return padj == padj && padj < alpha; }

}  // namespace diffbio::plots

#pragma once
// DESeq2's results(): from per-gene fold changes, standard errors and (for the LRT) test statistics to the table
// users read — baseMean, log2FoldChange, lfcSE, stat, pvalue, padj — plus a `note` column that says why a value is
// missing. Mirrors results.R of DESeq2 1.38 in this order:
//   1. Wald statistics and p-values from LFC / SE (or the given LRT statistic and p-value); all-zero genes are NA;
//      genes whose counts are zero in every sample of the contrast get LFC 0, stat 0, p-value 1 (cleanContrast).
//   2. lfcThreshold / altHypothesis tests (Wald only).
//   3. Cook's filtering: p-value NA where maxCooks > cutoff (default qf(0.99, p, m - p); only when m > p).
//   4. Genes whose counts became all zero through outlier replacement: LFC 0, SE 0, stat 0, p-value 1.
//   5. padj: independent filtering on baseMean (default) or plain BH.
#include <Eigen/Core>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/data/table.h"
#include "core/stats/de_tests.h"
#include "core/stats/multiple_testing.h"

namespace diffbio::stats {

// Note texts for missing values (empty when the row is complete).
inline constexpr const char* kNoteAllZero = "all counts zero";
inline constexpr const char* kNoteLowCounts = "low counts (independent filtering)";
inline constexpr const char* kNoteCooksOutlier = "Cook's outlier";

struct ResultsInput {
  std::vector<std::string> geneNames;
  Eigen::VectorXd baseMean;        // mean of normalized counts (after outlier replacement, where that happened)
  Eigen::VectorXd log2FoldChange;  // the coefficient or contrast, log2 scale
  Eigen::VectorXd lfcSE;           // its standard error, log2 scale
  std::vector<bool> allZero;       // genes whose counts are all zero (rowSums(counts) == 0); their rows are NA
  // For an LRT: the statistic and p-value from likelihoodRatioTest(). Unset means a Wald test from LFC / SE.
  std::optional<TestResult> likelihoodRatio;
  // Per-gene maximum Cook's distance (maxCooks() or maxCooksAfterReplacement()); empty = no Cook's filtering.
  Eigen::VectorXd maxCooks;
  // Optional (empty = none): genes flagged for replacement whose counts became all zero (OutlierReplacement).
  std::vector<bool> zeroAfterReplacement;
  // Optional (empty = none): genes whose counts are zero in every sample of the two compared groups.
  std::vector<bool> contrastAllZero;
};

struct ResultsOptions {
  double alpha = 0.1;                 // FDR level that independent filtering optimises for
  bool independentFiltering = true;
  double lfcThreshold = 0;
  AltHypothesis altHypothesis = AltHypothesis::GreaterAbs;
  bool cooksFilter = true;            // results(cooksCutoff = FALSE) turns it off
  double cooksCutoff = std::numeric_limits<double>::quiet_NaN();  // NaN = qf(0.99, p, m - p)
  int nSamples = 0;                   // m: rows of the model matrix (needed for the default cutoff)
  int nCoefficients = 0;              // p: columns of the model matrix
};

struct DeResults {
  data::Table table;  // rows = genes; columns baseMean, log2FoldChange, lfcSE, stat, pvalue, padj (NaN = NA), note
  std::optional<IndependentFiltering> filtering;  // set when independent filtering ran
  double cooksCutoff = std::numeric_limits<double>::quiet_NaN();  // the cutoff applied (NaN = none)
  long allZeroGenes = 0;
  long cooksOutliers = 0;   // genes whose p-value was removed by the Cook's rule
  long lowCountGenes = 0;   // genes with a p-value but no padj (independent filtering)
};

// Throws std::invalid_argument on inconsistent lengths, an lfcThreshold with an LRT, or missing m/p when the
// default Cook's cutoff is needed.
DeResults buildResults(const ResultsInput& input, const ResultsOptions& options = {});

}  // namespace diffbio::stats

#include "core/stats/results_table.h"

#include <cmath>
#include <stdexcept>

#include "core/stats/cooks.h"

namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool flagAt(const std::vector<bool>& flags, Eigen::Index g) {
  return !flags.empty() && flags[static_cast<std::size_t>(g)];
}

std::vector<double> toStd(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }

void checkInput(const ResultsInput& input, const ResultsOptions& options) {
  const auto n = static_cast<std::size_t>(input.baseMean.size());
  auto sameLength = [n](std::size_t size) { return size == n; };
  auto optionalLength = [n](std::size_t size) { return size == 0 || size == n; };
  if (!sameLength(input.geneNames.size()) || !sameLength(static_cast<std::size_t>(input.log2FoldChange.size())) ||
      !sameLength(static_cast<std::size_t>(input.lfcSE.size())) || !sameLength(input.allZero.size()) ||
      !optionalLength(static_cast<std::size_t>(input.maxCooks.size())) ||
      !optionalLength(input.zeroAfterReplacement.size()) || !optionalLength(input.contrastAllZero.size()))
    throw std::invalid_argument("buildResults: per-gene inputs differ in length");
  if (input.likelihoodRatio && (!sameLength(static_cast<std::size_t>(input.likelihoodRatio->stat.size())) ||
                                !sameLength(static_cast<std::size_t>(input.likelihoodRatio->pvalue.size()))))
    throw std::invalid_argument("buildResults: LRT statistics differ in length from the genes");
  const bool thresholdTest = !(options.lfcThreshold == 0 && options.altHypothesis == AltHypothesis::GreaterAbs);
  if (input.likelihoodRatio && thresholdTest)
    throw std::invalid_argument("buildResults: tests against an lfcThreshold or altHypothesis must be Wald tests");
}

}  // namespace

DeResults buildResults(const ResultsInput& input, const ResultsOptions& options) {
  checkInput(input, options);
  const Eigen::Index n = input.baseMean.size();
  Eigen::VectorXd lfc = input.log2FoldChange, se = input.lfcSE;
  Eigen::VectorXd stat(n), pvalue(n);

  // 1-2. The test, on fold changes with contrast-all-zero genes set to 0 (cleanContrast).
  for (Eigen::Index g = 0; g < n; ++g)
    if (flagAt(input.contrastAllZero, g) && !flagAt(input.allZero, g)) lfc[g] = 0;
  if (input.likelihoodRatio) {
    stat = input.likelihoodRatio->stat;
    pvalue = input.likelihoodRatio->pvalue;
  } else {
    const TestResult wald = waldTest(lfc, se, options.lfcThreshold, options.altHypothesis);
    stat = wald.stat;
    pvalue = wald.pvalue;
  }
  const bool plainTest = options.lfcThreshold == 0 && options.altHypothesis == AltHypothesis::GreaterAbs;
  for (Eigen::Index g = 0; g < n; ++g) {
    if (flagAt(input.allZero, g)) {
      lfc[g] = se[g] = stat[g] = pvalue[g] = kNaN;
    } else if (flagAt(input.contrastAllZero, g) && plainTest && !input.likelihoodRatio) {
      stat[g] = 0;  // the LRT keeps its own statistic; only its fold change is zeroed
      pvalue[g] = 1.0;
    }
  }

  DeResults result;
  // 3. Cook's distance rule.
  std::vector<bool> outlier(static_cast<std::size_t>(n), false);
  const bool haveCooks = options.cooksFilter && input.maxCooks.size() == n;
  if (haveCooks) {
    double cutoff = options.cooksCutoff;
    if (std::isnan(cutoff)) {
      if (options.nSamples <= 0 || options.nCoefficients <= 0)
        throw std::invalid_argument("buildResults: the default Cook's cutoff needs nSamples and nCoefficients");
      cutoff = cooksCutoff(options.nCoefficients, options.nSamples);  // NaN when m <= p: no filtering
    }
    result.cooksCutoff = cutoff;
    if (!std::isnan(cutoff)) {
      for (Eigen::Index g = 0; g < n; ++g) {
        if (input.maxCooks[g] > cutoff) {  // NaN maxCooks never flags
          outlier[static_cast<std::size_t>(g)] = true;
          pvalue[g] = kNaN;
        }
      }
    }
  }
  // 4. Replaced counts that left a gene with only zeros: nothing to test, report "no change".
  for (Eigen::Index g = 0; g < n; ++g) {
    if (flagAt(input.zeroAfterReplacement, g) && input.baseMean[g] == 0) {
      lfc[g] = se[g] = stat[g] = 0;
      pvalue[g] = 1;
    }
  }

  // 5. Adjusted p-values.
  Eigen::VectorXd padj;
  if (options.independentFiltering) {
    result.filtering = independentFiltering(pvalue, input.baseMean, options.alpha);
    padj = result.filtering->padj;
  } else {
    padj = adjustBenjaminiHochberg(pvalue);
  }

  std::vector<std::string> notes(static_cast<std::size_t>(n));
  for (Eigen::Index g = 0; g < n; ++g) {
    auto& note = notes[static_cast<std::size_t>(g)];
    if (flagAt(input.allZero, g)) {
      note = kNoteAllZero;
      ++result.allZeroGenes;
    } else if (outlier[static_cast<std::size_t>(g)]) {
      note = kNoteCooksOutlier;
      ++result.cooksOutliers;
    } else if (std::isnan(padj[g]) && !std::isnan(pvalue[g])) {
      note = kNoteLowCounts;
      ++result.lowCountGenes;
    }
  }

  data::Table table(input.geneNames);
  table.addColumn(data::Column("baseMean", toStd(input.baseMean)));
  table.addColumn(data::Column("log2FoldChange", toStd(lfc)));
  table.addColumn(data::Column("lfcSE", toStd(se)));
  table.addColumn(data::Column("stat", toStd(stat)));
  table.addColumn(data::Column("pvalue", toStd(pvalue)));
  table.addColumn(data::Column("padj", toStd(padj)));
  table.addColumn(data::Column("note", std::move(notes)));
  result.table = std::move(table);
  return result;
}

}  // namespace diffbio::stats

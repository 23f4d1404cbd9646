#pragma once
// Per-sample distribution of log2(normalised count + 1) as box plots, coloured by condition: the first look at a
// bulk RNA-seq experiment (does one library look different from the rest after normalisation?). Boxes follow the
// usual definition (ggplot2's geom_boxplot): quartiles by R's type-7 quantile, whiskers to the most extreme value
// within 1.5 IQR of the box, values beyond them drawn as points (named by gene, so hover and CSV say which).
#include <Eigen/Core>
#include <string>
#include <vector>

#include "core/data/count_matrix.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

struct BoxStatistics {
  double q1 = 0, median = 0, q3 = 0;
  double whiskerLow = 0, whiskerHigh = 0;    // most extreme values inside [q1 - 1.5 IQR, q3 + 1.5 IQR]
  std::vector<std::size_t> outliers;         // gene indices (into the genes kept) beyond the whiskers
  std::vector<double> outlierValues;
};

struct CountDistribution {
  std::vector<std::string> samples;
  std::vector<std::string> genes;            // the genes kept (rows not all zero)
  std::vector<BoxStatistics> boxes;          // one per sample
  std::size_t droppedAllZero = 0;            // genes with a zero in every sample, left out
};

// `counts` is samples x genes (raw counts), `sizeFactors` one per sample (DESeq2's): values are
// log2(count / sizeFactor + 1). Throws InputError (naming `source`) when the sizes disagree or a factor is not
// positive.
CountDistribution countDistribution(const data::CountMatrix& counts, const Eigen::VectorXd& sizeFactors,
                                    const std::string& source = {});

// One box per sample at x = 0, 1, ... (sample names on the axis), filled by `groups` (one label per sample; empty =
// one colour) with a legend of the groups. The CSV export gives the box statistics per sample.
PlotModel countDistributionPlot(const CountDistribution& distribution, const std::vector<std::string>& groups = {},
                                const QString& title = {});

}  // namespace diffbio::plots

#pragma once
// Multiple testing as DESeq2 1.38 does it in results(): Benjamini–Hochberg adjustment (R's p.adjust "BH"),
// R's lowess smoother, and DESeq2's independent filtering on the mean of normalized counts (pvalueAdjustment,
// which calls genefilter::filtered_p).
//
// Missing values are NaN throughout (R's NA).
#include <Eigen/Core>
#include <optional>

namespace diffbio::stats {

// R's p.adjust(p, method = "BH"). NaN p-values stay NaN and do not count towards the number of tests n.
Eigen::VectorXd adjustBenjaminiHochberg(const Eigen::VectorXd& pvalues);

// R's seq(from, to, length.out = n), with its exact arithmetic: the ends are `from` and `to` themselves and the
// inner points are from + k * ((to - from) / (n - 1)).
Eigen::VectorXd evenlySpaced(double from, double to, int n);

// R's quantile(values, probabilities, type = 7) with R's interpolation formula (1 - h) * x[lo] + h * x[hi].
// NaN values are not allowed (R stops); `values` is taken by copy and sorted.
Eigen::VectorXd quantilesType7(Eigen::VectorXd values, const Eigen::VectorXd& probabilities);

// R's lowess(x, y, f, iter, delta): a robust locally weighted linear smoother (Cleveland 1979, the C routine
// clowess). `delta` defaults to 0.01 * range(x), as in R. Returns x sorted ascending and the fitted y in that order.
struct LowessFit {
  Eigen::VectorXd x;
  Eigen::VectorXd y;
};
LowessFit lowess(const Eigen::VectorXd& x, const Eigen::VectorXd& y, double f = 2.0 / 3.0, int iterations = 3,
                 std::optional<double> delta = std::nullopt);

// DESeq2's independent filtering (results(independentFiltering = TRUE), function pvalueAdjustment).
struct IndependentFiltering {
  Eigen::VectorXd padj;             // BH-adjusted p-values at the chosen threshold; NaN for filtered genes
  double filterThreshold = 0;       // the chosen cutoff on the filter statistic (genes with filter >= it are kept)
  double filterTheta = 0;           // the quantile of the filter statistic that gives that cutoff
  Eigen::Index chosenIndex = 0;     // index into theta (0-based; R's j - 1)
  Eigen::VectorXd theta;            // the quantiles tried
  Eigen::VectorXd cutoffs;          // the filter value at each theta
  Eigen::VectorXd rejections;       // number of padj < alpha at each theta
  Eigen::VectorXd lowessFit;        // lowess(rejections ~ theta, f = 1/5) at each theta
};

// `filter` is the filter statistic (DESeq2: baseMean, the mean of normalized counts); it must have no NaN.
// `theta` defaults to 50 evenly spaced quantiles from the fraction of genes with filter == 0 to 0.95 (or to 1 when
// that fraction is 0.95 or more). For each theta the genes with filter >= quantile(filter, theta) are adjusted by BH
// together; the chosen theta is the first whose number of rejections (padj < alpha) exceeds the lowess fit's
// maximum minus the root mean square of its residuals (over thetas with rejections), or the first theta when no
// more than 10 genes are ever rejected.
IndependentFiltering independentFiltering(const Eigen::VectorXd& pvalues, const Eigen::VectorXd& filter,
                                          double alpha = 0.1,
                                          std::optional<Eigen::VectorXd> theta = std::nullopt);

}  // namespace diffbio::stats

#include "core/stats/dispersion_prior.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/stats/dispersion_local_regression.h"
#include "core/stats/nb_likelihood.h"
#include "core/stats/size_factors.h"

namespace diffbio::stats {

namespace {

// Residuals log(geneWise) - log(trend) for the genes DESeq2 uses (geneWise >= 100 * minDisp).
std::vector<double> logResiduals(const Eigen::VectorXd& geneWise, const Eigen::VectorXd& trend, double minDisp) {
  std::vector<double> r;
  for (Eigen::Index i = 0; i < geneWise.size(); ++i) {
    const double value = std::log(geneWise[i]) - std::log(trend[i]);
    if (geneWise[i] >= 100 * minDisp && !std::isnan(value)) r.push_back(value);
  }
  return r;
}

// R's hist(x, breaks = -10, -9.5, ..., 10)$density: right-closed bins, the first one closed on both sides.
std::vector<double> histogramDensity(const std::vector<double>& values) {
  constexpr int bins = 40;
  constexpr double from = -10.0, width = 0.5;
  std::vector<double> density(bins, 0.0);
  for (double v : values) {
    int bin = static_cast<int>(std::ceil((v - from) / width)) - 1;  // (a, b] -> bin
    bin = std::clamp(bin, 0, bins - 1);
    density[static_cast<std::size_t>(bin)] += 1.0;
  }
  for (double& d : density) d /= static_cast<double>(values.size()) * width;
  return density;
}

// The simulation branch of estimateDispersionsPriorVar (1 <= m - p <= 3).
double simulatedPriorVariance(const std::vector<double>& residuals, double df, std::uint64_t seed) {
  const auto inside = [](double v) { return v > -10.0 && v < 10.0; };
  std::vector<double> observed;
  for (double v : residuals)
    if (inside(v)) observed.push_back(v);
  const std::vector<double> observedDensity = histogramDensity(observed);

  std::mt19937_64 rng(seed);
  std::chi_squared_distribution<double> chiSquare(df);
  std::normal_distribution<double> normal(0.0, 1.0);
  constexpr int gridSize = 200, draws = 10000;
  const Eigen::VectorXd grid = Eigen::VectorXd::LinSpaced(gridSize, 0.0, 8.0);
  Eigen::VectorXd divergence(gridSize);
  std::vector<double> simulated;
  for (int g = 0; g < gridSize; ++g) {
    simulated.clear();
    const double sd = std::sqrt(grid[g]);
    for (int k = 0; k < draws; ++k) {
      const double v = std::log(chiSquare(rng)) + sd * normal(rng) - std::log(df);
      if (inside(v)) simulated.push_back(v);
    }
    const std::vector<double> simulatedDensity = histogramDensity(simulated);
    double small = INFINITY;
    for (double d : observedDensity)
      if (d > 0) small = std::min(small, d);
    for (double d : simulatedDensity)
      if (d > 0) small = std::min(small, d);
    double kl = 0;
    for (std::size_t b = 0; b < observedDensity.size(); ++b)
      kl += observedDensity[b] * (std::log(observedDensity[b] + small) - std::log(simulatedDensity[b] + small));
    divergence[g] = kl;
  }
  const Eigen::VectorXd fine = Eigen::VectorXd::LinSpaced(1000, 0.0, 8.0);
  const Eigen::VectorXd smoothed = localPolynomialRegression(grid, divergence, {}, fine, {0.2, 2});
  Eigen::Index best = 0;
  smoothed.minCoeff(&best);
  return std::max(fine[best], 0.25);
}

}  // namespace

double medianAbsoluteDeviation(const Eigen::VectorXd& values) {
  const double center = median(values);
  return 1.4826 * median((values.array() - center).abs().matrix());
}

double logDispersionResidualVariance(const Eigen::VectorXd& geneWise, const Eigen::VectorXd& trend,
                                     double minDisp) {
  std::vector<double> r = logResiduals(geneWise, trend, minDisp);
  if (r.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double mad = medianAbsoluteDeviation(Eigen::Map<Eigen::VectorXd>(r.data(), static_cast<Eigen::Index>(r.size())));
  return mad * mad;
}

double dispersionPriorVariance(const Eigen::VectorXd& geneWise, const Eigen::VectorXd& trend, double varLogDispEsts,
                               Eigen::Index nSamples, Eigen::Index nCoefficients, std::uint64_t seed,
                               double minDisp) {
  const Eigen::Index df = nSamples - nCoefficients;
  if (df <= 0) return varLogDispEsts;  // nothing to subtract: no sampling variance estimate
  if (df <= 3) return simulatedPriorVariance(logResiduals(geneWise, trend, minDisp), static_cast<double>(df), seed);
  // log of a scaled chi-square(df) variable has variance trigamma(df / 2).
  return std::max(varLogDispEsts - trigammaFunction(static_cast<double>(df) / 2.0), 0.25);
}

}  // namespace diffbio::stats

#include "core/stats/dispersion_trend.h"

#include "core/stats/r_summaries.h"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/stats/dispersion_local_regression.h"
#include "core/util/error.h"

namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R's Gamma()$dev.resids summed: 2 * sum(-log(y / mu) + (y - mu) / mu).
double gammaDeviance(const Eigen::VectorXd& y, const Eigen::VectorXd& mu) {
  double dev = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i)
    dev += -2.0 * (std::log(y[i] == 0 ? 1.0 : y[i] / mu[i]) - (y[i] - mu[i]) / mu[i]);
  return dev;
}

bool validGammaMeans(const Eigen::VectorXd& mu) { return mu.allFinite() && (mu.array() > 0).all(); }

struct GlmResult {
  Eigen::Vector2d coefficients;
  bool converged = false;
};

// R's glm.fit for family = Gamma(link = "identity") with given starting coefficients, no offset, unit prior
// weights, epsilon 1e-8, maxit 25, including its step-halving when the deviance is not finite or a mean is not
// positive. With the identity link the working response is y itself and the working weights are 1 / mu^2.
// Returns false where R stops with an error.
bool gammaIdentityGlm(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Eigen::Vector2d start, GlmResult& out) {
  constexpr double epsilon = 1e-8;
  constexpr int maxit = 25;
  Eigen::VectorXd mu = x * start;
  if (!validGammaMeans(mu)) return false;  // "cannot find valid starting values"
  double devOld = gammaDeviance(y, mu);
  Eigen::Vector2d coefOld = start;
  out.converged = false;
  for (int iter = 1; iter <= maxit; ++iter) {
    const Eigen::VectorXd w = mu.cwiseInverse();  // sqrt of the working weights 1/mu^2
    const Eigen::MatrixXd weightedX = x.array().colwise() * w.array();
    const Eigen::VectorXd fit = weightedX.colPivHouseholderQr().solve(y.cwiseProduct(w));
    if (!fit.allFinite()) break;  // R warns "non-finite coefficients" and stops iterating
    start = fit;
    mu = x * start;
    double dev = gammaDeviance(y, mu);
    for (int halving = 1; !std::isfinite(dev); ++halving) {
      if (halving > maxit) return false;  // "inner loop 1; cannot correct step size"
      start = (start + coefOld) / 2;
      mu = x * start;
      dev = gammaDeviance(y, mu);
    }
    if (!validGammaMeans(mu)) {
      for (int halving = 1; !validGammaMeans(mu); ++halving) {
        if (halving > maxit) return false;  // "inner loop 2; cannot correct step size"
        start = (start + coefOld) / 2;
        mu = x * start;
      }
      dev = gammaDeviance(y, mu);
    }
    if (std::abs(dev - devOld) / (std::abs(dev) + 0.1) < epsilon) {
      out.converged = true;
      break;
    }
    devOld = dev;
    coefOld = start;
  }
  out.coefficients = start;
  return true;
}

// Local fit of log dispersion on log mean (DESeq2's localDispersionFit uses locfit with weights = means),
// tabulated on a grid and interpolated linearly; constant beyond the ends of the data.
void fitLocalTrend(const Eigen::VectorXd& means, const Eigen::VectorXd& dispersions, DispersionTrend& trend) {
  constexpr Eigen::Index gridSize = 128;
  const Eigen::VectorXd logMeans = means.array().log();
  const double lo = logMeans.minCoeff(), hi = logMeans.maxCoeff();
  trend.localLogMeans = hi > lo ? Eigen::VectorXd(Eigen::VectorXd::LinSpaced(gridSize, lo, hi))
                                : Eigen::VectorXd(Eigen::VectorXd::Constant(1, lo));
  trend.localLogDispersions = localPolynomialRegression(logMeans, dispersions.array().log().matrix(), means,
                                                        trend.localLogMeans, {0.7, 2});
}

double interpolateLocal(const DispersionTrend& trend, double baseMean) {
  const Eigen::VectorXd& gx = trend.localLogMeans;
  const Eigen::VectorXd& gy = trend.localLogDispersions;
  const double t = std::log(baseMean);
  if (gx.size() == 1 || t <= gx[0]) return std::exp(gy[0]);
  if (t >= gx[gx.size() - 1]) return std::exp(gy[gy.size() - 1]);
  const auto upper = std::upper_bound(gx.data(), gx.data() + gx.size(), t) - gx.data();
  const double f = (t - gx[upper - 1]) / (gx[upper] - gx[upper - 1]);
  return std::exp(gy[upper - 1] + f * (gy[upper] - gy[upper - 1]));
}

const char* kLocalNote =
    "local dispersion trend: a local quadratic regression of log dispersion on log mean, similar to but not "
    "identical with DESeq2's locfit fit";

}  // namespace

const char* dispersionFitTypeName(DispersionFitType type) {
  switch (type) {
    case DispersionFitType::Parametric: return "parametric";
    case DispersionFitType::Local: return "local";
    case DispersionFitType::Mean: return "mean";
  }
  return "?";
}

DispersionFitType parseDispersionFitType(const std::string& name) {
  for (auto t : {DispersionFitType::Parametric, DispersionFitType::Local, DispersionFitType::Mean})
    if (name == dispersionFitTypeName(t)) return t;
  throw std::invalid_argument("unknown dispersion fit type '" + name + "': use parametric, local or mean");
}

bool fitParametricTrend(const Eigen::VectorXd& means, const Eigen::VectorXd& dispersions, double& asymptDisp,
                        double& extraPois) {
  Eigen::Vector2d coefs(0.1, 1.0);
  for (int iter = 0;;) {
    std::vector<Eigen::Index> good;
    for (Eigen::Index i = 0; i < means.size(); ++i) {
      const double residual = dispersions[i] / (coefs[0] + coefs[1] / means[i]);
      if (residual > 1e-4 && residual < 15) good.push_back(i);
    }
    const auto nGood = static_cast<Eigen::Index>(good.size());
    if (nGood < 2) return false;
    Eigen::MatrixXd x(nGood, 2);
    Eigen::VectorXd y(nGood);
    for (Eigen::Index k = 0; k < nGood; ++k) {
      x(k, 0) = 1.0;
      x(k, 1) = 1.0 / means[good[k]];
      y[k] = dispersions[good[k]];
    }
    GlmResult fit;
    if (!gammaIdentityGlm(x, y, coefs, fit)) return false;
    const Eigen::Vector2d old = coefs;
    coefs = fit.coefficients;
    asymptDisp = coefs[0];
    extraPois = coefs[1];
    if (!(coefs.array() > 0).all()) return false;
    if ((coefs.array() / old.array()).log().square().sum() < 1e-6 && fit.converged) return true;
    if (++iter > 10) return false;
  }
}

DispersionTrend fitDispersionTrend(const Eigen::VectorXd& baseMeans, const Eigen::VectorXd& geneWise,
                                   DispersionFitType type, double minDisp) {
  std::vector<Eigen::Index> use;
  for (Eigen::Index i = 0; i < geneWise.size(); ++i)
    if (geneWise[i] > 100 * minDisp && baseMeans[i] > 0) use.push_back(i);
  if (use.empty()) {
    throw InputError({}, "all gene-wise dispersion estimates are within two orders of magnitude of the minimum "
                         "value, so no mean-dispersion trend can be fitted",
                     "use the gene-wise estimates as final dispersions, or check that the samples are replicates");
  }
  Eigen::VectorXd means(static_cast<Eigen::Index>(use.size())), disps(means.size());
  for (std::size_t k = 0; k < use.size(); ++k) {
    means[static_cast<Eigen::Index>(k)] = baseMeans[use[k]];
    disps[static_cast<Eigen::Index>(k)] = geneWise[use[k]];
  }

  DispersionTrend trend;
  trend.requested = trend.used = type;
  if (type == DispersionFitType::Parametric && !fitParametricTrend(means, disps, trend.asymptDisp, trend.extraPois)) {
    trend.used = DispersionFitType::Local;
    trend.note = "the parametric trend a + b/mean did not fit these data, so a local regression was used instead "
                 "(as DESeq2 does); ";
  }
  if (trend.used == DispersionFitType::Local) {
    fitLocalTrend(means, disps, trend);
    trend.note += kLocalNote;
  }
  if (trend.used == DispersionFitType::Mean) {
    // DESeq2 averages the estimates above 10 * minDisp (not 100 *) for this fit type.
    std::vector<double> kept;
    for (Eigen::Index i = 0; i < geneWise.size(); ++i)
      if (geneWise[i] > 10 * minDisp) kept.push_back(geneWise[i]);
    trend.meanDispersion = trimmedMean(std::move(kept), 0.001);
  }
  return trend;
}

double DispersionTrend::operator()(double baseMean) const {
  if (std::isnan(baseMean)) return kNaN;
  switch (used) {
    case DispersionFitType::Parametric: return asymptDisp + extraPois / baseMean;
    case DispersionFitType::Mean: return meanDispersion;
    case DispersionFitType::Local: return interpolateLocal(*this, baseMean);
  }
  return kNaN;
}

Eigen::VectorXd DispersionTrend::operator()(const Eigen::VectorXd& baseMeans) const {
  Eigen::VectorXd out(baseMeans.size());
  for (Eigen::Index i = 0; i < baseMeans.size(); ++i) out[i] = (*this)(baseMeans[i]);
  return out;
}

}  // namespace diffbio::stats

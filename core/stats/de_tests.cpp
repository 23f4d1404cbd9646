#include "core/stats/de_tests.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R's pmax / pmin for two values: NaN in, NaN out (std::max would silently drop a NaN).
double maxOrNaN(double a, double b) { return (std::isnan(a) || std::isnan(b)) ? kNaN : std::max(a, b); }
double minOrNaN(double a, double b) { return (std::isnan(a) || std::isnan(b)) ? kNaN : std::min(a, b); }
// R's sign(): -1, 0 or 1, NaN for NaN.
double signOf(double v) { return std::isnan(v) ? kNaN : static_cast<double>((v > 0) - (v < 0)); }
// P(Z < z).
double normalLowerTail(double z) { return normalUpperTail(-z); }

void requireSameLength(const Eigen::VectorXd& a, const Eigen::VectorXd& b, const char* what) {
  if (a.size() != b.size()) throw std::invalid_argument(std::string(what) + ": inputs differ in length");
}

}  // namespace

double normalUpperTail(double z) {
  if (std::isnan(z)) return kNaN;
  if (std::isinf(z)) return z > 0 ? 0.0 : 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(), z));
}

double waldPvalue(double stat) { return std::isnan(stat) ? kNaN : 2.0 * normalUpperTail(std::fabs(stat)); }

double logWaldPvalue(double stat) {
  if (std::isnan(stat)) return kNaN;
  const double z = std::fabs(stat);
  const double p = waldPvalue(z);
  if (p > 1e-300) return std::log(p);
  if (std::isinf(z)) return -std::numeric_limits<double>::infinity();
  // Far tail (z > 37): P(Z > z) = phi(z) * R(z) with Mills' ratio R(z) = 1 / (z + 1/(z + 2/(z + 3/(z + ...)))).
  // The continued fraction converges in a few terms at such z; 60 terms leave no visible error.
  double denominator = z;
  for (int k = 60; k >= 1; --k) denominator = z + k / denominator;
  const double logPhi = -0.5 * z * z - 0.5 * std::log(2.0 * M_PI);
  return std::log(2.0) + logPhi - std::log(denominator);
}

double chiSquaredUpperTail(double statistic, double df) {
  if (std::isnan(statistic) || std::isnan(df)) return kNaN;
  if (!(df > 0)) throw std::invalid_argument("chiSquaredUpperTail: degrees of freedom must be positive");
  if (statistic <= 0) return 1.0;
  if (std::isinf(statistic)) return 0.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared_distribution<double>(df), statistic));
}

const char* altHypothesisName(AltHypothesis alt) {
  switch (alt) {
    case AltHypothesis::GreaterAbs: return "greaterAbs";
    case AltHypothesis::LessAbs: return "lessAbs";
    case AltHypothesis::Greater: return "greater";
    case AltHypothesis::Less: return "less";
  }
  return "?";
}

AltHypothesis parseAltHypothesis(const std::string& name) {
  for (auto alt : {AltHypothesis::GreaterAbs, AltHypothesis::LessAbs, AltHypothesis::Greater, AltHypothesis::Less})
    if (name == altHypothesisName(alt)) return alt;
  throw std::invalid_argument("unknown altHypothesis '" + name + "'; use greaterAbs, lessAbs, greater or less");
}

TestResult waldTest(const Eigen::VectorXd& log2FoldChange, const Eigen::VectorXd& lfcSE, double lfcThreshold,
                    AltHypothesis alt) {
  requireSameLength(log2FoldChange, lfcSE, "waldTest");
  if (!(lfcThreshold >= 0)) throw std::invalid_argument("waldTest: lfcThreshold must be >= 0 (DESeq2 requires it)");
  if (alt == AltHypothesis::LessAbs && lfcThreshold == 0)
    throw std::invalid_argument("waldTest: altHypothesis lessAbs needs a positive lfcThreshold");
  const double t = lfcThreshold;
  const Eigen::Index n = log2FoldChange.size();
  TestResult result{Eigen::VectorXd(n), Eigen::VectorXd(n)};
  for (Eigen::Index g = 0; g < n; ++g) {
    const double lfc = log2FoldChange[g], se = lfcSE[g];
    double stat = kNaN, p = kNaN;
    switch (alt) {
      case AltHypothesis::GreaterAbs:
        if (t == 0) {  // nbinomWaldTest's plain test
          stat = lfc / se;
          p = waldPvalue(stat);
        } else {
          stat = signOf(lfc) * maxOrNaN(0.0, std::fabs(lfc) - t) / se;
          p = minOrNaN(1.0, 2.0 * normalUpperTail((std::fabs(lfc) - t) / se));
        }
        break;
      case AltHypothesis::LessAbs: {
        const double statAbove = maxOrNaN(0.0, t - lfc) / se;
        const double statBelow = maxOrNaN(0.0, lfc + t) / se;
        stat = minOrNaN(statAbove, statBelow);
        p = maxOrNaN(normalLowerTail((lfc - t) / se), normalUpperTail((lfc + t) / se));
        break;
      }
      case AltHypothesis::Greater:
        stat = maxOrNaN(0.0, lfc - t) / se;
        p = normalUpperTail((lfc - t) / se);
        break;
      case AltHypothesis::Less:
        // DESeq2 <= 1.38 (and the PyDESeq2 references): a non-positive statistic, min(0, (LFC + T) / SE).
        stat = minOrNaN((lfc + t) / se, 0.0);
        p = normalLowerTail((lfc + t) / se);
        break;
    }
    result.stat[g] = stat;
    result.pvalue[g] = p;
  }
  return result;
}

ContrastEstimate estimateContrast(const Eigen::MatrixXd& coefficients, const Eigen::MatrixXd& covariances,
                                  const Eigen::VectorXd& contrast) {
  const Eigen::Index p = coefficients.cols();
  if (contrast.size() != p)
    throw std::invalid_argument("estimateContrast: the contrast needs one weight per coefficient (" +
                                std::to_string(p) + ")");
  if (covariances.rows() != coefficients.rows() || covariances.cols() != p * p)
    throw std::invalid_argument("estimateContrast: covariances must be genes x p*p");
  if ((contrast.array() == 0).all()) throw std::invalid_argument("estimateContrast: the contrast is all zero");
  const Eigen::Index nGenes = coefficients.rows();
  ContrastEstimate result{coefficients * contrast, Eigen::VectorXd(nGenes)};
  Eigen::MatrixXd sigma(p, p);
  for (Eigen::Index g = 0; g < nGenes; ++g) {
    for (Eigen::Index j = 0; j < p; ++j)
      for (Eigen::Index i = 0; i < p; ++i) sigma(i, j) = covariances(g, i + j * p);
    // c' Sigma c, evaluated left to right as DESeq2's fitBeta does.
    result.lfcSE[g] = std::sqrt((contrast.transpose() * sigma).dot(contrast));
  }
  return result;
}

TestResult likelihoodRatioTest(const Eigen::VectorXd& logLikFull, const Eigen::VectorXd& logLikReduced,
                               int degreesOfFreedom) {
  requireSameLength(logLikFull, logLikReduced, "likelihoodRatioTest");
  if (degreesOfFreedom < 1)
    throw std::invalid_argument("likelihoodRatioTest: the full model needs more coefficients than the reduced one");
  const Eigen::Index n = logLikFull.size();
  TestResult result{Eigen::VectorXd(n), Eigen::VectorXd(n)};
  for (Eigen::Index g = 0; g < n; ++g) {
    result.stat[g] = 2.0 * (logLikFull[g] - logLikReduced[g]);
    result.pvalue[g] = chiSquaredUpperTail(result.stat[g], degreesOfFreedom);
  }
  return result;
}

}  // namespace diffbio::stats

#pragma once
// The mean-dispersion trend (DESeq2 1.38's estimateDispersionsFit): the prior mean for the MAP dispersions.
//
// - Parametric (DESeq2's default): alpha(mean) = asymptDisp + extraPois / mean, fitted as DESeq2's
//   parametricDispersionFit does: a Gamma-family GLM with identity link (R's glm.fit IRLS), refitted after dropping
//   genes whose residual ratio is outside (1e-4, 15), until the coefficients settle. DESeq2-exact.
// - Local: a local quadratic regression of log dispersion on log mean (tricube weights, 70 % nearest neighbours,
//   prior weights = mean), the idea of DESeq2's locfit call. NOT DESeq2-exact: locfit's interpolation scheme is not
//   replicated. Used automatically, with a note, when the parametric fit fails (as DESeq2 does).
// - Mean: the 0.1 %-trimmed mean of the gene-wise estimates (DESeq2's fitType = "mean"). DESeq2-exact.
#include <Eigen/Core>
#include <string>

namespace diffbio::stats {

enum class DispersionFitType { Parametric, Local, Mean };
const char* dispersionFitTypeName(DispersionFitType type);
// Accepts "parametric", "local", "mean"; throws std::invalid_argument listing them.
DispersionFitType parseDispersionFitType(const std::string& name);

struct DispersionTrend {
  DispersionFitType requested = DispersionFitType::Parametric;
  DispersionFitType used = DispersionFitType::Parametric;
  double asymptDisp = 0;      // parametric coefficients
  double extraPois = 0;
  double meanDispersion = 0;  // the value of the "mean" fit
  Eigen::VectorXd localLogMeans, localLogDispersions;  // the local fit, tabulated on a grid of log means
  std::string note;           // why the fit type changed and how exact the fit is; empty for an exact fit

  // The fitted dispersion at each mean of normalised counts. NaN means give NaN.
  Eigen::VectorXd operator()(const Eigen::VectorXd& baseMeans) const;
  double operator()(double baseMean) const;
};

// baseMeans and geneWise: one per gene (NaN for all-zero genes). Genes with a gene-wise estimate above
// 100 * minDisp are used. Throws InputError when no gene qualifies (every estimate sits at the lower bound).
DispersionTrend fitDispersionTrend(const Eigen::VectorXd& baseMeans, const Eigen::VectorXd& geneWise,
                                   DispersionFitType type = DispersionFitType::Parametric, double minDisp = 1e-8);

// DESeq2's parametricDispersionFit on already selected genes. Returns false (and leaves the coefficients as they
// were last) when the fit fails: a coefficient <= 0, no convergence in 10 rounds, or a failing Gamma GLM.
bool fitParametricTrend(const Eigen::VectorXd& means, const Eigen::VectorXd& dispersions, double& asymptDisp,
                        double& extraPois);

}  // namespace diffbio::stats

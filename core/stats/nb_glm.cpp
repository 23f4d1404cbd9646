#include "core/stats/nb_glm.h"

#include "core/util/parallel.h"

#include <Eigen/Cholesky>
#include <Eigen/QR>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/stats/model_matrix_groups.h"
#include "core/stats/nb_glm_fallback.h"
#include "core/stats/nb_likelihood.h"


namespace diffbio::stats {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// fitBeta gives up (and marks the gene for the fallback) once a coefficient exceeds this on the natural-log scale.
constexpr double kLargeBeta = 30.0;
// DESeq2's optim bounds, +-30 on the log2 scale.
const double kFallbackBound = 30.0 * std::log(2.0);
const double kLog2E = 1.0 / std::log(2.0);

// What every gene shares: the design, its decompositions and the penalty.
struct Design {
  explicit Design(const Eigen::MatrixXd& modelMatrix) : x(modelMatrix) {}
  const Eigen::MatrixXd& x;
  DesignGroups groups;          // distinct rows: the linear predictor and X'WX are computed per group
  Eigen::VectorXd ridgeNat;     // lambda / log(2)^2: the log2-scale penalty moved to the natural-log scale
  Eigen::VectorXd ridgeLog2;
  bool interceptOnly = false;
  bool fullRank = false;
  Eigen::MatrixXd pseudoInverse;  // (X'X)^-1 X' (p x n), for the least-squares starting values
  Eigen::Index interceptColumn = -1;
};

// Starting values, as fitNbinomGLMs: with a full-rank design the least-squares fit of log(normalized + 0.1);
// otherwise log of the mean normalised count on an intercept column (zeros elsewhere), or ones without one.
Eigen::VectorXd startingBeta(const Design& d, const Eigen::VectorXd& normalized) {
  if (d.fullRank) return d.pseudoInverse * (normalized.array() + 0.1).log().matrix();
  if (d.interceptColumn >= 0) {
    Eigen::VectorXd beta = Eigen::VectorXd::Zero(d.x.cols());
    beta[d.interceptColumn] = std::log(normalized.mean());
    return beta;
  }
  return Eigen::VectorXd::Ones(d.x.cols());
}

struct GeneInput {
  const double* y;
  const double* sf;
  double alpha;
  Eigen::Index n;
};

// Working storage reused across the genes of one thread.
struct Workspace {
  Eigen::VectorXd normalized, mu, w, eta, expEta, groupW, groupWz, rhs, beta, row;
  std::vector<std::uint8_t> floored;
  Eigen::MatrixXd xtwx, penalized, inverse;
  Eigen::LLT<Eigen::MatrixXd> llt;
};

// mu_j = s_j exp(x_j' beta), floored at minMu (fitBeta's mu_hat); eta holds x_g' beta per group.
void updateMeans(const Design& d, const GeneInput& g, const Eigen::VectorXd& beta, double minMu, Workspace& ws) {
  ws.eta.noalias() = d.groups.rows * beta;
  ws.expEta = ws.eta.array().exp();  // a reused buffer: no allocation per iteration
  for (Eigen::Index j = 0; j < g.n; ++j) {
    const double m = g.sf[j] * ws.expEta[d.groups.groupOfSample[static_cast<std::size_t>(j)]];
    ws.floored[static_cast<std::size_t>(j)] = m < minMu;
    ws.mu[j] = std::max(m, minMu);
  }
}

// Weights w = mu / (1 + alpha mu), their group sums and X'WX (without the ridge).
void updateWeights(const Design& d, const GeneInput& g, Workspace& ws) {
  ws.groupW.setZero();
  for (Eigen::Index j = 0; j < g.n; ++j) {
    ws.w[j] = ws.mu[j] / (1.0 + g.alpha * ws.mu[j]);
    ws.groupW[d.groups.groupOfSample[static_cast<std::size_t>(j)]] += ws.w[j];
  }
  ws.xtwx.setZero();
  addGroupCrossProduct(d.groups, ws.groupW, ws.xtwx);
}

struct GeneFit {
  Eigen::VectorXd beta, variance;
  int iterations = 0;
  bool converged = false;
};

// DESeq2's fitBeta for one gene: IRLS on the ridge-penalised likelihood, working response
// z = log(mu / s) + (y - mu) / mu. The weighted least-squares step solves (X'WX + Lambda) beta = X'Wz by Cholesky;
// DESeq2 uses QR of the augmented matrix [sqrt(W) X; sqrt(Lambda)], which gives the same solution.
GeneFit irls(const Design& d, const GeneInput& g, const NbGeneLikelihood& likelihood, const NbGlmOptions& options,
             Workspace& ws, Eigen::Ref<Eigen::RowVectorXd> hatRow) {
  GeneFit fit;
  ws.beta = startingBeta(d, ws.normalized);
  updateMeans(d, g, ws.beta, options.minMu, ws);
  double devOld = 0.0;
  for (int t = 0; t < options.maxIterations; ++t) {
    ++fit.iterations;
    updateWeights(d, g, ws);
    ws.groupWz.setZero();
    for (Eigen::Index j = 0; j < g.n; ++j) {
      const int group = d.groups.groupOfSample[static_cast<std::size_t>(j)];
      // log(mu / s) is the linear predictor unless the mean was floored.
      const double logMean = ws.floored[static_cast<std::size_t>(j)] ? std::log(ws.mu[j] / g.sf[j]) : ws.eta[group];
      ws.groupWz[group] += ws.w[j] * (logMean + (g.y[j] - ws.mu[j]) / ws.mu[j]);
    }
    ws.rhs.noalias() = d.groups.rows.transpose() * ws.groupWz;  // X'Wz
    ws.xtwx.diagonal() += d.ridgeNat;
    ws.llt.compute(ws.xtwx);
    ws.beta = ws.llt.solve(ws.rhs);
    if ((ws.beta.array().abs() > kLargeBeta).any() || !ws.beta.allFinite()) {
      fit.iterations = options.maxIterations;
      break;
    }
    updateMeans(d, g, ws.beta, options.minMu, ws);
    const double dev = -2.0 * likelihood.logLikelihood(ws.mu.data());
    const double convTest = std::abs(dev - devOld) / (std::abs(dev) + 0.1);
    if (std::isnan(convTest)) {
      fit.iterations = options.maxIterations;
      break;
    }
    if (t > 0 && convTest < options.betaTolerance) break;
    devOld = dev;
  }
  fit.beta = ws.beta;
  fit.converged = fit.iterations < options.maxIterations;

  // Covariance (X'WX + L)^-1 X'WX (X'WX + L)^-1 and hat diagonal w_j x_j' (X'WX + L)^-1 x_j at the final means,
  // recomputing w as fitBeta does.
  updateWeights(d, g, ws);
  ws.penalized = ws.xtwx;
  ws.penalized.diagonal() += d.ridgeNat;
  ws.inverse = ws.penalized.llt().solve(Eigen::MatrixXd::Identity(d.x.cols(), d.x.cols()));
  fit.variance = (ws.inverse * ws.xtwx * ws.inverse).diagonal();
  ws.row.resize(d.groups.count());
  for (Eigen::Index group = 0; group < d.groups.count(); ++group)
    ws.row[group] = d.groups.rows.row(group).dot(ws.inverse * d.groups.rows.row(group).transpose());
  for (Eigen::Index j = 0; j < g.n; ++j) hatRow[j] = ws.w[j] * ws.row[d.groups.groupOfSample[static_cast<std::size_t>(j)]];
  return fit;
}

// DESeq2's shortcut for `~ 1`: the MLE of the intercept is the log mean of the normalised counts.
GeneFit interceptOnly(const GeneInput& g, Workspace& ws, Eigen::Ref<Eigen::RowVectorXd> hatRow) {
  GeneFit fit;
  const double logMean = std::log(ws.normalized.mean());
  double xtwx = 0;
  for (Eigen::Index j = 0; j < g.n; ++j) {
    ws.mu[j] = g.sf[j] * std::exp(logMean);
    ws.w[j] = 1.0 / (1.0 / ws.mu[j] + g.alpha);
    xtwx += ws.w[j];
  }
  for (Eigen::Index j = 0; j < g.n; ++j) hatRow[j] = ws.w[j] / xtwx;
  fit.beta = Eigen::VectorXd::Constant(1, logMean);
  fit.variance = Eigen::VectorXd::Constant(1, 1.0 / xtwx);
  fit.iterations = 1;
  fit.converged = true;
  return fit;
}

void checkShapes(const Counts& counts, const Eigen::VectorXd& sizeFactors, const Eigen::MatrixXd& x,
                 const Eigen::VectorXd& dispersions, const NbGlmOptions& options) {
  const auto fail = [](const std::string& what) { throw std::invalid_argument("fitNegativeBinomialGlm: " + what); };
  if (sizeFactors.size() != counts.rows()) fail("one size factor per sample (row of counts) expected");
  if (x.rows() != counts.rows()) fail("the model matrix needs one row per sample");
  if (x.cols() < 1) fail("the model matrix has no columns");
  if (dispersions.size() != counts.cols()) fail("one dispersion per gene (column of counts) expected");
  if (options.ridgeLog2.size() != 0 && options.ridgeLog2.size() != x.cols())
    fail("ridgeLog2 needs one value per coefficient");
}

}  // namespace

bool isInterceptOnly(const Eigen::MatrixXd& modelMatrix) {
  return modelMatrix.cols() == 1 && (modelMatrix.array() == 1.0).all();
}

Eigen::MatrixXd GlmFit::log2Beta() const { return beta * kLog2E; }

Eigen::MatrixXd GlmFit::log2StandardError() const { return betaVariance.cwiseMax(0.0).cwiseSqrt() * kLog2E; }

GlmFit fitNegativeBinomialGlm(const Counts& counts, const Eigen::VectorXd& sizeFactors,
                              const Eigen::MatrixXd& modelMatrix, const Eigen::VectorXd& dispersions,
                              const NbGlmOptions& options) {
  checkShapes(counts, sizeFactors, modelMatrix, dispersions, options);
  const Eigen::Index n = counts.rows(), nGenes = counts.cols(), p = modelMatrix.cols();

  Design design(modelMatrix);
  design.ridgeLog2 = options.ridgeLog2.size() ? options.ridgeLog2 : Eigen::VectorXd::Constant(p, 1e-6);
  design.ridgeNat = design.ridgeLog2 / std::pow(std::log(2.0), 2);
  design.interceptOnly = isInterceptOnly(modelMatrix);
  design.groups = designGroups(modelMatrix);
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(modelMatrix);
  qr.setThreshold(1e-7);  // R's qr() tolerance
  design.fullRank = qr.rank() == p;
  if (design.fullRank) design.pseudoInverse = qr.solve(Eigen::MatrixXd::Identity(n, n));
  for (Eigen::Index k = 0; k < p && design.interceptColumn < 0; ++k)
    if ((modelMatrix.col(k).array() == 1.0).all()) design.interceptColumn = k;

  // Column-major samples x genes: each gene's counts are contiguous.
  const Eigen::MatrixXd y = counts;

  GlmFit out;
  out.beta = Eigen::MatrixXd::Constant(nGenes, p, kNaN);
  out.betaVariance = Eigen::MatrixXd::Constant(nGenes, p, kNaN);
  out.mu = Eigen::MatrixXd::Constant(nGenes, n, kNaN);
  out.hatDiagonal = Eigen::MatrixXd::Constant(nGenes, n, kNaN);
  out.logLikelihood = Eigen::VectorXd::Constant(nGenes, kNaN);
  out.iterations = Eigen::VectorXi::Zero(nGenes);
  std::vector<std::uint8_t> converged(nGenes, 0), fallback(nGenes, 0);

  parallelChunks(nGenes, 32, [&](const auto& next) {
    Workspace ws;
    ws.mu.resize(n);
    ws.w.resize(n);
    ws.floored.resize(static_cast<std::size_t>(n));
    ws.groupW.resize(design.groups.count());
    ws.groupWz.resize(design.groups.count());
    ws.xtwx.resize(p, p);
    Eigen::RowVectorXd hatRow(n);
    Eigen::VectorXd finalMu(n);
    for (std::int64_t begin, end; next(begin, end);)  // chunks handed out as threads become free
    for (std::int64_t gene = begin; gene < end; ++gene) {
      const double* yg = y.col(gene).data();
      const double alpha = dispersions[gene];
      if (!(alpha > 0) || !std::isfinite(alpha) || y.col(gene).maxCoeff() <= 0) continue;
      const GeneInput input{yg, sizeFactors.data(), alpha, n};
      ws.normalized = y.col(gene).cwiseQuotient(sizeFactors);

      const NbGeneLikelihood likelihood(yg, n, alpha);
      GeneFit fit = design.interceptOnly ? interceptOnly(input, ws, hatRow)
                                         : irls(design, input, likelihood, options, ws, hatRow);
      const bool stable = fit.beta.allFinite();
      const bool positiveVariance = (fit.variance.array() > 0).all();
      finalMu = (modelMatrix * fit.beta).array().exp() * sizeFactors.array();
      double logLik = likelihood.logLikelihood(finalMu.data());

      if (options.useFallbackOptimizer && !design.interceptOnly && (!fit.converged || !stable || !positiveVariance)) {
        // fitNbinomGLMsOptim: start from the IRLS estimate unless it blew up, then from the starting values.
        const bool startFromIrls = stable && (fit.beta.array().abs() * kLog2E < 30.0).all();
        PenalizedNbProblem problem{yg, sizeFactors.data(), &modelMatrix, alpha, design.ridgeNat, kFallbackBound};
        const auto solution = maximizePenalizedNbLikelihood(
            problem, startFromIrls ? fit.beta : startingBeta(design, ws.normalized));
        fit.beta = solution.beta;
        fit.converged = fit.converged || solution.converged;
        finalMu = (modelMatrix * fit.beta).array().exp() * sizeFactors.array();
        // As fitNbinomGLMsOptim: weights and log-likelihood from the floored means; the covariance uses the
        // log2-scale ridge (a DESeq2 quirk, negligible at lambda = 1e-6). The hat diagonal stays from IRLS.
        Eigen::VectorXd floored = finalMu.cwiseMax(options.minMu);
        Eigen::VectorXd w = (floored.cwiseInverse().array() + alpha).inverse();
        const Eigen::MatrixXd xtwx = modelMatrix.transpose() * w.asDiagonal() * modelMatrix;
        Eigen::MatrixXd penalized = xtwx;
        penalized.diagonal() += design.ridgeLog2;
        const Eigen::MatrixXd inverse = penalized.llt().solve(Eigen::MatrixXd::Identity(p, p));
        fit.variance = (inverse * xtwx * inverse).diagonal();
        logLik = likelihood.logLikelihood(floored.data());
        fallback[gene] = 1;
      }
      out.beta.row(gene) = fit.beta.transpose();
      out.betaVariance.row(gene) = fit.variance.transpose();
      out.mu.row(gene) = finalMu.transpose();
      out.hatDiagonal.row(gene) = hatRow;
      out.logLikelihood[gene] = logLik;
      out.iterations[gene] = fit.iterations;
      converged[gene] = fit.converged;
    }
  });
  out.converged.assign(converged.begin(), converged.end());
  out.usedFallback.assign(fallback.begin(), fallback.end());
  return out;
}

}  // namespace diffbio::stats

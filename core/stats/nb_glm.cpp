#include "core/stats/nb_glm.h"

#include "core/util/parallel.h"

#include <Eigen/Cholesky>
#include <algorithm>
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
// (The logarithm stays inside the product expression, as before: how Eigen evaluates it depends on the expression,
// and the starting values must keep their bits.)
void startingBeta(const Design& d, const Eigen::VectorXd& normalized, Eigen::VectorXd& beta) {
  if (d.fullRank) {
    beta.noalias() = d.pseudoInverse * (normalized.array() + 0.1).log().matrix();
    return;
  }
  if (d.interceptColumn >= 0) {
    beta.setZero(d.x.cols());
    beta[d.interceptColumn] = std::log(normalized.mean());
    return;
  }
  beta.setOnes(d.x.cols());
}

Eigen::VectorXd startingBeta(const Design& d, const Eigen::VectorXd& normalized) {
  Eigen::VectorXd beta;
  startingBeta(d, normalized, beta);
  return beta;
}

struct GeneInput {
  const double* y;
  const double* sf;
  double alpha;
  Eigen::Index n;
};

struct GeneFit {
  Eigen::VectorXd beta, variance;
  int iterations = 0;
  bool converged = false;
  // The log-likelihood at the last IRLS means (NaN when unknown); whether those means belong to the final beta and
  // whether any of them was floored. When they belong to it and none was floored, they are the final unfloored
  // means and this is the final log-likelihood (no second pass).
  double lastLogLikelihood = kNaN;
  bool meansOfFinalBeta = false;
  bool lastMeansFloored = true;
};

// Working storage reused across the genes of one thread: after the first gene, fitting allocates nothing. P is the
// number of coefficients when it is 1 or 2: the p x p algebra of every IRLS step then has fixed-size types,
// without the loops, size checks and calls of dynamic-size Eigen; Eigen::Dynamic otherwise.
template <int P>
struct Workspace {
  using Vector = Eigen::Matrix<double, P, 1>;
  using Matrix = Eigen::Matrix<double, P, P>;
  Workspace(Eigen::Index n, Eigen::Index nGroups, Eigen::Index p)
      : mu(n), w(n), groupW(nGroups), groupWz(nGroups), floored(static_cast<std::size_t>(n)) {
    if constexpr (P == Eigen::Dynamic) {
      rhs.resize(p);
      beta.resize(p);
      column.resize(p);
      xtwx.resize(p, p);
      penalized.resize(p, p);
      inverse.resize(p, p);
      product.resize(p, p);
    }
  }
  Eigen::VectorXd normalized, mu, w, eta, expEta, groupW, groupWz, row, start;
  std::vector<std::uint8_t> floored;
  bool anyFloored = false;
  Vector rhs, beta, column;
  Matrix xtwx, penalized, inverse, product;
  Eigen::LLT<Matrix> llt, covarianceLlt;
  GeneFit fit;
};

// sum_g w_g x_g x_g' (X'WX without the ridge).
template <int P>
void groupCrossProduct(const DesignGroups& groups, const Eigen::VectorXd& groupWeights,
                       typename Workspace<P>::Matrix& out) {
  out.setZero();
  addGroupCrossProduct(groups, groupWeights, out);
}

// mu_j = s_j exp(x_j' beta), floored at minMu (fitBeta's mu_hat); eta holds x_g' beta per group.
template <int P>
void updateMeans(const Design& d, const GeneInput& g, const typename Workspace<P>::Vector& beta, double minMu,
                 Workspace<P>& ws) {
  ws.eta.noalias() = d.groups.rows * beta;
  ws.expEta = ws.eta.array().exp();  // a reused buffer: no allocation per iteration
  bool anyFloored = false;
  for (std::size_t group = 0; group < d.groups.samplesOfGroup.size(); ++group) {
    const double expEta = ws.expEta[static_cast<Eigen::Index>(group)];
    for (const int j : d.groups.samplesOfGroup[group]) {
      const double m = g.sf[j] * expEta;
      const bool floored = m < minMu;
      ws.floored[static_cast<std::size_t>(j)] = floored;
      anyFloored = anyFloored || floored;
      ws.mu[j] = std::max(m, minMu);
    }
  }
  ws.anyFloored = anyFloored;
}

// Weights w = mu / (1 + alpha mu), their group sums and X'WX (without the ridge).
template <int P>
void updateWeights(const Design& d, const GeneInput& g, Workspace<P>& ws) {
  for (std::size_t group = 0; group < d.groups.samplesOfGroup.size(); ++group) {
    double sum = 0;  // in sample order, as a running sum over all samples would add them
    for (const int j : d.groups.samplesOfGroup[group]) {
      ws.w[j] = ws.mu[j] / (1.0 + g.alpha * ws.mu[j]);
      sum += ws.w[j];
    }
    ws.groupW[static_cast<Eigen::Index>(group)] = sum;
  }
  groupCrossProduct<P>(d.groups, ws.groupW, ws.xtwx);
}

// DESeq2's fitBeta for one gene: IRLS on the ridge-penalised likelihood, working response
// z = log(mu / s) + (y - mu) / mu. The weighted least-squares step solves (X'WX + Lambda) beta = X'Wz by Cholesky;
// DESeq2 uses QR of the augmented matrix [sqrt(W) X; sqrt(Lambda)], which gives the same solution.
template <int P>
GeneFit& irls(const Design& d, const GeneInput& g, const NbGeneLikelihood& likelihood, const NbGlmOptions& options,
              Workspace<P>& ws, Eigen::Ref<Eigen::RowVectorXd> hatRow) {
  GeneFit& fit = ws.fit;
  fit.iterations = 0;
  fit.lastLogLikelihood = kNaN;
  fit.lastMeansFloored = true;
  fit.meansOfFinalBeta = false;
  startingBeta(d, ws.normalized, ws.start);
  ws.beta = ws.start;
  updateMeans<P>(d, g, ws.beta, options.minMu, ws);
  double devOld = 0.0;
  for (int t = 0; t < options.maxIterations; ++t) {
    ++fit.iterations;
    // Weights, their group sums and the weighted working response in one pass (updateWeights' arithmetic), group
    // by group so that the sums stay in registers.
    for (std::size_t group = 0; group < d.groups.samplesOfGroup.size(); ++group) {
      const double eta = ws.eta[static_cast<Eigen::Index>(group)];
      double sumW = 0, sumWz = 0;
      for (const int j : d.groups.samplesOfGroup[group]) {
        const double mu = ws.mu[j];
        const double w = mu / (1.0 + g.alpha * mu);
        ws.w[j] = w;
        sumW += w;
        // log(mu / s) is the linear predictor unless the mean was floored.
        const double logMean = ws.floored[static_cast<std::size_t>(j)] ? std::log(mu / g.sf[j]) : eta;
        sumWz += w * (logMean + (g.y[j] - mu) / mu);
      }
      ws.groupW[static_cast<Eigen::Index>(group)] = sumW;
      ws.groupWz[static_cast<Eigen::Index>(group)] = sumWz;
    }
    groupCrossProduct<P>(d.groups, ws.groupW, ws.xtwx);
    ws.rhs.noalias() = d.groups.rows.transpose() * ws.groupWz;  // X'Wz
    ws.xtwx.diagonal() += d.ridgeNat;
    ws.llt.compute(ws.xtwx);
    ws.beta = ws.llt.solve(ws.rhs);
    if ((ws.beta.array().abs() > kLargeBeta).any() || !ws.beta.allFinite()) {
      fit.iterations = options.maxIterations;
      fit.meansOfFinalBeta = false;
      break;
    }
    updateMeans<P>(d, g, ws.beta, options.minMu, ws);
    const double logLik = likelihood.logLikelihood(ws.mu.data());
    fit.lastLogLikelihood = logLik;
    fit.lastMeansFloored = ws.anyFloored;
    fit.meansOfFinalBeta = true;
    const double dev = -2.0 * logLik;
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
  updateWeights<P>(d, g, ws);
  ws.penalized = ws.xtwx;
  ws.penalized.diagonal() += d.ridgeNat;
  ws.covarianceLlt.compute(ws.penalized);
  ws.inverse.setIdentity();
  ws.covarianceLlt.solveInPlace(ws.inverse);
  ws.product.noalias() = ws.inverse * ws.xtwx;
  fit.variance.resize(d.x.cols());
  for (Eigen::Index k = 0; k < d.x.cols(); ++k) fit.variance[k] = ws.product.row(k).dot(ws.inverse.col(k));
  ws.row.resize(d.groups.count());
  for (Eigen::Index group = 0; group < d.groups.count(); ++group) {
    ws.column.noalias() = ws.inverse * d.groups.rows.row(group).transpose();
    ws.row[group] = d.groups.rows.row(group).dot(ws.column);
  }
  for (Eigen::Index j = 0; j < g.n; ++j) hatRow[j] = ws.w[j] * ws.row[d.groups.groupOfSample[static_cast<std::size_t>(j)]];
  return fit;
}

// DESeq2's shortcut for `~ 1`: the MLE of the intercept is the log mean of the normalised counts.
template <int P>
GeneFit& interceptOnly(const GeneInput& g, Workspace<P>& ws, Eigen::Ref<Eigen::RowVectorXd> hatRow) {
  GeneFit& fit = ws.fit;
  fit.lastLogLikelihood = kNaN;
  fit.lastMeansFloored = true;
  fit.meansOfFinalBeta = false;
  const double logMean = std::log(ws.normalized.mean());
  double xtwx = 0;
  for (Eigen::Index j = 0; j < g.n; ++j) {
    ws.mu[j] = g.sf[j] * std::exp(logMean);
    ws.w[j] = 1.0 / (1.0 / ws.mu[j] + g.alpha);
    xtwx += ws.w[j];
  }
  for (Eigen::Index j = 0; j < g.n; ++j) hatRow[j] = ws.w[j] / xtwx;
  fit.beta.setConstant(1, logMean);
  fit.variance.setConstant(1, 1.0 / xtwx);
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

// Everything fitGenes needs from fitNegativeBinomialGlm.
struct FitJob {
  const Counts& counts;
  const Eigen::VectorXd& sizeFactors;
  const Eigen::MatrixXd& modelMatrix;
  const Eigen::VectorXd& dispersions;
  const NbGlmOptions& options;
  const Design& design;
  GlmFit& out;
  std::vector<std::uint8_t>& converged;
  std::vector<std::uint8_t>& fallback;
};

// The gene loop of fitNegativeBinomialGlm for P coefficients (Eigen::Dynamic: any number).
template <int P>
void fitGenes(const FitJob& job) {
  const Counts& counts = job.counts;
  const Eigen::VectorXd& sizeFactors = job.sizeFactors;
  const Eigen::MatrixXd& modelMatrix = job.modelMatrix;
  const Eigen::VectorXd& dispersions = job.dispersions;
  const NbGlmOptions& options = job.options;
  const Design& design = job.design;
  GlmFit& out = job.out;
  std::vector<std::uint8_t>& converged = job.converged;
  std::vector<std::uint8_t>& fallback = job.fallback;
  const Eigen::Index n = counts.rows(), nGenes = counts.cols(), p = modelMatrix.cols();
  parallelChunks(nGenes, 32, [&](const auto& next) {
    Workspace<P> ws(n, design.groups.count(), p);
    Eigen::RowVectorXd hatRow(n);
    Eigen::VectorXd finalMu(n), linear(n);
    // The chunk's counts, samples x genes column-major: each gene's counts contiguous. Copying one cache-sized
    // block per chunk replaces a column-major copy of the whole matrix.
    Eigen::MatrixXd block;
    for (std::int64_t begin, end; next(begin, end);) {  // chunks handed out as threads become free
      block = counts.middleCols(begin, end - begin);
      for (std::int64_t gene = begin; gene < end; ++gene) {
        const auto y = block.col(gene - begin);
        const double* yg = y.data();
        const double alpha = dispersions[gene];
        if (!(alpha > 0) || !std::isfinite(alpha) || y.maxCoeff() <= 0) {
          out.mu.row(gene).setConstant(kNaN);
          out.hatDiagonal.row(gene).setConstant(kNaN);
          continue;
        }
        const GeneInput input{yg, sizeFactors.data(), alpha, n};
        ws.normalized = y.cwiseQuotient(sizeFactors);

        const NbGeneLikelihood likelihood(yg, n, alpha);
        GeneFit& fit = design.interceptOnly ? interceptOnly<P>(input, ws, hatRow)
                                             : irls<P>(design, input, likelihood, options, ws, hatRow);
        const bool stable = fit.beta.allFinite();
        const bool positiveVariance = (fit.variance.array() > 0).all();
        linear.noalias() = modelMatrix * fit.beta;
        finalMu = linear.array().exp() * sizeFactors.array();
        // IRLS usually ended at these very means (none floored; per group they can differ in the last bit, e.g. where
        // the vector exp takes its scalar tail): then its last log-likelihood is the final one.
        const bool sameMeans = fit.meansOfFinalBeta && !fit.lastMeansFloored && finalMu == ws.mu;
        double logLik = sameMeans ? fit.lastLogLikelihood : likelihood.logLikelihood(finalMu.data());

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
    }
  });
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

  GlmFit out;
  out.beta = Eigen::MatrixXd::Constant(nGenes, p, kNaN);
  out.betaVariance = Eigen::MatrixXd::Constant(nGenes, p, kNaN);
  // mu and the hat diagonals (genes x samples) are written once, gene by gene, below: NaN rows for genes that are
  // not fitted. No fill beforehand, so each page is first touched by the thread that writes it.
  out.mu.resize(nGenes, n);
  out.hatDiagonal.resize(nGenes, n);
  out.logLikelihood = Eigen::VectorXd::Constant(nGenes, kNaN);
  out.iterations = Eigen::VectorXi::Zero(nGenes);
  std::vector<std::uint8_t> converged(nGenes, 0), fallback(nGenes, 0);
  const FitJob job{counts, sizeFactors, modelMatrix, dispersions, options, design, out, converged, fallback};
  // Fixed-size kernels where they give the same numbers as dynamic-size Eigen (checked to the bit on pasilla and
  // the simulations); from 3 coefficients on, Eigen's fixed-size 3 x 3 algebra rounds differently, and the
  // dispersion line search (which fits this GLM for designs with more groups than coefficients) amplifies that.
  switch (p) {
    case 1: fitGenes<1>(job); break;
    case 2: fitGenes<2>(job); break;
    default: fitGenes<Eigen::Dynamic>(job); break;
  }
  out.converged.assign(converged.begin(), converged.end());
  out.usedFallback.assign(fallback.begin(), fallback.end());
  return out;
}

}  // namespace diffbio::stats

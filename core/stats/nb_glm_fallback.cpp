#include "core/stats/nb_glm_fallback.h"

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>

#include "core/stats/nb_likelihood.h"

namespace diffbio::stats {

namespace {

constexpr int kMaxIterations = 200;
constexpr int kMaxHalvings = 60;
constexpr double kArmijo = 1e-4;
constexpr double kRelativeTolerance = 1e-13;

struct Evaluation {
  double objective = std::numeric_limits<double>::infinity();  // negative penalised log-likelihood
  Eigen::VectorXd gradient;
  Eigen::MatrixXd fisher;  // expected information plus ridge: positive definite
};

Eigen::VectorXd meansAt(const PenalizedNbProblem& p, const Eigen::VectorXd& beta) {
  const Eigen::Index n = p.modelMatrix->rows();
  Eigen::VectorXd mu = (*p.modelMatrix * beta).array().exp();
  for (Eigen::Index j = 0; j < n; ++j) mu[j] *= p.sizeFactors[j];
  return mu;
}

double objectiveAt(const PenalizedNbProblem& p, const Eigen::VectorXd& beta) {
  const Eigen::VectorXd mu = meansAt(p, beta);
  const double size = 1.0 / p.dispersion;
  double logLik = 0;
  for (Eigen::Index j = 0; j < mu.size(); ++j) logLik += nbLogPmf(p.counts[j], size, mu[j]);
  const double value = -logLik + 0.5 * (p.ridge.array() * beta.array().square()).sum();
  return std::isfinite(value) ? value : std::numeric_limits<double>::infinity();
}

Evaluation evaluate(const PenalizedNbProblem& p, const Eigen::VectorXd& beta) {
  const Eigen::MatrixXd& x = *p.modelMatrix;
  const Eigen::VectorXd mu = meansAt(p, beta);
  Eigen::VectorXd score(mu.size()), w(mu.size());
  for (Eigen::Index j = 0; j < mu.size(); ++j) {
    const double denominator = 1.0 + p.dispersion * mu[j];
    score[j] = (p.counts[j] - mu[j]) / denominator;  // d logLik / d eta_j
    w[j] = mu[j] / denominator;                      // expected information for eta_j
  }
  Evaluation e;
  e.objective = objectiveAt(p, beta);
  e.gradient = -(x.transpose() * score) + p.ridge.cwiseProduct(beta);
  e.fisher = x.transpose() * w.asDiagonal() * x;
  e.fisher.diagonal() += p.ridge;
  return e;
}

Eigen::VectorXd project(Eigen::VectorXd beta, double bound) { return beta.cwiseMax(-bound).cwiseMin(bound); }

}  // namespace

PenalizedNbSolution maximizePenalizedNbLikelihood(const PenalizedNbProblem& problem, Eigen::VectorXd start) {
  const Eigen::Index k = start.size();
  const double bound = problem.bound;
  PenalizedNbSolution solution;
  Eigen::VectorXd beta = project(std::move(start), bound);
  Evaluation current = evaluate(problem, beta);

  for (int iteration = 1; iteration <= kMaxIterations; ++iteration) {
    solution.iterations = iteration;
    // Coefficients sitting on a bound with the gradient pushing outwards stay fixed this step.
    std::vector<Eigen::Index> free;
    for (Eigen::Index i = 0; i < k; ++i) {
      const bool atLower = beta[i] <= -bound && current.gradient[i] > 0;
      const bool atUpper = beta[i] >= bound && current.gradient[i] < 0;
      if (!atLower && !atUpper) free.push_back(i);
    }
    if (free.empty()) {
      solution.converged = true;
      break;
    }
    const auto nFree = static_cast<Eigen::Index>(free.size());
    Eigen::MatrixXd h(nFree, nFree);
    Eigen::VectorXd g(nFree);
    for (Eigen::Index a = 0; a < nFree; ++a) {
      g[a] = current.gradient[free[a]];
      for (Eigen::Index b = 0; b < nFree; ++b) h(a, b) = current.fisher(free[a], free[b]);
    }
    const Eigen::VectorXd stepFree = h.llt().solve(-g);
    Eigen::VectorXd direction = Eigen::VectorXd::Zero(k);
    for (Eigen::Index a = 0; a < nFree; ++a) direction[free[a]] = stepFree[a];

    // Backtracking (Armijo) along the projected path.
    double t = 1.0;
    bool accepted = false;
    Eigen::VectorXd candidate;
    double candidateObjective = 0;
    for (int halving = 0; halving < kMaxHalvings; ++halving, t *= 0.5) {
      candidate = project(beta + t * direction, bound);
      candidateObjective = objectiveAt(problem, candidate);
      if (candidateObjective <= current.objective + kArmijo * current.gradient.dot(candidate - beta)) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      // No descent possible any more: we are at the optimum up to rounding.
      solution.converged = true;
      break;
    }
    const double change = current.objective - candidateObjective;
    beta = candidate;
    current = evaluate(problem, beta);
    if (change <= kRelativeTolerance * (std::abs(current.objective) + 1.0)) {
      solution.converged = true;
      break;
    }
  }
  solution.beta = beta;
  return solution;
}

}  // namespace diffbio::stats

#pragma once
// One gene's dispersion fit, as DESeq2 1.38's C++ routines fitDisp (Armijo line search) and fitDispGrid (grid
// search) over a = log(alpha), maximising the Cox-Reid adjusted log posterior
//
//   lp(a) = sum_j [lgamma(y_j + 1/alpha) - lgamma(1/alpha) - y_j log(mu_j + 1/alpha) - (1/alpha) log(1 + mu_j alpha)]
//           - 1/2 log det(X' W X),  W = diag(1 / (1/mu_j + alpha))          (Cox-Reid adjustment)
//           - 1/2 (a - priorMean)^2 / priorVariance                         (only at the MAP stage)
//
// with the means mu_j held fixed. Used by estimateGeneWiseDispersions and estimateMapDispersions (dispersion.h).
#include <Eigen/Core>
#include <vector>

#include "core/stats/cox_reid.h"
#include "core/stats/model_matrix_groups.h"

namespace diffbio::stats {

struct DispersionPrior {
  bool use = false;
  double mean = 0;      // prior mean of log(alpha): log of the trend
  double variance = 1;  // prior variance of log(alpha)
};

// The log posterior of one gene and its derivative in a = log(alpha). Holds a small workspace: create one per
// thread and point it at each gene in turn with setGene.
class DispersionPosterior {
 public:
  DispersionPosterior(const DesignGroups& groups, bool useCoxReid);

  // Copies the gene's counts and means, read `stride` doubles apart (a gene is a column of the row-major count
  // matrix and of the genes x samples means, so the callers need no transposed copies of either).
  void setGene(const double* counts, Eigen::Index countStride, const double* mu, Eigen::Index muStride,
               Eigen::Index nSamples, DispersionPrior prior);
  double value(double logAlpha);
  double derivative(double logAlpha);

 private:
  // Everything that depends on alpha but not on the counts, cached for the last log(alpha): the line search always
  // asks for the derivative at the point whose value it has just computed.
  void prepare(double logAlpha);

  bool useCoxReid_;
  CoxReidTerm coxReid_;
  std::vector<double> countBuffer_, muBuffer_;  // the gene's counts and means
  const double* y_ = nullptr;                   // their data
  const double* mu_ = nullptr;
  Eigen::Index n_ = 0;
  DispersionPrior prior_;
  std::vector<Eigen::Index> positive_;  // samples with a count above zero (the only ones with gamma terms)
  // Counts repeat (especially at low means): lgamma(y + size) and digamma(y + size) are evaluated once per distinct
  // positive count and looked up per sample, summed in the same order, so the results are identical either way.
  bool useDistinct_ = false;
  std::vector<double> distinct_;        // the distinct positive counts
  std::vector<int> slot_;               // per entry of positive_: its index in distinct_
  // Per distinct count (or per positive sample): lgamma(y + size) - lgamma(size) or the digamma difference.
  std::vector<double> gammaTerms_;
  // log1p(count / size) per entry of gammaTerms_, left by value() for derivative() at the same alpha (gamma_batch.h).
  std::vector<double> gammaLog1p_;
  bool gammaLog1pReady_ = false;
  // The counts into gammaTerms_ (the differences are evaluated there in place by gamma_batch.h), and the slot of
  // the k-th positive sample.
  void fillGammaArguments();
  std::size_t gammaSlot(std::size_t k) const { return useDistinct_ ? static_cast<std::size_t>(slot_[k]) : k; }
  // sum over the positive samples of term(k, sample), in four running sums (one chain of additions would wait on
  // each previous one).
  template <typename Term>
  double sumOverPositive(Term term) const {
    double lanes[4] = {0, 0, 0, 0};
    std::size_t k = 0;
    for (; k + 4 <= positive_.size(); k += 4)
      for (std::size_t u = 0; u < 4; ++u) lanes[u] += term(k + u, positive_[k + u]);
    for (; k < positive_.size(); ++k) lanes[0] += term(k, positive_[k]);
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
  }
  std::vector<int> slotOfCount_;        // scratch for setGene: small integer count -> its index in distinct_

  double preparedLogAlpha_ = 0;
  bool prepared_ = false;
  double alpha_ = 0, size_ = 0, logSize_ = 0;
  Eigen::VectorXd log1pMuAlpha_;    // log(1 + mu_j alpha)
  Eigen::VectorXd inverse1pMuAlpha_;  // 1 / (1 + mu_j alpha)
  Eigen::VectorXd weights_;           // w_j = mu_j / (1 + mu_j alpha)
  Eigen::VectorXd groupW_, groupDW_;  // per group: sum of w_j and of dw_j / dalpha
  const std::vector<std::vector<int>>& samplesOfGroup_;  // the design groups' samples (DesignGroups)
  double coxReidValue_ = 0;
};

struct LineSearchOptions {
  double kappa0 = 1.0;        // initial step scale
  double tolerance = 1e-6;    // stop when the log posterior rises by less than this (DESeq2's dispTol)
  int maxIterations = 100;
  double minLogAlpha = 0;     // stop once log(alpha) drops below this (DESeq2: log(minDisp / 10))
};

struct LineSearchResult {
  double logAlpha = 0;
  int iterations = 0;         // proposals made, accepted or not (DESeq2's iter)
  double initialLp = 0;
  double lastLp = 0;
};

// DESeq2's fitDisp for one gene, step for step: gradient ascent in log(alpha) with backtracking (Armijo rule,
// c = 1e-4), steps confined to [-30, 10].
LineSearchResult maximizeByLineSearch(DispersionPosterior& posterior, double startLogAlpha,
                                      const LineSearchOptions& options);

// DESeq2's fitDispGrid: the best of 20 points evenly spaced from minLogAlpha to maxLogAlpha, then the best of 20
// points spanning one coarse step either side of it. Returns log(alpha).
double maximizeOnGrid(DispersionPosterior& posterior, double minLogAlpha, double maxLogAlpha);

}  // namespace diffbio::stats

#pragma once
// Per-gene significance tests of DESeq2 1.38: the Wald test on log2 fold changes (nbinomWaldTest, results() with
// lfcThreshold / altHypothesis, numeric contrasts as in getContrast) and the likelihood ratio test (nbinomLRT).
//
// Everything works on the log2 scale that DESeq2 reports: coefficients, standard errors and covariances in log2
// units (DESeq2 fits on the natural-log scale and multiplies by log2(e), or log2(e)^2 for covariances).
// Missing values are NaN (R's NA); they propagate.
#include <Eigen/Core>
#include <string>

namespace diffbio::stats {

// Upper tail of the standard normal, P(Z > z), from the complementary error function so that it keeps full
// relative precision far into the tail (no 1 - Phi cancellation); it underflows to 0 only near z = 38.5.
double normalUpperTail(double z);
// The two-sided Wald p-value 2 * P(Z > |stat|), as DESeq2's 2 * pnorm(abs(stat), lower.tail = FALSE).
double waldPvalue(double stat);
// Natural log of waldPvalue(stat); finite for any finite stat (uses the normal tail's continued fraction once
// the p-value itself would underflow), for ranking and plotting genes whose p-value is 0 in double precision.
double logWaldPvalue(double stat);
// P(X > statistic) for X ~ chi-squared(df), as R's pchisq(statistic, df, lower.tail = FALSE) (1 for statistic <= 0).
double chiSquaredUpperTail(double statistic, double df);

// results(altHypothesis = ...): which log2 fold changes count as interesting.
enum class AltHypothesis {
  GreaterAbs,  // |LFC| > threshold, two-tailed (the default)
  LessAbs,     // |LFC| < threshold; p-value is the larger of the two one-sided tests (needs threshold > 0)
  Greater,     // LFC > threshold
  Less,        // LFC < -threshold
};
const char* altHypothesisName(AltHypothesis alt);
// Accepts "greaterAbs", "lessAbs", "greater", "less"; throws std::invalid_argument listing them.
AltHypothesis parseAltHypothesis(const std::string& name);

struct TestResult {
  Eigen::VectorXd stat;
  Eigen::VectorXd pvalue;
};

// Wald statistics and p-values per gene from log2 fold changes and their standard errors.
// With lfcThreshold == 0 and GreaterAbs: stat = LFC / SE, p = 2 P(Z > |stat|) (nbinomWaldTest).
// Otherwise results()' thresholded tests, with T = lfcThreshold >= 0:
//   GreaterAbs: stat = sign(LFC) max(0, |LFC| - T) / SE, p = min(1, 2 P(Z > (|LFC| - T) / SE))
//   LessAbs:    stat = min(max(0, T - LFC), max(0, LFC + T)) / SE,
//               p = max(P(Z < (LFC - T) / SE), P(Z > (LFC + T) / SE))
//   Greater:    stat = max(0, LFC - T) / SE, p = P(Z > (LFC - T) / SE)
//   Less:       stat = min(0, (LFC + T) / SE), p = P(Z < (LFC + T) / SE)
// (newer DESeq2 sources report max(0, T - LFC) / SE as the `less` statistic; the p-values are the same.)
// Throws std::invalid_argument for T < 0, LessAbs with T == 0 (as DESeq2 does) or mismatched lengths.
TestResult waldTest(const Eigen::VectorXd& log2FoldChange, const Eigen::VectorXd& lfcSE, double lfcThreshold = 0,
                    AltHypothesis alt = AltHypothesis::GreaterAbs);

// A contrast c over the p coefficients of each gene: estimate c'beta and standard error sqrt(c' Sigma c).
// `coefficients` is genes x p (log2). `covariances` holds one p x p covariance matrix per gene (log2^2), flattened
// column-major into row g (genes x p*p), so that a GLM that returns [genes, p, p] tensors can hand them over
// without copying gene by gene. DESeq2's Sigma is the ridge sandwich
//   (X'WX + Lambda)^-1 X'WX (X'WX + Lambda)^-1,  W = diag(mu / (1 + alpha mu)),
// evaluated at the fitted mu (getContrast re-runs fitBeta with maxit = 0), times log2(e)^2.
struct ContrastEstimate {
  Eigen::VectorXd log2FoldChange;
  Eigen::VectorXd lfcSE;
};
ContrastEstimate estimateContrast(const Eigen::MatrixXd& coefficients, const Eigen::MatrixXd& covariances,
                                  const Eigen::VectorXd& contrast);

// The likelihood ratio test of nbinomLRT: stat = 2 (logLik_full - logLik_reduced) per gene, p-value from the
// chi-squared distribution with df = (coefficients in full) - (coefficients in reduced).
TestResult likelihoodRatioTest(const Eigen::VectorXd& logLikFull, const Eigen::VectorXd& logLikReduced,
                               int degreesOfFreedom);

}  // namespace diffbio::stats

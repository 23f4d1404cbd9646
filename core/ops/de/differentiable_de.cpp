#include "core/ops/de/differentiable_de.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace diffbio::ops {

namespace {

const double kLn2 = std::log(2.0);

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("DifferentiableDe: " + what); }

// A copy of an Eigen matrix as a row-major double tensor (Eigen's default storage is column-major).
at::Tensor toTensor(const Eigen::MatrixXd& m) {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rowMajor = m;
  return at::from_blob(rowMajor.data(), {rowMajor.rows(), rowMajor.cols()}, at::kDouble).clone();
}

at::Tensor toTensor(const Eigen::VectorXd& v) {
  return at::from_blob(const_cast<double*>(v.data()), {v.size()}, at::kDouble).clone();
}

// The contrast vector: options.contrast when given, else the unit vector of options.coefficient.
at::Tensor resolveContrast(const DifferentiableDeOptions& options, std::int64_t p) {
  if (!options.contrast().empty()) {
    if (static_cast<std::int64_t>(options.contrast().size()) != p)
      fail("the contrast needs one entry per coefficient (" + std::to_string(p) + ")");
    return at::tensor(options.contrast(), at::kDouble);
  }
  const std::int64_t k = options.coefficient() < 0 ? p + options.coefficient() : options.coefficient();
  if (k < 0 || k >= p) fail("coefficient " + std::to_string(options.coefficient()) + " is out of range");
  at::Tensor unit = at::zeros({p}, at::kDouble);
  unit[k] = 1.0;
  return unit;
}

}  // namespace

DifferentiableDe::DifferentiableDe(DifferentiableDeInit init, DifferentiableDeOptions options)
    : options_(std::move(options)), minMu_(init.minMu) {
  const std::int64_t n = init.counts.size(0), nGenes = init.counts.size(1), p = init.modelMatrix.size(1);
  if (init.modelMatrix.size(0) != n || init.logSizeFactors.numel() != n) fail("one model row and size factor per sample");
  if (init.beta.sizes() != at::IntArrayRef{nGenes, p} || init.ridge.sizes() != at::IntArrayRef{nGenes, p})
    fail("beta and ridge must be genes x coefficients");
  if (init.logDispersion.numel() != nGenes || init.fitted.numel() != nGenes) fail("one dispersion per gene");
  if (!(options_.temperature() > 0)) fail("the temperature must be positive");

  counts_ = register_buffer("counts", init.counts.to(at::kDouble));
  modelMatrix_ = register_buffer("model_matrix", init.modelMatrix.to(at::kDouble));
  contrast_ = register_buffer("contrast", resolveContrast(options_, p));
  ridge_ = register_buffer("ridge", init.ridge.to(at::kDouble));
  fitted_ = register_buffer("fitted", init.fitted.to(at::kBool));
  logSizeFactors_ = registerState("log_size_factors", init.logSizeFactors, options_.learnSizeFactors());
  beta_ = registerState("beta", init.beta, options_.learnCoefficients());
  logDispersion_ = registerState("log_dispersion", init.logDispersion, options_.learnDispersions());
}

at::Tensor DifferentiableDe::registerState(const char* name, const at::Tensor& value, bool learnable) {
  const at::Tensor copy = value.to(at::kDouble).clone();
  return learnable ? register_parameter(name, copy, true) : register_buffer(name, copy);
}

std::shared_ptr<DifferentiableDe> DifferentiableDe::fromExactFit(const stats::Counts& counts,
                                                                 const Eigen::VectorXd& sizeFactors,
                                                                 const Eigen::MatrixXd& modelMatrix,
                                                                 const stats::GlmFit& fit,
                                                                 const Eigen::VectorXd& dispersions,
                                                                 DifferentiableDeOptions options,
                                                                 const stats::NbGlmOptions& glmOptions) {
  const Eigen::Index n = counts.rows(), nGenes = counts.cols(), p = modelMatrix.cols();
  if (sizeFactors.size() != n || modelMatrix.rows() != n) fail("one size factor and model row per sample expected");
  if (fit.beta.rows() != nGenes || fit.beta.cols() != p || dispersions.size() != nGenes)
    fail("the fit and the dispersions must have one row per gene and one coefficient per model column");

  // The ridge exactly as fitNegativeBinomialGlm applies it: the log2-scale lambda moved to the natural-log scale,
  // except for genes refitted by the fallback optimiser (whose covariance uses lambda unscaled, a DESeq2 quirk);
  // the intercept-only shortcut has neither ridge nor floor.
  const bool interceptOnly = stats::isInterceptOnly(modelMatrix);
  const Eigen::VectorXd ridgeLog2 =
      glmOptions.ridgeLog2.size() ? glmOptions.ridgeLog2 : Eigen::VectorXd::Constant(p, 1e-6);
  const Eigen::RowVectorXd ridgeNat = ridgeLog2.transpose() / (kLn2 * kLn2);
  Eigen::MatrixXd beta = fit.beta, ridge(nGenes, p);
  Eigen::VectorXd logDispersion(nGenes);
  std::vector<std::uint8_t> fitted(static_cast<std::size_t>(nGenes));
  for (Eigen::Index g = 0; g < nGenes; ++g) {
    const bool ok = beta.row(g).allFinite() && std::isfinite(dispersions[g]) && dispersions[g] > 0;
    fitted[static_cast<std::size_t>(g)] = ok;
    if (!ok) beta.row(g).setZero();
    logDispersion[g] = ok ? std::log(dispersions[g]) : 0.0;
    const bool fallback = static_cast<std::size_t>(g) < fit.usedFallback.size() && fit.usedFallback[g];
    if (interceptOnly)
      ridge.row(g).setZero();
    else
      ridge.row(g) = fallback ? Eigen::RowVectorXd(ridgeLog2.transpose()) : ridgeNat;
  }

  DifferentiableDeInit init;
  init.counts = at::from_blob(const_cast<double*>(counts.data()), {n, nGenes}, at::kDouble).clone();
  init.modelMatrix = toTensor(modelMatrix);
  init.logSizeFactors = toTensor(Eigen::VectorXd(sizeFactors.array().log()));
  init.beta = toTensor(beta);
  init.logDispersion = toTensor(logDispersion);
  init.ridge = toTensor(ridge);
  init.fitted = at::from_blob(fitted.data(), {nGenes}, at::kByte).to(at::kBool);
  init.minMu = interceptOnly ? 0.0 : glmOptions.minMu;
  return std::make_shared<DifferentiableDe>(std::move(init), std::move(options));
}

DeOutputs DifferentiableDe::forward() {
  DeOutputs out;
  // Means: samples x genes.
  out.logMu = logSizeFactors_.unsqueeze(1) + at::matmul(modelMatrix_, beta_.t());
  out.mu = at::exp(out.logMu);

  // Fisher information per gene, B_g = X' diag(w_g) X, with the weights of the floored means.
  const at::Tensor m = minMu_ > 0 ? at::clamp_min(out.mu, minMu_) : out.mu;
  const at::Tensor alpha = at::exp(logDispersion_);
  const at::Tensor w = m / (1.0 + alpha.unsqueeze(0) * m);
  const at::Tensor information = at::einsum("jg,ja,jb->gab", {w, modelMatrix_, modelMatrix_});

  // c' Sigma c = v' B v with v = (B + Lambda)^-1 c: one small solve per gene instead of an inverse.
  const std::int64_t nGenes = beta_.size(0);
  const at::Tensor penalized = information + at::diag_embed(ridge_);
  const at::Tensor rhs = contrast_.unsqueeze(0).expand({nGenes, contrast_.size(0)}).unsqueeze(-1);
  const at::Tensor v = at::linalg_solve(penalized, rhs).squeeze(-1);
  const at::Tensor variance = at::einsum("ga,gab,gb->g", {v, information, v});

  const at::Tensor lfc = at::matmul(beta_, contrast_) / kLn2;
  const at::Tensor se = at::sqrt(variance) / kLn2;
  const at::Tensor stat = lfc / se;
  // 2 Phi(-|z|) = erfc(|z| / sqrt 2): keeps full relative precision in the tail, like stats::waldPvalue.
  const at::Tensor pvalue = at::erfc(at::abs(stat) / std::sqrt(2.0));
  const at::Tensor logit = (options_.threshold() - pvalue) / options_.temperature();

  // Genes without an exact fit: NaN, with no gradient (where() passes none to the branch it does not take).
  const at::Tensor nan = at::full({nGenes}, std::numeric_limits<double>::quiet_NaN(), at::kDouble);
  const auto masked = [&](const at::Tensor& t) { return at::where(fitted_, t, nan); };
  out.log2FoldChange = masked(lfc);
  out.lfcSE = masked(se);
  out.stat = masked(stat);
  out.pvalue = masked(pvalue);
  out.significanceLogit = masked(logit);
  out.softSignificance = masked(at::sigmoid(logit));
  return out;
}

at::Tensor DifferentiableDe::negativeLogLikelihood(const DeOutputs& out, LossReduction reduction) const {
  const at::Tensor genes = at::nonzero(fitted_).squeeze(1);
  return nbNegativeLogLikelihood(counts_.index_select(1, genes), out.logMu.index_select(1, genes),
                                 logDispersion_.index_select(0, genes), reduction);
}

at::Tensor DifferentiableDe::labelLoss(const DeOutputs& out, const at::Tensor& labels, LossReduction reduction) const {
  if (labels.numel() != fitted_.numel()) fail("one label per gene expected");
  return labelLossFromLogits(at::masked_select(out.significanceLogit, fitted_),
                             at::masked_select(labels.to(at::kDouble), fitted_), reduction);
}

std::vector<bool> DifferentiableDe::significantCalls(const DeOutputs& out) const {
  const at::Tensor p = out.pvalue.detach().contiguous();
  const double* data = p.data_ptr<double>();
  std::vector<bool> calls(static_cast<std::size_t>(p.numel()));
  for (std::size_t g = 0; g < calls.size(); ++g) calls[g] = data[g] < options_.threshold();  // NaN compares false
  return calls;
}

}  // namespace diffbio::ops

// The differentiable DE engine: its exact path equals the exact Wald test, its gradients equal finite differences,
// and the seed's training experiment (label loss, Adam) improves detection.
#include "test_support.h"
#include "gradient_check.h"

#include <torch/optim/adam.h>
#include <torch/utils.h>

#include <ATen/ATen.h>

#include <Eigen/LU>
#include <cmath>
#include <functional>
#include <random>

#include "core/data/design.h"
#include "core/ops/de/de_losses.h"
#include "core/ops/de/differentiable_de.h"
#include "core/ops/de/seed_simulator.h"
#include "core/stats/de_tests.h"
#include "core/stats/dispersion.h"
#include "core/stats/nb_glm.h"
#include "core/stats/nb_likelihood.h"
#include "core/stats/size_factors.h"

using namespace diffbio;

namespace {

// A seed experiment with its exact DESeq2-style fit.
struct ExactProblem {
  ops::SeedDeSimulation sim;
  Eigen::VectorXd sizeFactors, dispersions;
  Eigen::MatrixXd modelMatrix;
  stats::GlmFit fit;
};

// Per-gene moment estimate of the dispersion, (var - mean) / mean^2 of the normalised counts, floored at 0.01:
// for problems too small for estimateDispersions' trend (the gradient checks only need plausible values).
Eigen::VectorXd momentDispersions(const stats::Counts& counts, const Eigen::VectorXd& sizeFactors) {
  const Eigen::MatrixXd normalized = sizeFactors.cwiseInverse().asDiagonal() * counts;
  Eigen::VectorXd out(counts.cols());
  for (Eigen::Index g = 0; g < counts.cols(); ++g) {
    const double mean = normalized.col(g).mean();
    const double var = (normalized.col(g).array() - mean).square().sum() / double(counts.rows() - 1);
    out[g] = mean > 0 ? std::max((var - mean) / (mean * mean), 0.01) : std::nan("");
  }
  return out;
}

ExactProblem exactProblem(const ops::SeedDeSimulationOptions& options, bool fullDispersionEstimation) {
  ExactProblem e{ops::simulateSeedDeExperiment(options), {}, {}, {}, {}};
  const auto& counts = e.sim.counts.dense();
  e.modelMatrix = data::Design("~ condition", e.sim.samples).modelMatrix();
  e.sizeFactors = stats::estimateSizeFactors(counts, stats::SizeFactorMethod::Ratio);
  e.dispersions = fullDispersionEstimation
                      ? stats::estimateDispersions(counts, e.sizeFactors, e.modelMatrix).dispersion()
                      : momentDispersions(counts, e.sizeFactors);
  e.fit = stats::fitNegativeBinomialGlm(counts, e.sizeFactors, e.modelMatrix, e.dispersions);
  return e;
}

std::shared_ptr<ops::DifferentiableDe> moduleFor(const ExactProblem& e, ops::DifferentiableDeOptions options = {}) {
  return ops::DifferentiableDe::fromExactFit(e.sim.counts.dense(), e.sizeFactors, e.modelMatrix, e.fit,
                                             e.dispersions, options);
}

at::Tensor labelsOf(const std::vector<bool>& isDe) {
  at::Tensor labels = at::zeros({static_cast<std::int64_t>(isDe.size())}, at::kDouble);
  for (std::size_t g = 0; g < isDe.size(); ++g) labels[static_cast<std::int64_t>(g)] = isDe[g] ? 1.0 : 0.0;
  return labels;
}

// Adds N(0, scale^2) noise to every entry, in place: moves a parameter off the exact fit, where the likelihood's
// gradient is zero and a finite-difference check would compare rounding noise.
void perturb(const at::Tensor& parameter, double scale, std::mt19937& rng) {
  torch::NoGradGuard noGrad;
  at::Tensor flat = parameter.view(-1);
  std::normal_distribution<double> normal(0.0, scale);
  for (std::int64_t i = 0; i < flat.numel(); ++i) flat[i] = flat[i].item<double>() + normal(rng);
}

using diffbio::test::gradientError;

}  // namespace

class DifferentiableDeTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void likelihoodHasTheFullNormalisingConstants() {
    // Against R's dnbinom as stats::nbLogPmf computes it, entry by entry, over a range of counts, means and
    // dispersions (including y = 0 and large counts).
    std::mt19937 rng(7);
    const int n = 6, genes = 5;
    at::Tensor counts = at::zeros({n, genes}, at::kDouble), logMu = at::zeros({n, genes}, at::kDouble);
    const at::Tensor logAlpha = at::log(at::tensor({1e-3, 0.05, 0.3, 1.0, 4.0}, at::kDouble));
    double expected = 0;
    for (int j = 0; j < n; ++j)
      for (int g = 0; g < genes; ++g) {
        const double mu = std::exp(std::uniform_real_distribution<double>(-2.0, 8.0)(rng));
        const double y = std::poisson_distribution<int>(mu)(rng);
        counts[j][g] = y;
        logMu[j][g] = std::log(mu);
        expected -= stats::nbLogPmf(y, 1.0 / std::exp(logAlpha[g].item<double>()), mu);
      }
    const double sum = ops::nbNegativeLogLikelihood(counts, logMu, logAlpha, ops::LossReduction::Sum).item<double>();
    const double mean = ops::nbNegativeLogLikelihood(counts, logMu, logAlpha).item<double>();
    QVERIFY2(std::abs(sum - expected) < 1e-10 * std::abs(expected), qPrintable(QString("%1 vs %2").arg(sum).arg(expected)));
    QVERIFY(std::abs(mean - expected / (n * genes)) < 1e-10 * std::abs(expected));
  }

  void labelLossFormsAgree() {
    const at::Tensor logits = at::tensor({-6.0, -1.0, 0.0, 0.5, 3.0, 6.0}, at::kDouble);
    const at::Tensor labels = at::tensor({0.0, 1.0, 1.0, 0.0, 1.0, 0.0}, at::kDouble);
    const double stable = ops::labelLossFromLogits(logits, labels).item<double>();
    const double seed = ops::seedLabelLoss(at::sigmoid(logits), labels).item<double>();
    // The epsilon shifts each term by about 1e-8 / q, q the probability of the true label (here down to 0.0025).
    QVERIFY2(std::abs(stable - seed) < 1e-6, qPrintable(QString("%1 vs %2").arg(stable - seed).arg(seed)));
    // By hand: y = 1 at logit 0 costs ln 2; y = 0 at logit 6 costs softplus(6).
    const double byHand = ops::labelLossFromLogits(at::tensor({0.0, 6.0}, at::kDouble),
                                                   at::tensor({1.0, 0.0}, at::kDouble), ops::LossReduction::Sum)
                              .item<double>();
    QVERIFY(std::abs(byHand - (std::log(2.0) + std::log1p(std::exp(6.0)))) < 1e-14);
    // Saturated: the seed's epsilon caps the loss, the logit form does not.
    const at::Tensor far = at::tensor({-60.0}, at::kDouble), one = at::tensor({1.0}, at::kDouble);
    QVERIFY(std::abs(ops::labelLossFromLogits(far, one).item<double>() - 60.0) < 1e-12);
    QVERIFY(std::abs(ops::seedLabelLoss(at::sigmoid(far), one).item<double>() + std::log(1e-8)) < 1e-6);
  }

  void exactPathAtInitialisation() {
    // The seed experiment with DESeq2's dispersions: the module's Wald test equals stats::waldTest on the exact
    // GlmFit's log2 coefficients and standard errors.
    const ExactProblem e = exactProblem({}, true);
    auto de = moduleFor(e);
    const ops::DeOutputs out = de->forward();
    const Eigen::VectorXd lfc = e.fit.log2Beta().col(1), se = e.fit.log2StandardError().col(1);
    const stats::TestResult exact = stats::waldTest(lfc, se);
    double maxStat = 0, maxP = 0, maxSe = 0;
    int compared = 0;
    for (int g = 0; g < 2000; ++g) {
      if (std::isnan(exact.pvalue[g])) {
        QVERIFY(std::isnan(out.pvalue[g].item<double>()));
        continue;
      }
      ++compared;
      maxSe = std::max(maxSe, std::abs(out.lfcSE[g].item<double>() - se[g]) / se[g]);
      maxStat = std::max(maxStat, std::abs(out.stat[g].item<double>() - exact.stat[g]));
      maxP = std::max(maxP, std::abs(out.pvalue[g].item<double>() - exact.pvalue[g]));
      QVERIFY(std::abs(out.log2FoldChange[g].item<double>() - lfc[g]) < 1e-12);
    }
    qInfo("exact vs relaxed over %d genes: max rel SE diff %.2e, max |stat| diff %.2e, max |p| diff %.2e", compared,
          maxSe, maxStat, maxP);
    QVERIFY(compared > 1900);
    QVERIFY(maxSe < 1e-10);
    QVERIFY(maxStat < 1e-8);
    QVERIFY(maxP < 1e-8);
    // Hard calls: soft significance above one half exactly when p < 0.05.
    const std::vector<bool> calls = de->significantCalls(out);
    for (int g = 0; g < 2000; ++g)
      QCOMPARE(bool(calls[g]), exact.pvalue[g] < 0.05);

    // A contrast vector naming the same coefficient, and twice it (same statistic, twice the fold change).
    auto same = moduleFor(e, ops::DifferentiableDeOptions().contrast({0.0, 1.0}));
    QVERIFY(at::allclose(same->forward().stat, out.stat, 0, 1e-12, true));
    const ops::DeOutputs doubled = moduleFor(e, ops::DifferentiableDeOptions().contrast({0.0, 2.0}))->forward();
    QVERIFY(at::allclose(doubled.stat, out.stat, 1e-12, 1e-12, true));
    QVERIFY(at::allclose(doubled.log2FoldChange, 2 * out.log2FoldChange, 1e-12, 1e-12, true));
  }

  void contrastMatchesTheExactSandwich() {
    // Three groups and the contrast b vs c, (0, 1, -1): the module against stats::estimateContrast fed with
    // DESeq2's ridge sandwich computed here in Eigen from the exact fit's means.
    ops::SeedDeSimulationOptions o;
    o.nGenes = 200;
    o.nSamples = 12;
    ExactProblem e{ops::simulateSeedDeExperiment(o), {}, {}, {}, {}};
    std::vector<std::string> groups;
    for (int j = 0; j < 12; ++j) groups.push_back(std::string(1, char('a' + j % 3)));
    data::Table sheet(e.sim.counts.obsNames());
    sheet.addColumn(data::Column("group", data::makeCategorical(groups, {"a", "b", "c"})));
    const auto& counts = e.sim.counts.dense();
    e.modelMatrix = data::Design("~ group", sheet).modelMatrix();
    e.sizeFactors = stats::estimateSizeFactors(counts, stats::SizeFactorMethod::Ratio);
    e.dispersions = momentDispersions(counts, e.sizeFactors);
    e.fit = stats::fitNegativeBinomialGlm(counts, e.sizeFactors, e.modelMatrix, e.dispersions);

    const Eigen::Vector3d contrast(0.0, 1.0, -1.0);
    const double log2e = 1.0 / std::log(2.0);
    Eigen::MatrixXd covariances(200, 9);
    for (int g = 0; g < 200; ++g) {
      const Eigen::ArrayXd m = e.fit.mu.row(g).transpose().array().max(0.5);
      const Eigen::VectorXd w = m / (1.0 + e.dispersions[g] * m);
      const Eigen::MatrixXd information = e.modelMatrix.transpose() * w.asDiagonal() * e.modelMatrix;
      Eigen::MatrixXd penalized = information;
      penalized.diagonal().array() += 1e-6 * log2e * log2e;
      const Eigen::MatrixXd inverse = penalized.inverse();
      const Eigen::MatrixXd sigma = inverse * information * inverse * log2e * log2e;
      covariances.row(g) = Eigen::Map<const Eigen::RowVectorXd>(sigma.data(), 9);
    }
    const stats::ContrastEstimate exact = stats::estimateContrast(e.fit.log2Beta(), covariances, contrast);
    const stats::TestResult exactTest = stats::waldTest(exact.log2FoldChange, exact.lfcSE);
    const ops::DeOutputs out = moduleFor(e, ops::DifferentiableDeOptions().contrast({0.0, 1.0, -1.0}))->forward();
    int compared = 0;
    for (int g = 0; g < 200; ++g) {
      if (std::isnan(exact.lfcSE[g])) continue;
      ++compared;
      QVERIFY(std::abs(out.log2FoldChange[g].item<double>() - exact.log2FoldChange[g]) < 1e-12);
      QVERIFY(std::abs(out.lfcSE[g].item<double>() - exact.lfcSE[g]) < 1e-10 * exact.lfcSE[g]);
      QVERIFY(std::abs(out.stat[g].item<double>() - exactTest.stat[g]) < 1e-8);
      QVERIFY(std::abs(out.pvalue[g].item<double>() - exactTest.pvalue[g]) < 1e-8);
    }
    QVERIFY(compared > 150);
  }

  void interceptOnlyDesignMatchesTheExactFit() {
    // `~ 1` takes nb_glm's closed form (no ridge, no floor on the means): the module follows it.
    ops::SeedDeSimulationOptions o;
    o.nGenes = 100;
    o.nSamples = 10;
    o.nDeGenes = 10;
    ExactProblem e{ops::simulateSeedDeExperiment(o), {}, {}, {}, {}};
    const auto& counts = e.sim.counts.dense();
    e.modelMatrix = data::Design("~ 1", e.sim.samples).modelMatrix();
    e.sizeFactors = stats::estimateSizeFactors(counts, stats::SizeFactorMethod::Ratio);
    e.dispersions = momentDispersions(counts, e.sizeFactors);
    e.fit = stats::fitNegativeBinomialGlm(counts, e.sizeFactors, e.modelMatrix, e.dispersions);
    const stats::TestResult exact = stats::waldTest(e.fit.log2Beta().col(0), e.fit.log2StandardError().col(0));
    const ops::DeOutputs out = moduleFor(e)->forward();
    int compared = 0;
    for (int g = 0; g < 100; ++g) {
      if (std::isnan(exact.stat[g])) continue;
      ++compared;
      QVERIFY2(std::abs(out.stat[g].item<double>() - exact.stat[g]) < 1e-8 * std::max(1.0, std::abs(exact.stat[g])),
               qPrintable(QString("gene %1: module %2, exact %3").arg(g).arg(out.stat[g].item<double>(), 0, 'g', 17)
                              .arg(exact.stat[g], 0, 'g', 17)));
    }
    QVERIFY(compared > 80);
  }

  void gradientsMatchFiniteDifferences() {
    ops::SeedDeSimulationOptions small;
    small.nGenes = 30;
    small.nSamples = 8;
    small.nDeGenes = 10;
    const ExactProblem e = exactProblem(small, false);
    // A wider soft step than the default, so that most genes of this small problem carry a label gradient.
    auto de = moduleFor(e, ops::DifferentiableDeOptions().temperature(0.2));
    std::mt19937 rng(11);
    perturb(de->beta(), 0.1, rng);
    perturb(de->logDispersion(), 0.3, rng);
    perturb(de->logSizeFactors(), 0.1, rng);
    const at::Tensor labels = labelsOf(e.sim.isDe);
    const std::function<at::Tensor()> nll = [&] { return de->negativeLogLikelihood(de->forward()); };
    const std::function<at::Tensor()> label = [&] { return de->labelLoss(de->forward(), labels); };
    const std::vector<std::pair<const char*, at::Tensor>> parameters = {
        {"beta", de->beta()}, {"log dispersion", de->logDispersion()}, {"log size factors", de->logSizeFactors()}};
    for (const auto& [lossName, loss] : {std::make_pair("NB NLL", nll), std::make_pair("label loss", label)})
      for (const auto& [name, parameter] : parameters) {
        const auto [error, largest] = gradientError(parameter, loss);
        qInfo("%s w.r.t. %s: max |grad| %.3e, relative error %.2e", lossName, name, largest, error);
        QVERIFY2(largest > 1e-6, "the gradient should not vanish");
        QVERIFY2(error < 1e-5, qPrintable(QString("%1 / %2: %3").arg(lossName).arg(name).arg(error)));
      }
  }

  void adamOnTheSeedExperimentImprovesDetection() {
    // The seed's training run: 100 epochs of Adam at lr 1e-2 on the label loss, from the exact fit.
    const ExactProblem e = exactProblem({}, true);
    auto de = moduleFor(e);
    const at::Tensor labels = labelsOf(e.sim.isDe);
    const ops::DetectionMetrics before = ops::detectionMetrics(de->significantCalls(de->forward()), e.sim.isDe);
    torch::optim::Adam adam(de->parameters(), torch::optim::AdamOptions(1e-2));
    double first = 0, last = 0;
    for (int epoch = 0; epoch < 100; ++epoch) {
      adam.zero_grad();
      const at::Tensor loss = de->labelLoss(de->forward(), labels);
      loss.backward();
      adam.step();
      (epoch == 0 ? first : last) = loss.item<double>();
      if (epoch % 20 == 0) qInfo("epoch %3d: label loss %.4f", epoch, loss.item<double>());
    }
    const ops::DeOutputs out = de->forward();
    const ops::DetectionMetrics after = ops::detectionMetrics(de->significantCalls(out), e.sim.isDe);
    qInfo("label loss %.4f -> %.4f", first, last);
    qInfo("before: precision %.4f recall %.4f F1 %.4f (%d called)", before.precision, before.recall, before.f1,
          before.truePositives + before.falsePositives);
    qInfo("after:  precision %.4f recall %.4f F1 %.4f (%d called)", after.precision, after.recall, after.f1,
          after.truePositives + after.falsePositives);
    QVERIFY(last < first);
    QVERIFY(after.f1 > before.f1);
  }
};

QTEST_GUILESS_MAIN(DifferentiableDeTest)
#include "test_differentiable_de.moc"

// The loss registry: values against closed forms computed independently with std::lgamma, and the gradients of
// every registered loss (NB, ZINB, Poisson, BCE, cross-entropy, MSE, Gaussian KL, ELBO with each reconstruction)
// and of a weighted sum against central finite differences in double precision.
#include "test_support.h"
#include "gradient_check.h"

#include <torch/utils.h>

#include <ATen/ATen.h>

#include <cmath>
#include <functional>
#include <set>

#include "core/train/losses.h"

using namespace diffbio;

namespace {

// Relative error of autograd against central finite differences (tests/gradient_check.h).
double gradientError(const at::Tensor& x, const std::function<at::Tensor()>& loss) {
  return diffbio::test::gradientError(x, loss).relativeError;
}

// -log NB(y; mu, alpha) by the textbook formula, scalar doubles.
double nbNll(double y, double mu, double alpha) {
  const double r = 1 / alpha;
  return -(std::lgamma(y + r) - std::lgamma(r) - std::lgamma(y + 1) + r * std::log(r / (r + mu)) +
           y * std::log(mu / (r + mu)));
}

// A small cells x genes problem with zeros, small and large counts.
struct Problem {
  at::Tensor counts = at::tensor({0.0, 3.0, 17.0, 0.0, 1.0, 250.0, 5.0, 0.0}, at::kDouble).view({2, 4});
  at::Tensor logMu = at::tensor({-0.5, 1.2, 2.9, 0.3, 0.1, 5.4, 1.7, -1.0}, at::kDouble).view({2, 4});
  at::Tensor logDispersion = at::tensor({-2.0, -0.7, 0.4, -4.0}, at::kDouble);  // one per gene
  at::Tensor zeroLogit = at::tensor({-1.0, 0.5, -3.0, 2.0, 0.0, -0.2, 1.1, -2.5}, at::kDouble).view({2, 4});
};

}  // namespace

class LossesTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void poissonMatchesTheLgammaFormula() {
    const Problem p;
    const at::Tensor perEntry = train::poissonNllPerEntry(p.counts, p.logMu);
    for (int i = 0; i < 8; ++i) {
      const double y = p.counts.view(-1)[i].item<double>(), logRate = p.logMu.view(-1)[i].item<double>();
      const double expected = std::exp(logRate) - y * logRate + std::lgamma(y + 1);
      QVERIFY(std::abs(perEntry.view(-1)[i].item<double>() - expected) < 1e-12 * std::max(1.0, std::abs(expected)));
    }
    const double mean = train::makeLoss("poisson_nll")({{"counts", p.counts}, {"log_rate", p.logMu}}).total.item<double>();
    QVERIFY(std::abs(mean - perEntry.mean().item<double>()) < 1e-14);
  }

  void negativeBinomialMatchesTheTextbookFormula() {
    const Problem p;
    const at::Tensor perEntry = train::nbNllPerEntry(p.counts, p.logMu, p.logDispersion);
    for (int j = 0; j < 2; ++j)
      for (int g = 0; g < 4; ++g) {
        const double expected = nbNll(p.counts[j][g].item<double>(), std::exp(p.logMu[j][g].item<double>()),
                                      std::exp(p.logDispersion[g].item<double>()));
        QVERIFY2(std::abs(perEntry[j][g].item<double>() - expected) < 1e-10 * std::max(1.0, std::abs(expected)),
                 qPrintable(QString("%1 vs %2").arg(perEntry[j][g].item<double>()).arg(expected)));
      }
  }

  void zinbWithoutZeroInflationIsNb() {
    const Problem p;
    const at::Tensor nb = train::nbNllPerEntry(p.counts, p.logMu, p.logDispersion);
    const at::Tensor none = at::full({2, 4}, -std::numeric_limits<double>::infinity(), at::kDouble);
    QVERIFY(at::allclose(train::zinbNllPerEntry(p.counts, p.logMu, p.logDispersion, none), nb, 1e-14, 1e-14));
    // With zero inflation, by hand: zeros are -log(pi + (1 - pi) NB(0)), positives -log(1 - pi) - log NB(y).
    const at::Tensor zinb = train::zinbNllPerEntry(p.counts, p.logMu, p.logDispersion, p.zeroLogit);
    for (int j = 0; j < 2; ++j)
      for (int g = 0; g < 4; ++g) {
        const double y = p.counts[j][g].item<double>(), mu = std::exp(p.logMu[j][g].item<double>());
        const double alpha = std::exp(p.logDispersion[g].item<double>());
        const double pi = 1 / (1 + std::exp(-p.zeroLogit[j][g].item<double>()));
        const double expected = y == 0 ? -std::log(pi + (1 - pi) * std::exp(-nbNll(0, mu, alpha)))
                                       : -std::log(1 - pi) + nbNll(y, mu, alpha);
        QVERIFY(std::abs(zinb[j][g].item<double>() - expected) < 1e-10 * std::max(1.0, std::abs(expected)));
      }
  }

  void countLikelihoodGradientsMatchFiniteDifferences() {
    const Problem p;
    const at::Tensor logMu = p.logMu.clone().requires_grad_(true);
    const at::Tensor logDispersion = p.logDispersion.clone().requires_grad_(true);
    const at::Tensor zeroLogit = p.zeroLogit.clone().requires_grad_(true);
    auto nb = [&] { return train::nbNllPerEntry(p.counts, logMu, logDispersion).sum(); };
    auto zinb = [&] { return train::zinbNllPerEntry(p.counts, logMu, logDispersion, zeroLogit).sum(); };
    auto poisson = [&] { return train::poissonNllPerEntry(p.counts, logMu).sum(); };
    const double errors[] = {gradientError(logMu, nb),   gradientError(logDispersion, nb),
                             gradientError(logMu, zinb), gradientError(logDispersion, zinb),
                             gradientError(zeroLogit, zinb), gradientError(logMu, poisson)};
    for (double e : errors) {
      qInfo("relative gradient error %.2e", e);
      QVERIFY(e <= 1e-5);
    }
  }

  void everyRegisteredLossHasFiniteDifferenceGradients() {
    // Through makeLoss by name (the path pipelines and the GUI use), on every differentiable input of each loss.
    const Problem p;
    auto leaf = [](const at::Tensor& t) { return t.clone().requires_grad_(true); };
    const at::Tensor logMu = leaf(p.logMu), logDispersion = leaf(p.logDispersion), zeroLogit = leaf(p.zeroLogit);
    const at::Tensor logits = leaf(at::tensor({-3.0, -0.4, 0.0, 0.7, 2.5, 40.0}, at::kDouble));
    const at::Tensor labels = at::tensor({0.0, 1.0, 1.0, 0.0, 1.0, 0.0}, at::kDouble);
    const at::Tensor classLogits = leaf(at::tensor({0.2, -1.0, 1.5, 0.0, 2.0, 0.3, -0.5, 0.9, -2.0}, at::kDouble).view({3, 3}));
    const at::Tensor targets = at::tensor({2, 0, 1}, at::kLong);
    const at::Tensor prediction = leaf(at::tensor({0.5, -1.25, 3.0}, at::kDouble));
    const at::Tensor target = at::tensor({0.0, 1.0, 2.5}, at::kDouble);
    const at::Tensor mean = leaf(at::tensor({0.3, -1.2, 0.0, 2.0, 0.5, -0.1}, at::kDouble).view({2, 3}));
    const at::Tensor logVar = leaf(at::tensor({-0.5, 0.4, 0.0, -2.0, 1.0, 0.2}, at::kDouble).view({2, 3}));
    const train::TensorMap in = {{"counts", p.counts},     {"log_mu", logMu},   {"log_dispersion", logDispersion},
                                 {"zero_logit", zeroLogit}, {"log_rate", logMu}, {"logits", logits},
                                 {"labels", labels},       {"prediction", prediction}, {"target", target},
                                 {"mean", mean},           {"log_var", logVar}};
    const train::TensorMap classes = {{"logits", classLogits}, {"targets", targets}};
    struct Check {
      std::string what;
      train::LossFunction loss;
      const train::TensorMap* inputs;
      std::vector<at::Tensor> wrt;
    };
    std::vector<Check> checks = {
        {"nb_nll", train::makeLoss("nb_nll"), &in, {logMu, logDispersion}},
        {"zinb_nll", train::makeLoss("zinb_nll"), &in, {logMu, logDispersion, zeroLogit}},
        {"poisson_nll", train::makeLoss("poisson_nll"), &in, {logMu}},
        {"bce", train::makeLoss("bce"), &in, {logits}},
        {"cross_entropy", train::makeLoss("cross_entropy"), &classes, {classLogits}},
        {"mse", train::makeLoss("mse"), &in, {prediction}},
        {"gaussian_kl", train::makeLoss("gaussian_kl"), &in, {mean, logVar}},
    };
    for (const char* reconstruction : {"nb_nll", "zinb_nll", "poisson_nll"}) {
      train::LossOptions options;
      options.reconstruction = reconstruction;
      options.klWeight = 0.7;
      std::vector<at::Tensor> wrt = {mean, logVar, logMu};
      if (std::string(reconstruction) != "poisson_nll") wrt.push_back(logDispersion);
      if (std::string(reconstruction) == "zinb_nll") wrt.push_back(zeroLogit);
      checks.push_back({std::string("elbo/") + reconstruction, train::makeLoss("elbo", options), &in, wrt});
    }
    checks.push_back({"0.3 nb_nll + 2 gaussian_kl + 0.5 bce",
                      train::makeWeightedSum({{"nb_nll", 0.3, {}}, {"gaussian_kl", 2.0, {}}, {"bce", 0.5, {}}}),
                      &in,
                      {logMu, logDispersion, mean, logVar, logits}});
    std::set<std::string> covered;
    for (const auto& check : checks) {
      covered.insert(check.what.substr(0, check.what.find('/')));
      for (const auto& x : check.wrt) {
        const auto result = diffbio::test::gradientError(x, [&] { return check.loss(*check.inputs).total; });
        qInfo("%-40s relative gradient error %.2e (largest gradient %.3g)", check.what.c_str(), result.relativeError,
              result.largestGradient);
        QVERIFY(result.largestGradient > 1e-3);  // not trivially zero
        QVERIFY2(result.relativeError <= 1e-6, check.what.c_str());
      }
    }
    for (const auto& info : train::availableLosses()) QVERIFY2(covered.count(info.name), info.name.c_str());
  }

  void classificationAndRegressionLosses() {
    // BCE from logits: y = 1 at logit 0 costs ln 2, y = 0 at logit 2 costs log(1 + e^2).
    const auto bce = train::makeLoss("bce")({{"logits", at::tensor({0.0, 2.0}, at::kDouble)},
                                             {"labels", at::tensor({1.0, 0.0}, at::kDouble)}});
    QVERIFY(std::abs(bce.total.item<double>() - 0.5 * (std::log(2.0) + std::log1p(std::exp(2.0)))) < 1e-14);
    // Cross-entropy: uniform logits over 4 classes cost log 4 whatever the target.
    const auto ce = train::makeLoss("cross_entropy")({{"logits", at::zeros({3, 4}, at::kDouble)},
                                                      {"targets", at::tensor({0, 3, 1}, at::kLong)}});
    QVERIFY(std::abs(ce.total.item<double>() - std::log(4.0)) < 1e-14);
    const auto mse = train::makeLoss("mse")({{"prediction", at::tensor({1.0, 2.0}, at::kDouble)},
                                             {"target", at::tensor({0.0, 4.0}, at::kDouble)}});
    QCOMPARE(mse.total.item<double>(), 2.5);
  }

  void klElboAndWeightedSums() {
    // KL is 0 at the prior; for mean 1, variance e: 0.5 (e + 1 - 1 - 1) per entry, summed per row, averaged.
    const auto kl = train::makeLoss("gaussian_kl");
    QCOMPARE(kl({{"mean", at::zeros({2, 3}, at::kDouble)}, {"log_var", at::zeros({2, 3}, at::kDouble)}})
                 .total.item<double>(), 0.0);
    const double perEntry = 0.5 * (std::exp(1.0) - 1.0);
    const at::Tensor mean = at::ones({2, 3}, at::kDouble), logVar = at::ones({2, 3}, at::kDouble);
    QVERIFY(std::abs(kl({{"mean", mean}, {"log_var", logVar}}).total.item<double>() - 3 * perEntry) < 1e-14);

    const Problem p;
    train::LossOptions options;
    options.klWeight = 0.5;
    const auto elbo = train::makeLoss("elbo", options)({{"counts", p.counts}, {"log_mu", p.logMu},
                                                        {"log_dispersion", p.logDispersion}, {"mean", mean},
                                                        {"log_var", logVar}});
    const double reconstruction = train::nbNllPerEntry(p.counts, p.logMu, p.logDispersion).sum(1).mean().item<double>();
    QVERIFY(std::abs(elbo.components.at("reconstruction").item<double>() - reconstruction) < 1e-12);
    QVERIFY(std::abs(elbo.total.item<double>() - (reconstruction + 0.5 * 3 * perEntry)) < 1e-12);

    const auto sum = train::makeWeightedSum({{"mse", 2.0, {}}, {"bce", 0.5, {}}});
    const train::TensorMap in = {{"prediction", at::tensor({1.0}, at::kDouble)}, {"target", at::tensor({0.0}, at::kDouble)},
                                 {"logits", at::tensor({0.0}, at::kDouble)}, {"labels", at::tensor({1.0}, at::kDouble)}};
    const auto value = sum(in);
    QVERIFY(std::abs(value.total.item<double>() - (2.0 + 0.5 * std::log(2.0))) < 1e-14);
    QCOMPARE(value.components.at("mse").item<double>(), 2.0);
  }

  void registryErrors() {
    QCOMPARE(train::availableLosses().size(), std::size_t(8));
    for (const auto& info : train::availableLosses()) QVERIFY(train::makeLoss(info.name) != nullptr);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, train::makeLoss("hinge"));
    bool named = false;
    try {
      train::makeLoss("nb_nll")({{"counts", at::zeros({1}, at::kDouble)}, {"log_dispersion", at::zeros({1}, at::kDouble)}});
    } catch (const std::invalid_argument& e) {
      named = std::string(e.what()).find("log_mu") != std::string::npos;
    }
    QVERIFY(named);
  }
};

QTEST_GUILESS_MAIN(LossesTest)
#include "test_losses.moc"

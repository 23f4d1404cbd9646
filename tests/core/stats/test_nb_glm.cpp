// The negative binomial GLM against DESeq2 1.38.3 on pasilla, given DESeq2's own final dispersions, so the fit is
// verified independently of our dispersion estimates.
#include "test_support.h"

#include <chrono>
#include <cmath>
#include <random>

#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "core/stats/nb_glm.h"
#include "core/stats/nb_likelihood.h"
#include "core/stats/size_factors.h"

using namespace diffbio;
using diffbio::test::sharedData;

namespace {

const std::string kRef = "pasilla/deseq2_1.38.3_reference/";

stats::Counts pasillaCounts() { return io::readCounts(sharedData("pasilla/pasilla_gene_counts.tsv")).matrix.dense(); }

Eigen::VectorXd floatColumn(const data::Table& table, const std::string& name) {
  const auto& values = table.column(name).floats();
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}

Eigen::MatrixXd floatColumns(const data::Table& table) {
  Eigen::MatrixXd m(table.nRows(), table.nColumns());
  for (std::size_t k = 0; k < table.nColumns(); ++k) m.col(k) = floatColumn(table, table.column(k).name());
  return m;
}

// Intercept plus 0/1 indicators, as R's model.matrix with the reference levels first (coldata_used.csv: condition
// untreated/treated, type single/paired).
Eigen::MatrixXd pasillaDesign(bool withType) {
  const data::Table coldata = io::readSampleSheet(sharedData(kRef + "coldata_used.csv"));
  const auto& condition = coldata.column("condition").categorical();
  const auto& type = coldata.column("type").categorical();
  const Eigen::Index n = static_cast<Eigen::Index>(coldata.nRows());
  Eigen::MatrixXd x(n, withType ? 3 : 2);
  for (Eigen::Index j = 0; j < n; ++j) {
    Eigen::Index k = 0;
    x(j, k++) = 1.0;
    if (withType) x(j, k++) = type.levels[type.codes[j]] == "paired" ? 1.0 : 0.0;
    x(j, k++) = condition.levels[condition.codes[j]] == "treated" ? 1.0 : 0.0;
  }
  return x;
}

struct Agreement {
  double median = 0, p99 = 0, max = 0;
  long compared = 0;
};

Agreement absoluteAgreement(const Eigen::MatrixXd& got, const Eigen::MatrixXd& want) {
  std::vector<double> diffs;
  for (Eigen::Index i = 0; i < got.rows(); ++i)
    for (Eigen::Index k = 0; k < got.cols(); ++k)
      if (std::isfinite(want(i, k))) diffs.push_back(std::abs(got(i, k) - want(i, k)));
  Eigen::VectorXd d = Eigen::Map<Eigen::VectorXd>(diffs.data(), static_cast<Eigen::Index>(diffs.size()));
  return {stats::median(d), stats::quantileType7(d, 0.99), d.maxCoeff(), static_cast<long>(diffs.size())};
}

}  // namespace

class NbGlmTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void logPmfMatchesR() {
    // R: dnbinom(c(0, 3, 17, 2), size = c(2.5, 0.7, 1e12, 4), mu = c(1.3, 9, 15.2, 1e-3), log = TRUE)
    QVERIFY(std::abs(stats::nbLogPmf(0, 2.5, 1.3) - (2.5 * std::log(2.5 / 3.8))) < 1e-14);
    const double direct = std::lgamma(3 + 0.7) - std::lgamma(0.7) - std::lgamma(4.0) + 0.7 * std::log(0.7 / 9.7) +
                          3 * std::log(9 / 9.7);
    QVERIFY(std::abs(stats::nbLogPmf(3, 0.7, 9) - direct) < 1e-12);
    // A huge size is the Poisson limit: log dpois(17, 15.2).
    const double poisson = 17 * std::log(15.2) - 15.2 - std::lgamma(18.0);
    QVERIFY(std::abs(stats::nbLogPmf(17, 1e12, 15.2) - poisson) < 1e-9);
  }

  void pasillaCoefficientsMatchDeseq2_data() {
    QTest::addColumn<QString>("tag");
    QTest::addColumn<bool>("withType");
    QTest::newRow("~condition") << "design_condition" << false;
    QTest::newRow("~type + condition") << "design_type_condition" << true;
  }

  void pasillaCoefficientsMatchDeseq2() {
    QFETCH(QString, tag);
    QFETCH(bool, withType);
    const std::string prefix = kRef + tag.toStdString();
    const auto counts = pasillaCounts();
    const Eigen::VectorXd sf =
        floatColumn(io::readSampleSheet(sharedData(prefix + "_size_factors.csv")), "sizeFactor");
    const Eigen::VectorXd dispersion =
        floatColumn(io::readSampleSheet(sharedData(prefix + "_dispersions.csv.gz")), "dispersion");
    const Eigen::MatrixXd wantLog2 = floatColumns(io::readSampleSheet(sharedData(prefix + "_coef_natural_log2.csv.gz")));
    const Eigen::MatrixXd x = pasillaDesign(withType);

    const auto start = std::chrono::steady_clock::now();
    const stats::GlmFit fit = stats::fitNegativeBinomialGlm(counts, sf, x, dispersion);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    QCOMPARE(fit.beta.rows(), wantLog2.rows());
    QCOMPARE(fit.beta.cols(), wantLog2.cols());
    // NA pattern: DESeq2 leaves all-zero genes unfitted.
    for (Eigen::Index g = 0; g < wantLog2.rows(); ++g)
      QCOMPARE(std::isnan(fit.beta(g, 0)), std::isnan(wantLog2(g, 0)));
    // Genes refitted by the fallback optimiser (ours, not L-BFGS-B) are compared separately: a coefficient heading
    // for -infinity stops wherever the optimiser's tolerance says, so they agree less tightly.
    std::vector<Eigen::Index> irlsGenes, fallbackGenes;
    for (Eigen::Index g = 0; g < wantLog2.rows(); ++g)
      (fit.usedFallback[static_cast<std::size_t>(g)] ? fallbackGenes : irlsGenes).push_back(g);
    const Eigen::MatrixXd gotLog2 = fit.log2Beta();
    const Agreement a = absoluteAgreement(gotLog2(irlsGenes, Eigen::all), wantLog2(irlsGenes, Eigen::all));
    const Agreement all = absoluteAgreement(gotLog2, wantLog2);
    long notConverged = 0;
    for (std::size_t g = 0; g < fit.converged.size(); ++g) notConverged += std::isfinite(dispersion[g]) && !fit.converged[g];
    qInfo("%s (%.3f s): IRLS genes: %ld log2 coefficients, |diff| median %.3g, p99 %.3g, max %.3g; all genes "
          "median %.3g, p99 %.3g, max %.3g (fallback optimiser on %zu genes); %ld not converged",
          qPrintable(tag), seconds, a.compared, a.median, a.p99, a.max, all.median, all.p99, all.max,
          fallbackGenes.size(), notConverged);
    QVERIFY2(all.median <= 1e-6 && all.p99 <= 1e-3, "all genes");
    QVERIFY2(a.max <= 1e-9, "IRLS genes");
    QVERIFY2(a.median <= 1e-6, qPrintable(QString::number(a.median)));
    QVERIFY2(a.p99 <= 1e-3, qPrintable(QString::number(a.p99)));
  }

  void pasillaLikelihoodRatioAndStandardErrorsMatchDeseq2() {
    // DESeq2's LRT statistic is deviance(reduced) - deviance(full) = 2 (logLik full - logLik reduced) at the full
    // model's dispersions, and its lfcSE is the full model's standard error: both check logLikelihood and
    // betaVariance directly. Reference: DESeq(test = "LRT", full ~ type + condition, reduced ~ type).
    const std::string prefix = kRef + "design_type_condition";
    const auto counts = pasillaCounts();
    const Eigen::VectorXd sf =
        floatColumn(io::readSampleSheet(sharedData(prefix + "_size_factors.csv")), "sizeFactor");
    const Eigen::VectorXd dispersion =
        floatColumn(io::readSampleSheet(sharedData(prefix + "_dispersions.csv.gz")), "dispersion");
    const data::Table lrt = io::readSampleSheet(sharedData(prefix + "_results_LRT_reduced_type.csv.gz"));
    const Eigen::MatrixXd full = pasillaDesign(true);
    const Eigen::MatrixXd reduced = full.leftCols(2);
    const stats::GlmFit fitFull = stats::fitNegativeBinomialGlm(counts, sf, full, dispersion);
    const stats::GlmFit fitReduced = stats::fitNegativeBinomialGlm(counts, sf, reduced, dispersion);

    const Eigen::VectorXd wantStat = floatColumn(lrt, "stat"), wantSe = floatColumn(lrt, "lfcSE");
    const Eigen::VectorXd gotStat = 2.0 * (fitFull.logLikelihood - fitReduced.logLikelihood);
    const Eigen::VectorXd gotSe = fitFull.log2StandardError().col(2);
    std::vector<double> statErrors, seErrors;
    for (Eigen::Index g = 0; g < counts.cols(); ++g) {
      QCOMPARE(std::isnan(gotStat[g]), std::isnan(wantStat[g]));
      if (std::isnan(wantStat[g]) || fitFull.usedFallback[g] || fitReduced.usedFallback[g]) continue;
      statErrors.push_back(std::abs(gotStat[g] - wantStat[g]) / std::max(1.0, std::abs(wantStat[g])));
      seErrors.push_back(std::abs(gotSe[g] - wantSe[g]) / wantSe[g]);
    }
    const auto summary = [](std::vector<double>& v) {
      Eigen::Map<Eigen::VectorXd> m(v.data(), static_cast<Eigen::Index>(v.size()));
      return std::make_pair(stats::quantileType7(m, 0.99), m.maxCoeff());
    };
    const auto [statP99, statMax] = summary(statErrors);
    const auto [seP99, seMax] = summary(seErrors);
    qInfo("LRT stat: %zu genes, error relative to max(1, |stat|) p99 %.3g, max %.3g; lfcSE relative p99 %.3g, max %.3g",
          statErrors.size(), statP99, statMax, seP99, seMax);
    QVERIFY2(statMax < 1e-6, qPrintable(QString::number(statMax)));
    QVERIFY2(seMax < 1e-9, qPrintable(QString::number(seMax)));
  }

  void hatDiagonalSumsToTheNumberOfCoefficients() {
    // The trace of the hat matrix is the number of coefficients (the ridge of 1e-6 changes it negligibly).
    const auto counts = pasillaCounts();
    const Eigen::VectorXd sf = stats::estimateSizeFactors(counts, stats::SizeFactorMethod::Ratio);
    const Eigen::MatrixXd x = pasillaDesign(true);
    const stats::GlmFit fit = stats::fitNegativeBinomialGlm(counts, sf, x, Eigen::VectorXd::Constant(counts.cols(), 0.05));
    double worst = 0;
    for (Eigen::Index g = 0; g < counts.cols(); ++g)
      if (!std::isnan(fit.hatDiagonal(g, 0)) && !fit.usedFallback[g])
        worst = std::max(worst, std::abs(fit.hatDiagonal.row(g).sum() - 3.0));
    QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
    // The log-likelihood is the sum of R's dnbinom terms at the returned means.
    for (Eigen::Index g : {Eigen::Index(1), Eigen::Index(100), Eigen::Index(5000)}) {
      double direct = 0;
      for (Eigen::Index j = 0; j < counts.rows(); ++j) direct += stats::nbLogPmf(counts(j, g), 1 / 0.05, fit.mu(g, j));
      QVERIFY(std::abs(direct - fit.logLikelihood[g]) < 1e-9 * std::abs(direct));
    }
  }

  void interceptOnlyUsesDeseq2ClosedForm() {
    // DESeq2 does not iterate for ~ 1: the intercept is log(mean of normalised counts), its variance 1 / sum(w)
    // with w = 1 / (1/mu + alpha), and the hat diagonal w / sum(w).
    stats::Counts counts(4, 2);
    counts << 10, 0, 20, 0, 5, 3, 41, 0;
    Eigen::VectorXd sf(4);
    sf << 0.8, 1.3, 0.6, 1.5;
    Eigen::VectorXd alpha(2);
    alpha << 0.1, 0.2;
    const stats::GlmFit fit =
        stats::fitNegativeBinomialGlm(counts, sf, Eigen::MatrixXd::Ones(4, 1), alpha);
    const double mean = (counts.col(0).array() / sf.array()).mean();
    QVERIFY(std::abs(fit.beta(0, 0) - std::log(mean)) < 1e-14);
    const Eigen::ArrayXd mu = sf.array() * mean;
    const Eigen::ArrayXd w = 1.0 / (1.0 / mu + 0.1);
    QVERIFY(std::abs(fit.betaVariance(0, 0) - 1.0 / w.sum()) < 1e-14);
    QVERIFY(std::abs(fit.hatDiagonal(0, 2) - w[2] / w.sum()) < 1e-14);
    QVERIFY(std::isfinite(fit.beta(1, 0)) && fit.converged[1]);
  }
};

QTEST_GUILESS_MAIN(NbGlmTest)
#include "test_nb_glm.moc"

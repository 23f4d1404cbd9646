// Wald and likelihood ratio tests against DESeq2 1.38.3 (pasilla) and the DESeq2 references shipped with PyDESeq2.
#include "test_support.h"
#include "reference_tables.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/io/sample_sheet.h"
#include "core/stats/de_tests.h"
#include "core/stats/results_table.h"

using namespace diffbio;
using diffbio::test::sharedData;
using stats::AltHypothesis;

namespace {

const std::string kPasilla = "pasilla/deseq2_1.38.3_reference/";
const std::string kPyDeseq2 = "pydeseq2_synthetic/tests/data/";

using diffbio::test::readReference;

using diffbio::test::numericColumn;

// Relative errors |got - want| / max(|want|, floor) over entries where both are present, plus NA disagreements.
struct Agreement {
  std::vector<double> errors;
  long naMismatches = 0;
  double max() const { return errors.empty() ? 0 : *std::max_element(errors.begin(), errors.end()); }
  double quantile(double q) const {
    if (errors.empty()) return 0;
    std::vector<double> sorted = errors;
    std::sort(sorted.begin(), sorted.end());
    return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
  }
  QString describe() const {
    return QString("n %1, median %2, p99 %3, max %4, NA mismatches %5")
        .arg(errors.size())
        .arg(quantile(0.5), 0, 'g', 3)
        .arg(quantile(0.99), 0, 'g', 3)
        .arg(max(), 0, 'g', 3)
        .arg(naMismatches);
  }
};

Agreement compare(const Eigen::VectorXd& got, const Eigen::VectorXd& want, double floor = 1e-300) {
  Agreement a;
  for (Eigen::Index i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i]) != std::isnan(want[i]))
      ++a.naMismatches;
    else if (!std::isnan(got[i]))
      a.errors.push_back(std::abs(got[i] - want[i]) / std::max(std::abs(want[i]), floor));
  }
  return a;
}

// A fixed-coefficient negative binomial GLM, as DESeq2's fitBeta evaluates it after fitting: mu = s * exp(X beta)
// (beta on the natural-log scale), weights w = mu / (1 + alpha mu) with mu floored at minmu = 0.5, and the
// covariance (X'WX + L)^-1 X'WX (X'WX + L)^-1 with the ridge L = 1e-6 / log(2)^2 that fitNbinomGLMs adds when there
// is no beta prior; returned on the log2 scale, flattened per gene (genes x p*p, column-major).
Eigen::MatrixXd deseq2Covariances(const Eigen::MatrixXd& x, const Eigen::VectorXd& sizeFactors,
                                  const Eigen::MatrixXd& coefficientsLog2, const Eigen::VectorXd& dispersion) {
  const Eigen::Index p = x.cols(), nGenes = coefficientsLog2.rows();
  const Eigen::MatrixXd ridge = Eigen::MatrixXd::Identity(p, p) * (1e-6 / std::pow(std::log(2.0), 2));
  const double log2e = 1.0 / std::log(2.0);
  Eigen::MatrixXd flat = Eigen::MatrixXd::Constant(nGenes, p * p, std::nan(""));
  for (Eigen::Index g = 0; g < nGenes; ++g) {
    const Eigen::VectorXd beta = coefficientsLog2.row(g).transpose() * std::log(2.0);
    if (!beta.allFinite()) continue;
    const Eigen::ArrayXd mu = (sizeFactors.array() * (x * beta).array().exp()).max(0.5);
    const Eigen::VectorXd w = mu / (1.0 + dispersion[g] * mu);
    const Eigen::MatrixXd xtwx = x.transpose() * w.asDiagonal() * x;
    const Eigen::MatrixXd inverse = (xtwx + ridge).inverse();
    const Eigen::MatrixXd sigma = inverse * xtwx * inverse * log2e * log2e;
    for (Eigen::Index j = 0; j < p; ++j)
      for (Eigen::Index i = 0; i < p; ++i) flat(g, i + j * p) = sigma(i, j);
  }
  return flat;
}

}  // namespace

class DeTestsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void normalTailsKeepPrecision() {
    QCOMPARE(stats::waldPvalue(0.0), 1.0);
    QVERIFY(std::abs(stats::waldPvalue(1.959963984540054) - 0.05) < 1e-15);
    // R: 2 * pnorm(-10) = 1.523970604832105e-23 (no 1 - Phi cancellation far out).
    QVERIFY(std::abs(stats::waldPvalue(-10.0) / 1.523970604832105e-23 - 1) < 1e-13);
    QVERIFY(stats::waldPvalue(37.0) > 0);
    QVERIFY(std::isnan(stats::waldPvalue(std::nan(""))));
    // The log p-value agrees with log(p) where p is still a normal double, and keeps going past underflow with
    // the slope of log(2 P(Z > z)), about -(z + 1/z).
    QVERIFY(std::abs(stats::logWaldPvalue(37.2) / std::log(stats::waldPvalue(37.2)) - 1) < 1e-12);
    QVERIFY(std::abs(stats::logWaldPvalue(5.0) - std::log(stats::waldPvalue(5.0))) < 1e-12);
    const double slope = stats::logWaldPvalue(60.0) - stats::logWaldPvalue(59.0);
    QVERIFY2(std::abs(slope + 59.5 + 1 / 59.5) < 1e-3, qPrintable(QString::number(slope)));
    QVERIFY(std::isfinite(stats::logWaldPvalue(1e3)));
    // Chi-squared: R pchisq(3.841458820694124, 1, lower = FALSE) = 0.05; pchisq(-1, 1, lower = FALSE) = 1.
    QVERIFY(std::abs(stats::chiSquaredUpperTail(3.841458820694124, 1) - 0.05) < 1e-14);
    QCOMPARE(stats::chiSquaredUpperTail(-1.0, 1), 1.0);
  }

  void waldMatchesDeseq2OnPasilla_data() {
    QTest::addColumn<QString>("design");
    QTest::addColumn<QString>("coefficient");
    QTest::newRow("~condition") << "design_condition" << "condition_treated_vs_untreated";
    QTest::newRow("~type+condition") << "design_type_condition" << "condition_treated_vs_untreated";
  }

  void waldMatchesDeseq2OnPasilla() {
    // Inputs: the coefficient (log2, coef(dds)) and lfcSE. Outputs: stat and the unfiltered p-value.
    QFETCH(QString, design);
    QFETCH(QString, coefficient);
    const std::string prefix = kPasilla + design.toStdString();
    const auto coefficients = readReference(prefix + "_coef_natural_log2.csv.gz");
    const auto results = readReference(prefix + "_results_wald_noIndepFilter_noCooks.csv.gz");
    const Eigen::VectorXd lfc = numericColumn(coefficients, coefficient.toStdString());
    QVERIFY(compare(lfc, numericColumn(results, "log2FoldChange")).max() == 0);
    const auto wald = stats::waldTest(lfc, numericColumn(results, "lfcSE"));
    const auto stat = compare(wald.stat, numericColumn(results, "stat"));
    const auto pvalue = compare(wald.pvalue, numericColumn(results, "pvalue"));
    qInfo("stat: %s", qPrintable(stat.describe()));
    qInfo("pvalue: %s", qPrintable(pvalue.describe()));
    // R printed 15 significant digits; a relative error e in stat moves p by about stat^2 * e relative.
    QVERIFY2(stat.naMismatches == 0 && stat.max() < 1e-13, qPrintable(stat.describe()));
    QVERIFY2(pvalue.naMismatches == 0 && pvalue.max() < 1e-11, qPrintable(pvalue.describe()));
  }

  void thresholdTestsMatchDeseq2_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("alt");
    QTest::newRow("greaterAbs") << "r_test_res_greaterAbs.csv" << static_cast<int>(AltHypothesis::GreaterAbs);
    QTest::newRow("lessAbs") << "r_test_res_lessAbs.csv" << static_cast<int>(AltHypothesis::LessAbs);
    QTest::newRow("greater") << "r_test_res_greater.csv" << static_cast<int>(AltHypothesis::Greater);
    QTest::newRow("less") << "r_test_res_less.csv" << static_cast<int>(AltHypothesis::Less);
  }

  void thresholdTestsMatchDeseq2() {
    // PyDESeq2's R references: results(dds, lfcThreshold = 0.5, altHypothesis = ...), DESeq2 1.34.
    QFETCH(QString, file);
    QFETCH(int, alt);
    const auto table = readReference(kPyDeseq2 + "single_factor/" + file.toStdString());
    const auto test = stats::waldTest(numericColumn(table, "log2FoldChange"), numericColumn(table, "lfcSE"), 0.5,
                                      static_cast<AltHypothesis>(alt));
    // Zero statistics are compared absolutely (floor 1).
    const auto stat = compare(test.stat, numericColumn(table, "stat"), 1.0);
    const auto pvalue = compare(test.pvalue, numericColumn(table, "pvalue"));
    QVERIFY2(stat.max() < 1e-13, qPrintable(stat.describe()));
    QVERIFY2(pvalue.max() < 1e-12, qPrintable(pvalue.describe()));
  }

  void thresholdArgumentsAreChecked() {
    const Eigen::VectorXd one = Eigen::VectorXd::Ones(1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stats::waldTest(one, one, 0.0, AltHypothesis::LessAbs));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stats::waldTest(one, one, -1.0));
    QCOMPARE(stats::parseAltHypothesis("lessAbs"), AltHypothesis::LessAbs);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stats::parseAltHypothesis("two.sided"));
  }

  void likelihoodRatioPvaluesMatchDeseq2_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("df");
    QTest::newRow("pasilla ~type+condition vs ~type")
        << QString::fromStdString(kPasilla + "design_type_condition_results_LRT_reduced_type.csv.gz") << 1;
    QTest::newRow("single_factor vs ~1") << QString::fromStdString(kPyDeseq2 + "single_factor/r_test_res_lrt.csv")
                                         << 1;
    QTest::newRow("multi_factor vs ~group")
        << QString::fromStdString(kPyDeseq2 + "multi_factor/r_test_res_lrt_no_independent_filtering.csv") << 1;
    QTest::newRow("multi_factor vs ~1") << QString::fromStdString(
        kPyDeseq2 + "multi_factor/r_test_res_lrt_reduced_intercept_no_independent_filtering.csv") << 2;
  }

  void likelihoodRatioPvaluesMatchDeseq2() {
    // The statistic is an input here (2 (logLik_full - logLik_reduced) needs both fits); the chi-squared tail is
    // checked against R's pchisq on every gene.
    QFETCH(QString, file);
    QFETCH(int, df);
    const auto table = readReference(file.toStdString());
    const Eigen::VectorXd stat = numericColumn(table, "stat");
    const Eigen::VectorXd halfLogLik = stat / 2;  // logLik_full - logLik_reduced = stat / 2
    const auto lrt = stats::likelihoodRatioTest(halfLogLik, Eigen::VectorXd::Zero(stat.size()), df);
    QVERIFY(compare(lrt.stat, stat).max() < 1e-15);
    // Cook's outliers have NA p-values in results() but a statistic; compare where the reference has one.
    Eigen::VectorXd got = lrt.pvalue;
    const Eigen::VectorXd want = numericColumn(table, "pvalue");
    for (Eigen::Index i = 0; i < got.size(); ++i)
      if (std::isnan(want[i])) got[i] = std::nan("");
    const auto pvalue = compare(got, want);
    qInfo("LRT p-value: %s", qPrintable(pvalue.describe()));
    QVERIFY2(pvalue.naMismatches == 0 && pvalue.max() < 1e-11, qPrintable(pvalue.describe()));
  }

  void lrtResultsTableMatchesDeseq2() {
    // results() of DESeq(test = "LRT", reduced = ~type) on ~type + condition: no Cook's filtering (no cell of three
    // samples), independent filtering on baseMean. Inputs are DESeq2's baseMean, fold changes and LRT statistics.
    const auto table = readReference(kPasilla + "design_type_condition_results_LRT_reduced_type.csv.gz");
    stats::ResultsInput input;
    input.geneNames = table.rowNames();
    input.baseMean = numericColumn(table, "baseMean");
    input.log2FoldChange = numericColumn(table, "log2FoldChange");
    input.lfcSE = numericColumn(table, "lfcSE");
    for (Eigen::Index g = 0; g < input.baseMean.size(); ++g) input.allZero.push_back(input.baseMean[g] == 0);
    const Eigen::VectorXd stat = numericColumn(table, "stat");
    input.likelihoodRatio = stats::likelihoodRatioTest(stat / 2, Eigen::VectorXd::Zero(stat.size()), 1);
    const auto results = stats::buildResults(input);
    for (const char* name : {"stat", "pvalue", "padj"}) {
      const auto& values = results.table.column(name).floats();
      const auto agreement = compare(Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size())),
                                     numericColumn(table, name));
      QVERIFY2(agreement.naMismatches == 0 && agreement.max() < 1e-11,
               qPrintable(QString(name) + ": " + agreement.describe()));
    }
    QCOMPARE(results.cooksOutliers, 0L);
    // A threshold test cannot be an LRT.
    stats::ResultsOptions threshold;
    threshold.lfcThreshold = 1;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stats::buildResults(input, threshold));
  }

  void resultsNotesExplainMissingValues() {
    // Five genes: all zero; Cook's outlier; replaced to all zero; zero in both compared groups; ordinary.
    stats::ResultsInput input;
    input.geneNames = {"zero", "outlier", "replacedToZero", "groupsZero", "plain"};
    input.baseMean = Eigen::Vector<double, 5>(0, 50, 0, 3, 80);
    input.log2FoldChange = Eigen::Vector<double, 5>(std::nan(""), 2, 1, 0.7, -3);
    input.lfcSE = Eigen::Vector<double, 5>(std::nan(""), 0.5, 0.5, 0.5, 0.5);
    input.allZero = {true, false, false, false, false};
    input.maxCooks = Eigen::Vector<double, 5>(std::nan(""), 100, 1, 1, 1);
    input.zeroAfterReplacement = {false, false, true, false, false};
    input.contrastAllZero = {false, false, false, true, false};
    stats::ResultsOptions options;
    options.nSamples = 7;
    options.nCoefficients = 2;
    // With independent filtering, theta starts at the fraction of zero baseMeans (2/5): the cutoff
    // quantile(c(0, 0, 3, 50, 80), 0.4) = 1.8 filters the replaced-to-zero gene although it has a p-value.
    const auto filtered = stats::buildResults(input, options);
    QCOMPARE(filtered.table.column("note").strings()[2], std::string(stats::kNoteLowCounts));
    QCOMPARE(filtered.filtering->filterThreshold, 1.8);
    options.independentFiltering = false;
    const auto results = stats::buildResults(input, options);
    const auto& notes = results.table.column("note").strings();
    QCOMPARE(notes, (std::vector<std::string>{stats::kNoteAllZero, stats::kNoteCooksOutlier, "", "", ""}));
    const auto& lfc = results.table.column("log2FoldChange").floats();
    const auto& pvalue = results.table.column("pvalue").floats();
    const auto& padj = results.table.column("padj").floats();
    QVERIFY(std::isnan(lfc[0]) && std::isnan(pvalue[0]) && std::isnan(padj[0]));
    QVERIFY(std::isnan(pvalue[1]) && std::isnan(padj[1]) && lfc[1] == 2);
    QCOMPARE(lfc[2], 0.0);
    QCOMPARE(pvalue[2], 1.0);
    QCOMPARE(lfc[3], 0.0);
    QCOMPARE(pvalue[3], 1.0);
    QCOMPARE(pvalue[4], stats::waldPvalue(-6.0));
    // BH over the three tested p-values (1, 1, p): the plain gene's padj is 3 p.
    QCOMPARE(padj[4], 3 * stats::waldPvalue(6.0));
    QCOMPARE(results.cooksOutliers, 1L);
    QCOMPARE(results.allZeroGenes, 1L);
  }

  void contrastByHand() {
    // beta = (1, 2, 3), Sigma = [[4,1,0],[1,9,2],[0,2,16]]: c = (0, 1, -1) gives -1 and sqrt(9 + 16 - 2*2) = sqrt(21).
    Eigen::MatrixXd coefficients(1, 3);
    coefficients << 1, 2, 3;
    Eigen::Matrix3d sigma;
    sigma << 4, 1, 0, 1, 9, 2, 0, 2, 16;
    const Eigen::MatrixXd flat = Eigen::Map<const Eigen::RowVectorXd>(sigma.data(), 9);
    Eigen::Vector3d c(0, 1, -1);
    const auto estimate = stats::estimateContrast(coefficients, flat, c);
    QCOMPARE(estimate.log2FoldChange[0], -1.0);
    QVERIFY(std::abs(estimate.lfcSE[0] - std::sqrt(21.0)) < 1e-15);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             stats::estimateContrast(coefficients, flat, Eigen::Vector3d::Zero()));
  }

  void contrastStandardErrorsMatchDeseq2() {
    // ~type + condition on pasilla: the covariance rebuilt from DESeq2's own coefficients, final dispersions and
    // size factors, then the contrast "condition treated vs untreated" as the vector (0, 0, 1). Its standard error
    // must be DESeq2's lfcSE. Genes that DESeq2 fitted with optim (IRLS not converged) get their SE from a
    // numerical Hessian instead, so a small fraction may differ; the bulk must agree to rounding.
    const auto coefficients = readReference(kPasilla + "design_type_condition_coef_natural_log2.csv.gz");
    const auto results = readReference(kPasilla + "design_type_condition_results_wald_noIndepFilter_noCooks.csv.gz");
    const auto dispersions = readReference(kPasilla + "design_type_condition_dispersions.csv.gz");
    const auto sizeFactorTable = readReference(kPasilla + "design_type_condition_size_factors.csv");
    const Eigen::VectorXd sizeFactors = numericColumn(sizeFactorTable, "sizeFactor");
    // Samples untreated1-4, treated1-3; type single/single/paired/paired/single/paired/paired.
    Eigen::MatrixXd x(7, 3);
    x << 1, 0, 0,  1, 0, 0,  1, 1, 0,  1, 1, 0,  1, 0, 1,  1, 1, 1,  1, 1, 1;
    Eigen::MatrixXd beta(static_cast<Eigen::Index>(coefficients.nRows()), 3);
    beta.col(0) = numericColumn(coefficients, "Intercept");
    beta.col(1) = numericColumn(coefficients, "type_paired_vs_single");
    beta.col(2) = numericColumn(coefficients, "condition_treated_vs_untreated");
    const Eigen::MatrixXd sigma =
        deseq2Covariances(x, sizeFactors, beta, numericColumn(dispersions, "dispersion"));
    const auto estimate = stats::estimateContrast(beta, sigma, Eigen::Vector3d(0, 0, 1));
    QVERIFY(compare(estimate.log2FoldChange, numericColumn(results, "log2FoldChange")).max() == 0);
    const auto se = compare(estimate.lfcSE, numericColumn(results, "lfcSE"));
    qInfo("contrast lfcSE: %s", qPrintable(se.describe()));
    QCOMPARE(se.naMismatches, 0L);
    QVERIFY2(se.quantile(0.5) < 1e-10 && se.quantile(0.99) < 1e-6, qPrintable(se.describe()));
  }
};

QTEST_GUILESS_MAIN(DeTestsTest)
#include "test_de_tests.moc"

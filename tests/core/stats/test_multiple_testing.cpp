// Benjamini–Hochberg, R's lowess and DESeq2's independent filtering against DESeq2 1.38.3 (pasilla) and the
// DESeq2 references shipped with PyDESeq2.
#include "test_support.h"
#include "reference_tables.h"

#include <cmath>

#include "core/io/sample_sheet.h"
#include "core/stats/multiple_testing.h"

using namespace diffbio;
using diffbio::test::sharedData;

namespace {

const std::string kPasilla = "pasilla/deseq2_1.38.3_reference/";

using diffbio::test::numericColumn;

struct Agreement {
  double maxRelativeError = 0;  // over entries present in both
  long naMismatches = 0;        // entries NA in exactly one of the two
};

Agreement compare(const Eigen::VectorXd& got, const Eigen::VectorXd& want) {
  Agreement a;
  for (Eigen::Index i = 0; i < got.size(); ++i) {
    if (std::isnan(got[i]) != std::isnan(want[i])) {
      ++a.naMismatches;
    } else if (!std::isnan(got[i])) {
      const double scale = std::max(std::abs(want[i]), 1e-300);
      a.maxRelativeError = std::max(a.maxRelativeError, std::abs(got[i] - want[i]) / scale);
    }
  }
  return a;
}

QString describe(const Agreement& a) {
  return QString("max relative error %1, NA mismatches %2").arg(a.maxRelativeError, 0, 'g', 3).arg(a.naMismatches);
}

long countLowCountFiltered(const Eigen::VectorXd& pvalue, const Eigen::VectorXd& padj) {
  long n = 0;
  for (Eigen::Index i = 0; i < pvalue.size(); ++i) n += !std::isnan(pvalue[i]) && std::isnan(padj[i]);
  return n;
}

}  // namespace

class MultipleTestingTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void benjaminiHochbergByHand() {
    // R: p.adjust(c(0.01, NA, 0.04, 0.03, 0.5), "BH") = 0.04 NA 0.05333333 0.05333333 0.5 (n = 4, NA not counted)
    Eigen::VectorXd p(5);
    p << 0.01, std::nan(""), 0.04, 0.03, 0.5;
    const Eigen::VectorXd q = stats::adjustBenjaminiHochberg(p);
    QCOMPARE(q[0], 0.04);
    QVERIFY(std::isnan(q[1]));
    QCOMPARE(q[2], 4.0 / 3.0 * 0.04);
    QCOMPARE(q[3], 4.0 / 3.0 * 0.04);
    QCOMPARE(q[4], 0.5);
    // A single p-value is returned as it is; an empty vector stays empty.
    Eigen::VectorXd one(2);
    one << std::nan(""), 0.3;
    QCOMPARE(stats::adjustBenjaminiHochberg(one)[1], 0.3);
    QCOMPARE(stats::adjustBenjaminiHochberg(Eigen::VectorXd()).size(), Eigen::Index{0});
  }

  void benjaminiHochbergOnPasilla() {
    // Without independent filtering and Cook's rule, padj is plain p.adjust over all tested genes.
    const auto table = io::readSampleSheet(sharedData(kPasilla + "design_condition_results_wald_noIndepFilter_noCooks.csv.gz"));
    const auto got = stats::adjustBenjaminiHochberg(numericColumn(table, "pvalue"));
    const auto agreement = compare(got, numericColumn(table, "padj"));
    QVERIFY2(agreement.naMismatches == 0 && agreement.maxRelativeError < 1e-12, qPrintable(describe(agreement)));
  }

  void rQuantilesAndSequences() {
    Eigen::VectorXd v(4);
    v << 4, 1, 3, 2;
    Eigen::VectorXd probs(3);
    probs << 0.75, 0.1, 0.0;
    const auto q = stats::quantilesType7(v, probs);  // R: quantile(c(4,1,3,2), c(.75,.1,0)) = 3.25 1.3 1
    QCOMPARE(q[0], 3.25);
    QVERIFY(std::abs(q[1] - 1.3) < 1e-15);
    QCOMPARE(q[2], 1.0);
    const auto s = stats::evenlySpaced(0.2, 0.95, 4);  // R: seq(0.2, 0.95, length = 4) = 0.20 0.45 0.70 0.95
    QCOMPARE(s[0], 0.2);
    QCOMPARE(s[1], 0.2 + 1 * ((0.95 - 0.2) / 3));
    QCOMPARE(s[3], 0.95);
  }

  void lowessReproducesALine() {
    // A local linear fit of points on a line is the line, whatever the neighbourhood weights: exact up to
    // rounding. (No robustness iterations here: on noise-free data the residuals are rounding noise, and clowess
    // only stops iterating when 6 * MAD < 1e-7 * mean|residual|, so its bisquare weights would chase that noise.)
    Eigen::VectorXd x(12), y(12);
    x << 0.3, 5, 1, 2.5, 7, 7, 3, 9.5, 4, 6, 8, 10;
    y = 3.0 * x.array() - 2.0;
    const auto fit = stats::lowess(x, y, 1.0 / 3.0, 0);
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      QVERIFY(i == 0 || fit.x[i] >= fit.x[i - 1]);  // returned in sorted x order
      QVERIFY2(std::abs(fit.y[i] - (3.0 * fit.x[i] - 2.0)) < 1e-12, qPrintable(QString::number(fit.y[i])));
    }
  }

  void lowessRobustnessIgnoresAnOutlier() {
    // One wild point on a line: the first pass bends towards it, the bisquare iterations give it weight 0, after
    // which every local fit uses only points on the line and reproduces it exactly, at the outlier too.
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(21, 0, 20);
    Eigen::VectorXd y = 0.5 * x.array() + 1.0;
    y[10] += 100;
    const auto plain = stats::lowess(x, y, 2.0 / 3.0, 0);
    const auto robust = stats::lowess(x, y, 2.0 / 3.0, 3);
    QVERIFY2(std::abs(plain.y[10] - 6.0) > 10, qPrintable(QString::number(plain.y[10])));
    for (Eigen::Index i = 0; i < x.size(); ++i)
      QVERIFY2(std::abs(robust.y[i] - (0.5 * x[i] + 1.0)) < 1e-10, qPrintable(QString::number(robust.y[i])));
  }

  void lowessDeltaInterpolatesSkippedPoints() {
    // With delta = range(x) only the two ends are fitted; the rest lie on the chord between the fitted ends.
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(9, 0, 8);
    Eigen::VectorXd y = x.array().square();
    const auto fit = stats::lowess(x, y, 2.0 / 3.0, 0, 8.0);
    for (Eigen::Index i = 1; i < 8; ++i) {
      const double chord = fit.y[0] + (fit.y[8] - fit.y[0]) * x[i] / 8.0;
      QVERIFY(std::abs(fit.y[i] - chord) < 1e-12);
    }
    QVERIFY(std::abs(fit.y[4] - 16.0) > 1);  // the chord is not the curve: points really were skipped
  }

  void independentFilteringMatchesDeseq2_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("lowCounts");     // summary.txt "low counts" (-1 = not printed there)
    QTest::addColumn<int>("roundedCutoff"); // summary.txt "(mean count < k)" (-1 = not printed there)
    QTest::newRow("~condition Wald") << "design_condition_results_wald.csv.gz" << 4035 << 7;
    QTest::newRow("~type+condition Wald") << "design_type_condition_results_wald.csv.gz" << 3560 << 4;
    QTest::newRow("~type+condition LRT") << "design_type_condition_results_LRT_reduced_type.csv.gz" << -1 << -1;
  }

  void independentFilteringMatchesDeseq2() {
    QFETCH(QString, file);
    QFETCH(int, lowCounts);
    QFETCH(int, roundedCutoff);
    const auto table = io::readSampleSheet(sharedData(kPasilla + file.toStdString()));
    const Eigen::VectorXd pvalue = numericColumn(table, "pvalue");
    const auto filtered = stats::independentFiltering(pvalue, numericColumn(table, "baseMean"), 0.1);
    const Eigen::VectorXd want = numericColumn(table, "padj");
    const auto agreement = compare(filtered.padj, want);
    QVERIFY2(agreement.naMismatches == 0 && agreement.maxRelativeError < 1e-12, qPrintable(describe(agreement)));
    const long filteredOut = countLowCountFiltered(pvalue, filtered.padj);
    QCOMPARE(filteredOut, countLowCountFiltered(pvalue, want));
    if (lowCounts >= 0) QCOMPARE(filteredOut, static_cast<long>(lowCounts));
    if (roundedCutoff >= 0) QCOMPARE(std::round(filtered.filterThreshold), static_cast<double>(roundedCutoff));
    QCOMPARE(filtered.theta.size(), Eigen::Index{50});
    QVERIFY(filtered.rejections.maxCoeff() > 10);  // the lowess rule, not the "too few rejections" fallback, chose
    qInfo("%s: theta %.4f, cutoff %.4f, %ld filtered, %s", qPrintable(file), filtered.filterTheta,
          filtered.filterThreshold, filteredOut, qPrintable(describe(agreement)));
  }

  void pydeseq2ReferencesNeedNoFilter_data() {
    QTest::addColumn<QString>("file");
    const QString base = "pydeseq2_synthetic/tests/data/";
    QTest::newRow("single_factor") << base + "single_factor/r_test_res.csv";
    QTest::newRow("single_factor LRT") << base + "single_factor/r_test_res_lrt.csv";
    QTest::newRow("multi_factor") << base + "multi_factor/r_test_res.csv";
    QTest::newRow("multi_factor outliers") << base + "multi_factor/r_test_res_outliers.csv";
  }

  void pydeseq2ReferencesNeedNoFilter() {
    // Ten genes never give more than 10 rejections, so DESeq2 keeps the first theta (no filtering): padj is BH.
    QFETCH(QString, file);
    const auto table = io::readSampleSheet(sharedData(file.toStdString()));
    const auto filtered =
        stats::independentFiltering(numericColumn(table, "pvalue"), numericColumn(table, "baseMean"), 0.1);
    QCOMPARE(filtered.chosenIndex, Eigen::Index{0});
    const auto agreement = compare(filtered.padj, numericColumn(table, "padj"));
    QVERIFY2(agreement.naMismatches == 0 && agreement.maxRelativeError < 1e-12, qPrintable(describe(agreement)));
  }

  void filterStatisticMustBeComplete() {
    Eigen::VectorXd p = Eigen::VectorXd::Constant(3, 0.5), filter(3);
    filter << 1, std::nan(""), 3;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, stats::independentFiltering(p, filter));
  }
};

QTEST_GUILESS_MAIN(MultipleTestingTest)
#include "test_multiple_testing.moc"

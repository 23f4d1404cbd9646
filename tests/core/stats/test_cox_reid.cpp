// The Cox-Reid term (core/stats/cox_reid.h) against -1/2 log det(X'WX) and -1/2 trace((X'WX)^-1 X'dWX) computed
// directly from the sample-level model matrix, for a design of each shape the term distinguishes: as many groups as
// coefficients (closed form), up to 4 coefficients with more groups than coefficients (fixed 4 x 4 Cholesky), and
// more than 4 coefficients (general Cholesky).
#include "test_support.h"

#include <Eigen/LU>
#include <cmath>
#include <random>

#include "core/stats/cox_reid.h"
#include "core/stats/model_matrix_groups.h"

using namespace diffbio;

namespace {

// Columns: intercept, then one indicator per listed level of each factor (levels are sample % levels).
Eigen::MatrixXd modelMatrix(int samples, std::initializer_list<int> factorLevels) {
  int p = 1;
  for (int levels : factorLevels) p += levels - 1;
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(samples, p);
  x.col(0).setOnes();
  int column = 1, divisor = 1;
  for (int levels : factorLevels) {
    for (int j = 0; j < samples; ++j) {
      const int level = (j / divisor) % levels;
      if (level > 0) x(j, column + level - 1) = 1;
    }
    column += levels - 1;
    divisor *= levels;
  }
  return x;
}

struct Direct {
  double value, derivative;
};

// The same quantities from the n x p matrix, by LU.
Direct direct(const Eigen::MatrixXd& x, const Eigen::VectorXd& w, const Eigen::VectorXd& dw) {
  const Eigen::MatrixXd xtwx = x.transpose() * w.asDiagonal() * x;
  const Eigen::MatrixXd xtdwx = x.transpose() * dw.asDiagonal() * x;
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(xtwx);
  return {-0.5 * std::log(lu.determinant()), -0.5 * lu.solve(xtdwx).trace()};
}

}  // namespace

class CoxReidTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void matchesDirectComputation_data() {
    QTest::addColumn<int>("samples");
    QTest::addColumn<QList<int>>("levels");
    QTest::newRow("~condition (closed form)") << 12 << QList<int>{2};
    QTest::newRow("~condition with 4 levels (closed form)") << 16 << QList<int>{4};
    QTest::newRow("~type + condition (fixed 4 x 4)") << 7 << QList<int>{2, 2};
    QTest::newRow("~a + b + c, 4 coefficients (fixed 4 x 4)") << 16 << QList<int>{2, 2, 2};
    QTest::newRow("~a + b, 6 coefficients (general)") << 24 << QList<int>{3, 4};
  }

  void matchesDirectComputation() {
    QFETCH(int, samples);
    QFETCH(QList<int>, levels);
    Eigen::MatrixXd x;
    if (levels.size() == 1) x = modelMatrix(samples, {levels[0]});
    else if (levels.size() == 2) x = modelMatrix(samples, {levels[0], levels[1]});
    else x = modelMatrix(samples, {levels[0], levels[1], levels[2]});
    const stats::DesignGroups groups = stats::designGroups(x);
    stats::CoxReidTerm term(groups);

    std::mt19937_64 rng(11);
    std::lognormal_distribution<double> mu(3.0, 2.0);
    std::uniform_real_distribution<double> alpha(0.001, 2.0);
    double worstValue = 0, worstDerivative = 0;
    for (int trial = 0; trial < 200; ++trial) {
      // w = mu / (1 + mu alpha) and dw/dalpha = -w^2 per sample, summed per design group.
      const double a = alpha(rng);
      Eigen::VectorXd w(samples), dw(samples);
      for (int j = 0; j < samples; ++j) {
        const double m = mu(rng);
        w[j] = m / (1 + m * a);
        dw[j] = -w[j] * w[j];
      }
      Eigen::VectorXd groupW = Eigen::VectorXd::Zero(groups.count()), groupDW = groupW;
      for (int j = 0; j < samples; ++j) {
        groupW[groups.groupOfSample[static_cast<std::size_t>(j)]] += w[j];
        groupDW[groups.groupOfSample[static_cast<std::size_t>(j)]] += dw[j];
      }
      const Direct want = direct(x, w, dw);
      const double value = term.value(groupW.data());
      const double derivative = term.derivative(groupDW.data());
      worstValue = std::max(worstValue, std::abs(value - want.value) / std::max(1.0, std::abs(want.value)));
      worstDerivative =
          std::max(worstDerivative, std::abs(derivative - want.derivative) / std::max(1.0, std::abs(want.derivative)));
    }
    qInfo("%ld groups, %ld coefficients: worst relative error value %.3g, derivative %.3g", long(groups.count()),
          long(x.cols()), worstValue, worstDerivative);
    QVERIFY2(worstValue < 1e-12, qPrintable(QString::number(worstValue)));
    QVERIFY2(worstDerivative < 1e-12, qPrintable(QString::number(worstDerivative)));
  }
};

QTEST_GUILESS_MAIN(CoxReidTest)
#include "test_cox_reid.moc"

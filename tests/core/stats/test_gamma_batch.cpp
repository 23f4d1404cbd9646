// The batched log Gamma and digamma (core/stats/gamma_batch.h) against glibc's lgamma and Boost's digamma, and the
// vector log/exp (core/util/vector_math.h) against std::log/std::exp, over the whole range the dispersion fit uses
// (counts + 1/alpha from 1e-8 to 1e15), on both sides of the series threshold and at the zeros of lgamma.
#include "test_support.h"

#include <boost/math/special_functions/digamma.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "core/stats/gamma_batch.h"
#include "core/util/vector_math.h"

using namespace diffbio;

namespace {

std::vector<double> testArguments() {
  std::vector<double> x = {1e-8, 1e-3, 0.5, 1.0, 2.0, 3.0, 9.999999, 10.0, 10.000001, 1e15};
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-8.0, 15.0);
  for (int i = 0; i < 20000; ++i) x.push_back(std::pow(10.0, exponent(rng)));
  for (int i = 0; i < 2000; ++i) x.push_back(0.5 + i * 0.01);  // dense where the recurrence shifts
  return x;
}

// |got - want| within `tolerance` relative to max(1, |want|): absolute near the zeros of lgamma (x = 1, 2), where
// a relative error is meaningless, relative elsewhere.
double worstError(const std::vector<double>& got, const std::vector<double>& want) {
  double worst = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    worst = std::max(worst, std::abs(got[i] - want[i]) / std::max(1.0, std::abs(want[i])));
  return worst;
}

}  // namespace

class GammaBatchTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void logGammaMatchesGlibc() {
    const std::vector<double> x = testArguments();
    std::vector<double> got(x.size()), want(x.size());
    stats::logGammaBatch(x.data(), got.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      int sign = 0;
      want[i] = lgamma_r(x[i], &sign);
    }
    const double worst = worstError(got, want);
    qInfo("lgamma: worst error %.3g over %zu arguments", worst, x.size());
    QVERIFY2(worst < 1e-14, qPrintable(QString::number(worst)));
  }

  void digammaMatchesBoost() {
    const std::vector<double> x = testArguments();
    std::vector<double> got(x.size()), want(x.size());
    stats::digammaBatch(x.data(), got.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) want[i] = boost::math::digamma(x[i]);
    const double worst = worstError(got, want);
    qInfo("digamma: worst error %.3g over %zu arguments", worst, x.size());
    QVERIFY2(worst < 1e-14, qPrintable(QString::number(worst)));
  }

  // lgamma(y + s) - lgamma(s) and digamma(y + s) - digamma(s) for whole counts y against sums in long double:
  // sum_{k<y} log(s + k) and sum_{k<y} 1/(s + k). Sizes from 0.01 (alpha = 100) to 1e12 (alpha at the floor), where
  // subtracting two lgamma values would lose up to 1e-4 of the difference.
  void differencesMatchDirectSums() {
    double worstLog = 0, worstDigamma = 0;
    for (const double size : {0.01, 0.7, 3.0, 9.99, 10.0, 55.5, 1e3, 1e6, 1e8, 1e12}) {
      std::vector<double> y;
      for (int count = 0; count <= 600; count += (count < 20 ? 1 : 37)) y.push_back(count);
      std::vector<double> logs(y.size()), digammas(y.size());
      stats::logGammaDifferenceBatch(y.data(), size, logs.data(), y.size());
      stats::digammaDifferenceBatch(y.data(), size, digammas.data(), y.size());
      for (std::size_t i = 0; i < y.size(); ++i) {
        long double logSum = 0, reciprocalSum = 0;
        for (int k = 0; k < static_cast<int>(y[i]); ++k) {
          logSum += std::log(static_cast<long double>(size) + k);
          reciprocalSum += 1.0L / (static_cast<long double>(size) + k);
        }
        const auto error = [](double got, long double want) {
          return static_cast<double>(std::fabs(static_cast<long double>(got) - want) / std::max(1.0L, std::fabs(want)));
        };
        worstLog = std::max(worstLog, error(logs[i], logSum));
        worstDigamma = std::max(worstDigamma, error(digammas[i], reciprocalSum));
      }
    }
    qInfo("lgamma difference: worst error %.3g; digamma difference: worst error %.3g", worstLog, worstDigamma);
    QVERIFY2(worstLog < 1e-13, qPrintable(QString::number(worstLog)));
    QVERIFY2(worstDigamma < 1e-13, qPrintable(QString::number(worstDigamma)));
  }

  void inPlaceEqualsSeparateOutput() {
    std::vector<double> x = {0.25, 4.5, 12.0, 1e6};
    std::vector<double> separate(x.size());
    stats::logGammaBatch(x.data(), separate.data(), x.size());
    stats::logGammaBatch(x.data(), x.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) QCOMPARE(x[i], separate[i]);
  }

  void vectorLogAndExpWithinFourUlp() {
    std::vector<double> x;
    for (int i = 0; i < 1001; ++i) x.push_back(std::pow(10.0, -300.0137 + 0.6 * i));  // odd length: the scalar tail too; never 1
    std::vector<double> logs = x;
    logInPlace(logs.data(), logs.size());
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
      worst = std::max(worst, std::abs(logs[i] - std::log(x[i])) / std::max(1e-300, std::abs(std::log(x[i]))));
    QVERIFY2(worst <= 4 * 2.3e-16, qPrintable(QString::number(worst)));

    std::vector<double> e(x.size());
    for (std::size_t i = 0; i < e.size(); ++i) e[i] = -700 + 1.4 * static_cast<double>(i);
    std::vector<double> exps = e;
    expInPlace(exps.data(), exps.size());
    worst = 0;
    for (std::size_t i = 0; i < e.size(); ++i)
      worst = std::max(worst, std::abs(exps[i] - std::exp(e[i])) / std::exp(e[i]));
    QVERIFY2(worst <= 4 * 2.3e-16, qPrintable(QString::number(worst)));
    qInfo("vector math accelerated on this CPU: %s", vectorMathAccelerated() ? "yes (libmvec AVX2)" : "no");
  }
};

QTEST_GUILESS_MAIN(GammaBatchTest)
#include "test_gamma_batch.moc"

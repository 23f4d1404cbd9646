// Dispersion estimation against DESeq2 1.38.3 on pasilla (every stage) and against the DESeq2 references shipped
// with PyDESeq2 (final dispersions).
#include "test_support.h"


#include <chrono>
#include <ctime>
#include <cmath>
#include <random>

#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "core/stats/dispersion.h"
#include "core/stats/r_summaries.h"
#include "core/stats/dispersion_prior.h"
#include "core/stats/nb_glm.h"
#include "core/stats/size_factors.h"
#include "core/util/parallel.h"
#include "core/util/threads.h"

using namespace diffbio;
using diffbio::test::sharedData;

namespace {

const std::string kRef = "pasilla/deseq2_1.38.3_reference/";

Eigen::VectorXd floatColumn(const data::Table& table, const std::string& name) {
  const auto& values = table.column(name).floats();
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}

// A Bool column of R's write.csv; NA counts as false (DESeq2 sets dispOutlier NA for all-zero genes).
std::vector<bool> boolColumn(const data::Table& table, const std::string& name) {
  const auto& column = table.column(name);
  std::vector<bool> out(column.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = !column.isMissing(i) && column.bools()[i];
  return out;
}

// Intercept plus 0/1 indicators (R's model.matrix, reference levels first) and numeric covariates as they are.
Eigen::MatrixXd designFromSheet(const data::Table& sheet, const std::vector<std::pair<std::string, std::string>>& terms) {
  const Eigen::Index n = static_cast<Eigen::Index>(sheet.nRows());
  Eigen::MatrixXd x(n, static_cast<Eigen::Index>(terms.size()) + 1);
  x.col(0).setOnes();
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const auto& column = sheet.column(terms[t].first);
    for (Eigen::Index j = 0; j < n; ++j) {
      const auto row = static_cast<std::size_t>(j);
      x(j, static_cast<Eigen::Index>(t) + 1) =
          terms[t].second.empty() ? *column.number(row) : (column.text(row) == terms[t].second ? 1.0 : 0.0);
    }
  }
  return x;
}

struct Agreement {
  double median = 0, p99 = 0, max = 0;
  long compared = 0;
};

// Relative errors over the genes where the reference is finite; NaN in one but not the other fails the test.
Agreement relativeAgreement(const Eigen::VectorXd& got, const Eigen::VectorXd& want) {
  std::vector<double> errors;
  for (Eigen::Index i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i]) != std::isnan(got[i])) return {INFINITY, INFINITY, INFINITY, 0};
    // baseMean and baseVar are exactly 0 for all-zero genes: compare those absolutely.
    if (!std::isnan(want[i])) errors.push_back(std::abs(got[i] - want[i]) / (want[i] == 0 ? 1.0 : std::abs(want[i])));
  }
  Eigen::VectorXd e = Eigen::Map<Eigen::VectorXd>(errors.data(), static_cast<Eigen::Index>(errors.size()));
  return {stats::median(e), stats::quantileType7(e, 0.99), e.maxCoeff(), static_cast<long>(errors.size())};
}

double relativeError(double got, double want) { return std::abs(got - want) / std::abs(want); }

#define CHECK_AGREEMENT(name, got, want, medianTol, p99Tol)                                                      \
  do {                                                                                                           \
    const Agreement a_ = relativeAgreement(got, want);                                                           \
    qInfo("  %-12s n=%ld  relative error median %.3g  p99 %.3g  max %.3g", name, a_.compared, a_.median, a_.p99, \
          a_.max);                                                                                               \
    QVERIFY2(a_.median <= (medianTol) && a_.p99 <= (p99Tol),                                                     \
             qPrintable(QString("%1: median %2, p99 %3").arg(name).arg(a_.median).arg(a_.p99)));                 \
  } while (0)

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Wall and process CPU time, per lap and in total, formatted "wall/cpu".
class Stopwatch {
 public:
  std::string lap() {
    const auto wall = std::chrono::steady_clock::now();
    const std::clock_t cpu = std::clock();
    const std::string text = format(std::chrono::duration<double>(wall - lapWall_).count(), cpu - lapCpu_);
    lapWall_ = wall;
    lapCpu_ = cpu;
    return text;
  }
  std::string total() const {
    return format(secondsSince(startWall_), std::clock() - startCpu_);
  }

 private:
  static std::string format(double wall, std::clock_t cpu) {
    return QString("%1/%2").arg(wall, 0, 'f', 3).arg(double(cpu) / CLOCKS_PER_SEC, 0, 'f', 3).toStdString();
  }
  std::chrono::steady_clock::time_point startWall_ = std::chrono::steady_clock::now(), lapWall_ = startWall_;
  std::clock_t startCpu_ = std::clock(), lapCpu_ = startCpu_;
};

}  // namespace

class DispersionTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { configureThreads(2); }

  void pasillaMatchesDeseq2_data() {
    QTest::addColumn<QString>("tag");
    QTest::addColumn<bool>("withType");
    QTest::newRow("~condition") << "design_condition" << false;
    QTest::newRow("~type + condition") << "design_type_condition" << true;
  }

  void pasillaMatchesDeseq2() {
    QFETCH(QString, tag);
    QFETCH(bool, withType);
    const std::string prefix = kRef + tag.toStdString();
    const auto counts = io::readCounts(sharedData("pasilla/pasilla_gene_counts.tsv")).matrix.dense();
    const data::Table coldata = io::readSampleSheet(sharedData(kRef + "coldata_used.csv"));
    const Eigen::MatrixXd x = withType ? designFromSheet(coldata, {{"type", "paired"}, {"condition", "treated"}})
                                       : designFromSheet(coldata, {{"condition", "treated"}});
    const Eigen::VectorXd sf = floatColumn(io::readSampleSheet(sharedData(prefix + "_size_factors.csv")), "sizeFactor");
    const data::Table want = io::readSampleSheet(sharedData(prefix + "_dispersions.csv.gz"));
    const data::Table wantTrend = io::readSampleSheet(sharedData(prefix + "_dispersion_trend_coefs.csv"));

    Stopwatch clock;
    const stats::DispersionResult got = stats::estimateDispersions(counts, sf, x);
    const std::string dispersionTime = clock.lap();
    const stats::GlmFit fit = stats::fitNegativeBinomialGlm(counts, sf, x, got.dispersion());
    const std::string glmTime = clock.lap();
    qInfo("%s: wall/CPU seconds: dispersions %s + final GLM %s (%d threads); gene-wise means from %s",
          qPrintable(tag), dispersionTime.c_str(), glmTime.c_str(), parallelThreads(),
          got.geneWise.linearModelMeans ? "the linear model" : "the NB GLM");
    QVERIFY(got.trend.note.empty());
    const double asympt = relativeError(got.trend.asymptDisp, floatColumn(wantTrend, "asympDisp")[0]);
    const double extra = relativeError(got.trend.extraPois, floatColumn(wantTrend, "extraPois")[0]);
    const double priorVar = relativeError(got.dispPriorVar, floatColumn(wantTrend, "dispPriorVar")[0]);
    qInfo("  trend asymptDisp %.10g (rel err %.3g), extraPois %.10g (%.3g), dispPriorVar %.10g (%.3g)",
          got.trend.asymptDisp, asympt, got.trend.extraPois, extra, got.dispPriorVar, priorVar);
    QVERIFY2(asympt < 1e-4 && extra < 1e-4 && priorVar < 1e-4, "trend coefficients or prior variance differ");

    // All-zero genes: NaN everywhere, as DESeq2's NA.
    const std::vector<bool> wantAllZero = boolColumn(want, "allZero");
    QVERIFY(got.geneWise.allZero == wantAllZero);
    CHECK_AGREEMENT("baseMean", got.baseMean(), floatColumn(want, "baseMean"), 1e-12, 1e-12);
    CHECK_AGREEMENT("baseVar", got.geneWise.baseVar, floatColumn(want, "baseVar"), 1e-12, 1e-12);
    CHECK_AGREEMENT("dispGeneEst", got.dispGeneEst(), floatColumn(want, "dispGeneEst"), 1e-6, 1e-3);
    CHECK_AGREEMENT("dispFit", got.dispFit, floatColumn(want, "dispFit"), 1e-6, 1e-4);
    CHECK_AGREEMENT("dispMAP", got.dispMAP(), floatColumn(want, "dispMAP"), 1e-6, 1e-3);
    CHECK_AGREEMENT("dispersion", got.dispersion(), floatColumn(want, "dispersion"), 1e-6, 1e-3);
    const std::vector<bool> wantOutlier = boolColumn(want, "dispOutlier");
    long outlierMismatch = 0, outliers = 0;
    for (std::size_t g = 0; g < wantOutlier.size(); ++g) {
      outlierMismatch += wantOutlier[g] != got.map.dispOutlier[g];
      outliers += wantOutlier[g];
    }
    qInfo("  dispOutlier: %ld flagged by DESeq2, %ld mismatches", outliers, outlierMismatch);
    QCOMPARE(outlierMismatch, 0L);
    // Where the gene-wise estimates differ by more than 1e-6 (relative), both lie at the floor (< 10 * minDisp):
    // the likelihood is maximal at alpha -> 0, the line search runs out of iterations and the grid search picks
    // among points whose log posteriors differ only by rounding (lgamma(1e8) carries errors of ~1e-7), in DESeq2
    // as here. Such genes do not enter the trend and start the MAP stage from the trend.
    const Eigen::VectorXd wantGeneEst = floatColumn(want, "dispGeneEst");
    long atFloor = 0;
    for (Eigen::Index g = 0; g < wantGeneEst.size(); ++g) {
      const double a = got.dispGeneEst()[g], b = wantGeneEst[g];
      if (std::isnan(b) || std::abs(a - b) <= 1e-6 * b) continue;
      if (a < 1e-7 && b < 1e-7) {
        ++atFloor;
        continue;
      }
      QVERIFY2(std::abs(a - b) <= 1e-4 * b, qPrintable(QString("gene %1: %2 vs %3").arg(g).arg(a).arg(b)));
    }
    qInfo("  dispGeneEst: %ld genes differ at the floor (both below 1e-7)", atFloor);
    QVERIFY(fit.beta.rows() == counts.cols());
  }

  void pydeseq2ReferencesWithinTwoPercent_data() {
    QTest::addColumn<QString>("counts");
    QTest::addColumn<bool>("samplesAsRows");
    QTest::addColumn<QString>("metadata");
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QString>("design");
    const QString data = "pydeseq2_synthetic/tests/data/";
    const QString synthetic = "pydeseq2_synthetic/datasets/synthetic/";
    QTest::newRow("single_factor ~condition") << synthetic + "test_counts.csv" << false
                                              << synthetic + "test_metadata.csv" << data + "single_factor"
                                              << "condition";
    QTest::newRow("multi_factor ~group + condition") << synthetic + "test_counts.csv" << false
                                                     << synthetic + "test_metadata.csv" << data + "multi_factor"
                                                     << "group+condition";
    QTest::newRow("wide ~group + condition") << data + "wide/test_counts.csv" << false
                                             << data + "wide/test_metadata.csv" << data + "wide"
                                             << "group+condition";
    QTest::newRow("continuous ~group + condition + measurement")
        << data + "continuous/test_counts.csv" << false << data + "continuous/test_metadata.csv"
        << data + "continuous" << "group+condition+measurement";
    QTest::newRow("large_counts ~condition") << data + "large_counts/test_counts_from_test_pydeseq2_py.csv" << true
                                             << data + "large_counts/test_metadata_from_test_pydeseq2_py.csv"
                                             << data + "large_counts" << "condition";
  }

  void pydeseq2ReferencesWithinTwoPercent() {
    QFETCH(QString, counts);
    QFETCH(bool, samplesAsRows);
    QFETCH(QString, metadata);
    QFETCH(QString, folder);
    QFETCH(QString, design);
    io::CountReadOptions readOptions;
    readOptions.samplesAsRows = samplesAsRows;
    const auto y = io::readCounts(sharedData(counts.toStdString()), readOptions).matrix.dense();
    const data::Table sheet = io::readSampleSheet(sharedData(metadata.toStdString()));
    std::vector<std::pair<std::string, std::string>> terms;
    if (design.contains("group")) terms.push_back({"group", "Y"});
    terms.push_back({"condition", "B"});
    if (design.contains("measurement")) terms.push_back({"measurement", ""});
    const Eigen::MatrixXd x = designFromSheet(sheet, terms);
    const std::string dir = folder.toStdString() + "/";
    const Eigen::VectorXd sf = floatColumn(io::readSampleSheet(sharedData(dir + "r_test_size_factors.csv")), "x");
    const Eigen::VectorXd want = floatColumn(io::readSampleSheet(sharedData(dir + "r_test_dispersions.csv")), "x");

    const stats::DispersionResult got = stats::estimateDispersions(y, sf, x);
    const Agreement a = relativeAgreement(got.dispersion(), want);
    qInfo("  %d genes x %d samples: final dispersion relative error median %.3g, max %.3g", int(y.cols()),
          int(y.rows()), a.median, a.max);
    QVERIFY2(a.max <= 0.02, qPrintable(QString::number(a.max)));
  }

  void standardErrorsMatchPydeseq2References_data() {
    QTest::addColumn<int>("fitType");
    QTest::addColumn<QString>("reference");
    QTest::newRow("parametric") << int(stats::DispersionFitType::Parametric) << "r_test_res.csv";
    QTest::newRow("mean") << int(stats::DispersionFitType::Mean) << "r_test_res_mean_curve.csv";
  }

  void standardErrorsMatchPydeseq2References() {
    // The final dispersions of fitType "mean" have no reference file of their own, but DESeq2's lfcSE and log2
    // fold changes depend on them (through the GLM weights): compare those, within PyDESeq2's 2 %.
    QFETCH(int, fitType);
    QFETCH(QString, reference);
    const std::string dir = "pydeseq2_synthetic/";
    const auto y = io::readCounts(sharedData(dir + "datasets/synthetic/test_counts.csv")).matrix.dense();
    const data::Table sheet = io::readSampleSheet(sharedData(dir + "datasets/synthetic/test_metadata.csv"));
    const Eigen::MatrixXd x = designFromSheet(sheet, {{"condition", "B"}});
    const Eigen::VectorXd sf = floatColumn(
        io::readSampleSheet(sharedData(dir + "tests/data/single_factor/r_test_size_factors.csv")), "x");
    const data::Table want =
        io::readSampleSheet(sharedData(dir + "tests/data/single_factor/" + reference.toStdString()));
    stats::DispersionOptions options;
    options.fitType = static_cast<stats::DispersionFitType>(fitType);
    const auto dispersions = stats::estimateDispersions(y, sf, x, options);
    QCOMPARE(int(dispersions.trend.used), fitType);
    const auto fit = stats::fitNegativeBinomialGlm(y, sf, x, dispersions.dispersion());
    const Agreement se = relativeAgreement(fit.log2StandardError().col(1), floatColumn(want, "lfcSE"));
    const Agreement lfc = relativeAgreement(fit.log2Beta().col(1), floatColumn(want, "log2FoldChange"));
    qInfo("  lfcSE relative error max %.3g, log2FoldChange max %.3g", se.max, lfc.max);
    QVERIFY2(se.max < 0.02 && lfc.max < 0.02, "outside PyDESeq2's 2 % tolerance");
  }

  void localTrendFollowsTheData() {
    // The local fit (our stand-in for locfit) on gene-wise-like estimates scattered around a known trend that
    // a + b / mean cannot describe (it rises again for large means).
    std::mt19937 rng(3);
    std::normal_distribution<double> logMean(3.0, 2.0), scatter(0.0, 0.5);
    const int nGenes = 5000;
    Eigen::VectorXd means(nGenes), disps(nGenes), truth(nGenes);
    for (int g = 0; g < nGenes; ++g) {
      means[g] = std::exp(logMean(rng));
      truth[g] = 0.05 + 1.0 / means[g] + 1e-4 * means[g];
      disps[g] = truth[g] * std::exp(scatter(rng));
    }
    const auto trend = stats::fitDispersionTrend(means, disps, stats::DispersionFitType::Local);
    QVERIFY(trend.note.find("not identical") != std::string::npos);
    const Eigen::VectorXd fitted = trend(means);
    // The fit estimates the median of the log-normal scatter, i.e. the truth itself: within 5 % in the middle;
    // a neighbourhood of 70 % of the genes smooths the bend at the ends, hence up to 25 % there.
    const Eigen::VectorXd ratio = fitted.cwiseQuotient(truth);
    qInfo("  local trend / truth: median %.4f, 1%%..99%% %.4f..%.4f", stats::median(ratio),
          stats::quantileType7(ratio, 0.01), stats::quantileType7(ratio, 0.99));
    QVERIFY(std::abs(stats::median(ratio) - 1.0) < 0.05);
    QVERIFY(stats::quantileType7(ratio, 0.01) > 0.8 && stats::quantileType7(ratio, 0.99) < 1.25);
  }

  void parametricFailureFallsBackToLocal() {
    // Dispersions that fall with the mean faster than 1/mean: the Gamma GLM gives a negative asymptote, which
    // DESeq2 treats as failure and replaces by a local fit (with a message); so do we, with a note.
    Eigen::VectorXd means = Eigen::VectorXd::LinSpaced(400, 0.0, 8.0).array().exp();
    Eigen::VectorXd disps = 5.0 * means.array().pow(-2.0) + 1e-5;
    const auto trend = stats::fitDispersionTrend(means, disps, stats::DispersionFitType::Parametric);
    QCOMPARE(int(trend.used), int(stats::DispersionFitType::Local));
    QVERIFY(trend.note.find("did not fit") != std::string::npos);
  }

  void meanTrendIsTheTrimmedMean() {
    const std::vector<double> values{3, 1, 2, 100, 4, 5};
    QCOMPARE(stats::trimmedMean(values, 0.2), 3.5);  // R: mean(c(3,1,2,100,4,5), trim = 0.2) = 3.5
  }

  void resultsDoNotDependOnThreadCount() {
    const auto counts = io::readCounts(sharedData("pasilla/pasilla_gene_counts.tsv")).matrix.dense();
    const data::Table coldata = io::readSampleSheet(sharedData(kRef + "coldata_used.csv"));
    const Eigen::MatrixXd x = designFromSheet(coldata, {{"type", "paired"}, {"condition", "treated"}});
    const Eigen::VectorXd sf = stats::estimateSizeFactors(counts, stats::SizeFactorMethod::Ratio);
    configureThreads(1);
    const auto one = stats::estimateDispersions(counts, sf, x);
    configureThreads(2);
    const auto two = stats::estimateDispersions(counts, sf, x);
    for (Eigen::Index g = 0; g < counts.cols(); ++g) {
      const double a = one.dispersion()[g], b = two.dispersion()[g];
      QVERIFY(a == b || (std::isnan(a) && std::isnan(b)));
    }
  }

  void priorVarianceBySimulationForFewDegreesOfFreedom_data() {
    QTest::addColumn<int>("degreesOfFreedom");
    QTest::addColumn<double>("trueVariance");
    QTest::newRow("1 df, variance 0.5") << 1 << 0.5;
    QTest::newRow("2 df, variance 1.0") << 2 << 1.0;
    QTest::newRow("3 df, variance 0.8") << 3 << 0.8;
  }

  void priorVarianceBySimulationForFewDegreesOfFreedom() {
    // With 1 to 3 residual degrees of freedom DESeq2 finds the prior variance by matching the histogram of log
    // residuals to simulated log chi-square(df)/df plus normal noise. Residuals drawn from exactly that model must
    // give back the noise variance (within the grid resolution and the sampling noise of 10,000 draws).
    QFETCH(int, degreesOfFreedom);
    QFETCH(double, trueVariance);
    std::mt19937_64 rng(17);
    std::chi_squared_distribution<double> chiSquare(degreesOfFreedom);
    std::normal_distribution<double> noise(0.0, std::sqrt(trueVariance));
    const int nGenes = 8000;
    Eigen::VectorXd trend(nGenes), geneWise(nGenes);
    for (int g = 0; g < nGenes; ++g) {
      trend[g] = 0.05 + 1.0 / (g + 1);
      geneWise[g] = trend[g] * std::exp(std::log(chiSquare(rng) / degreesOfFreedom) + noise(rng));
    }
    const double varLogDispEsts = stats::logDispersionResidualVariance(geneWise, trend);
    const double got = stats::dispersionPriorVariance(geneWise, trend, varLogDispEsts, 2 + degreesOfFreedom, 2);
    qInfo("  prior variance %.4g (true %.4g)", got, trueVariance);
    QVERIFY2(std::abs(got - trueVariance) < 0.15, qPrintable(QString::number(got)));
  }

  void syntheticTimings_data() {
    QTest::addColumn<int>("nGenes");
    QTest::addColumn<int>("n");
    QTest::newRow("20000 x 100") << 20000 << 100;
    QTest::newRow("64000 x 8") << 64000 << 8;
  }

  void syntheticTimings() {
    // NB counts in two groups, for the record; no assertion on time.
    QFETCH(int, nGenes);
    QFETCH(int, n);
    std::mt19937 rng(5);
    std::normal_distribution<double> logMean(4.0, 2.0);
    stats::Counts counts(n, nGenes);
    Eigen::VectorXd sf(n);
    for (int j = 0; j < n; ++j) sf[j] = std::exp(std::normal_distribution<double>(0.0, 0.3)(rng));
    for (int g = 0; g < nGenes; ++g) {
      const double mean = std::exp(logMean(rng));
      const double alpha = 0.02 + 1.0 / (mean + 1.0);
      const double fold = g % 10 == 0 ? 2.0 : 1.0;
      for (int j = 0; j < n; ++j) {
        const double m = mean * sf[j] * (j >= n / 2 ? fold : 1.0);
        std::gamma_distribution<double> gamma(1.0 / alpha, m * alpha);
        counts(j, g) = std::poisson_distribution<long>(gamma(rng))(rng);
      }
    }
    Eigen::MatrixXd x(n, 2);
    x.col(0).setOnes();
    for (int j = 0; j < n; ++j) x(j, 1) = j >= n / 2 ? 1.0 : 0.0;
    // Stage by stage (the same calls estimateDispersions makes), to see where the time goes. CPU time (all threads)
    // is printed too: unlike wall time it hardly changes when the machine is busy.
    Stopwatch clock;
    const auto sizeFactors = stats::estimateSizeFactors(counts, stats::SizeFactorMethod::Ratio);
    const std::string sizeFactorTime = clock.lap();
    const auto geneWise = stats::estimateGeneWiseDispersions(counts, sizeFactors, x);
    const std::string geneWiseTime = clock.lap();
    const auto trend = stats::fitDispersionTrend(geneWise.baseMean, geneWise.dispGeneEst);
    const Eigen::VectorXd dispFit = trend(geneWise.baseMean);
    const double varLog = stats::logDispersionResidualVariance(geneWise.dispGeneEst, dispFit);
    const double priorVar = stats::dispersionPriorVariance(geneWise.dispGeneEst, dispFit, varLog, n, 2);
    const std::string trendTime = clock.lap();
    const auto map =
        stats::estimateMapDispersions(counts, x, geneWise.mu, geneWise.dispGeneEst, dispFit, priorVar, varLog);
    const std::string mapTime = clock.lap();
    const auto fit = stats::fitNegativeBinomialGlm(counts, sizeFactors, x, map.dispersion);
    const std::string glmTime = clock.lap();
    qInfo("  %d x %d, %d threads, wall/CPU seconds: size factors %s, gene-wise %s (mean %.1f proposals), "
          "trend + prior %s, MAP %s (mean %.1f proposals), final GLM %s (mean %.1f IRLS iterations); total %s",
          nGenes, n, parallelThreads(), sizeFactorTime.c_str(), geneWiseTime.c_str(),
          geneWise.dispGeneIter.cast<double>().mean(), trendTime.c_str(), mapTime.c_str(),
          map.dispMapIter.cast<double>().mean(), glmTime.c_str(), fit.iterations.cast<double>().mean(),
          clock.total().c_str());
    const auto got = stats::estimateDispersions(counts, sizeFactors, x);
    for (Eigen::Index g = 0; g < nGenes; ++g)  // the stages one by one give exactly what the whole does
      QVERIFY(got.dispersion()[g] == map.dispersion[g] || (std::isnan(got.dispersion()[g]) && std::isnan(map.dispersion[g])));
    // The simulated trend is 0.02 + 1/(mean + 1): the fitted asymptote should be near 0.02.
    QVERIFY2(std::abs(got.trend.asymptDisp - 0.02) < 0.005, qPrintable(QString::number(got.trend.asymptDisp)));
    for (Eigen::Index g = 0; g < nGenes; ++g)
      QCOMPARE(bool(fit.beta.row(g).allFinite()), !geneWise.allZero[static_cast<std::size_t>(g)]);
  }
};

QTEST_GUILESS_MAIN(DispersionTest)
#include "test_dispersion.moc"

// Cook's distances, the outlier rule and outlier replacement against DESeq2 1.38.3 on pasilla.
#include "test_support.h"
#include "reference_tables.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <vector>

#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "core/stats/cooks.h"
#include "core/stats/nb_glm.h"
#include "core/stats/results_table.h"
#include "core/stats/vst.h"

using namespace diffbio;
using diffbio::test::sharedData;

namespace {

const std::string kPasilla = "pasilla/deseq2_1.38.3_reference/";

using diffbio::test::readReference;

using diffbio::test::numericColumn;

// Model matrices for the pasilla samples untreated1-4, treated1-3 (types single, single, paired, paired, single,
// paired, paired), in the column order of DESeq2's coef() output.
Eigen::MatrixXd conditionDesign() {
  Eigen::MatrixXd x(7, 2);
  x << 1, 0,  1, 0,  1, 0,  1, 0,  1, 1,  1, 1,  1, 1;
  return x;
}
Eigen::MatrixXd typeConditionDesign() {
  Eigen::MatrixXd x(7, 3);
  x << 1, 0, 0,  1, 0, 0,  1, 1, 0,  1, 1, 0,  1, 0, 1,  1, 1, 1,  1, 1, 1;
  return x;
}

// What nbinomWaldTest hands to calculateCooksDistance, rebuilt from DESeq2's final coefficients and dispersions:
// mu = s * exp(X beta) and the hat diagonals of fitBeta, diag(W^1/2 X (X'WX + L)^-1 X' W^1/2) with
// W = mu / (1 + alpha mu), mu floored at 0.5 for the weights, and the ridge L = 1e-6 / log(2)^2.
struct FixedFit {
  Eigen::MatrixXd mu;   // samples x genes
  Eigen::MatrixXd hat;  // samples x genes
};

FixedFit fixedCoefficientFit(const Eigen::MatrixXd& x, const Eigen::VectorXd& sizeFactors,
                             const Eigen::MatrixXd& coefficientsLog2, const Eigen::VectorXd& dispersion) {
  const Eigen::Index m = x.rows(), p = x.cols(), nGenes = coefficientsLog2.rows();
  const Eigen::MatrixXd ridge = Eigen::MatrixXd::Identity(p, p) * (1e-6 / std::pow(std::log(2.0), 2));
  FixedFit fit{Eigen::MatrixXd::Constant(m, nGenes, std::nan("")), Eigen::MatrixXd::Constant(m, nGenes, std::nan(""))};
  for (Eigen::Index g = 0; g < nGenes; ++g) {
    const Eigen::VectorXd beta = coefficientsLog2.row(g).transpose() * std::log(2.0);
    if (!beta.allFinite()) continue;  // all-zero genes are not fitted
    const Eigen::ArrayXd mu = sizeFactors.array() * (x * beta).array().exp();
    const Eigen::ArrayXd floored = mu.max(0.5);
    const Eigen::ArrayXd w = floored / (1.0 + dispersion[g] * floored);
    const Eigen::MatrixXd xw = w.sqrt().matrix().asDiagonal() * x;
    const Eigen::MatrixXd inverse = (xw.transpose() * xw + ridge).inverse();
    fit.mu.col(g) = mu.matrix();
    fit.hat.col(g) = (xw * inverse).cwiseProduct(xw).rowwise().sum();
  }
  return fit;
}

struct PasillaInputs {
  std::vector<std::string> genes;
  Eigen::MatrixXd counts;  // samples x genes
  Eigen::VectorXd sizeFactors;
  Eigen::MatrixXd coefficients;  // genes x p, log2
  Eigen::VectorXd dispersion;
};

PasillaInputs loadPasilla(const std::string& design, const std::vector<std::string>& coefficientNames) {
  PasillaInputs in;
  const auto loaded = io::readCounts(sharedData("pasilla/pasilla_gene_counts.tsv"));
  in.counts = loaded.matrix.dense();
  in.genes = loaded.matrix.geneNames();
  in.sizeFactors = numericColumn(readReference(kPasilla + design + "_size_factors.csv"), "sizeFactor");
  const auto coefficients = readReference(kPasilla + design + "_coef_natural_log2.csv.gz");
  in.coefficients.resize(static_cast<Eigen::Index>(coefficients.nRows()),
                         static_cast<Eigen::Index>(coefficientNames.size()));
  for (std::size_t k = 0; k < coefficientNames.size(); ++k)
    in.coefficients.col(static_cast<Eigen::Index>(k)) = numericColumn(coefficients, coefficientNames[k]);
  in.dispersion = numericColumn(readReference(kPasilla + design + "_dispersions.csv.gz"), "dispersion");
  if (coefficients.rowNames() != in.genes) throw std::runtime_error("reference gene order differs from the counts");
  return in;
}

// Genes whose p-value DESeq2's results() removed: NA in the default results, present without Cook's filtering.
std::set<std::string> referenceOutliers(const std::string& design) {
  const auto filtered = readReference(kPasilla + design + "_results_wald.csv.gz");
  const auto unfiltered = readReference(kPasilla + design + "_results_wald_noIndepFilter_noCooks.csv.gz");
  const Eigen::VectorXd a = numericColumn(filtered, "pvalue"), b = numericColumn(unfiltered, "pvalue");
  std::set<std::string> genes;
  for (Eigen::Index i = 0; i < a.size(); ++i)
    if (std::isnan(a[i]) && !std::isnan(b[i])) genes.insert(filtered.rowNames()[static_cast<std::size_t>(i)]);
  return genes;
}

}  // namespace

class CooksTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void designCellsGroupIdenticalRows() {
    const auto cells = stats::designCells(typeConditionDesign());
    QCOMPARE(cells, (std::vector<int>{0, 0, 1, 1, 2, 3, 3}));
    QCOMPARE(stats::samplesInCellsOfAtLeast(conditionDesign(), 4),
             (std::vector<bool>{true, true, true, true, false, false, false}));
    QCOMPARE(stats::samplesInCellsOfAtLeast(typeConditionDesign(), 3), std::vector<bool>(7, false));
  }

  void trimmedMeanMatchesR() {
    QCOMPARE(stats::trimmedMean({1, 2, 3, 100}, 0.25), 2.5);               // R: mean(c(1,2,3,100), trim=.25)
    QCOMPARE(stats::trimmedMean({10, 1, 9, 2, 8, 3, 7, 4, 6, 5}, 0.1), 5.5); // mean(1:10, trim=.1)
    QCOMPARE(stats::trimmedMean({5, 1, 9}, 1.0 / 3.0), 5.0);               // floor(3 * (1/3)) = 1 dropped each end
    QCOMPARE(stats::trimmedMean({4, 1, 3, 2}, 0.5), 2.5);                  // trim >= 0.5: the median
    QCOMPARE(stats::trimmedMean({4, 1, 3, 2}, 0.0), 2.5);
  }

  void cutoffIsTheFQuantile() {
    // R: qf(0.99, 2, 5) = 13.27393; qf(0.99, 3, 4) = 16.69437; no cutoff without residual degrees of freedom.
    QVERIFY(std::abs(stats::cooksCutoff(2, 7) / 13.273933612 - 1) < 1e-9);
    QVERIFY(std::abs(stats::cooksCutoff(3, 7) / 16.694369237 - 1) < 1e-9);
    QVERIFY(std::isnan(stats::cooksCutoff(3, 3)));
  }

  void robustDispersionUsesTrimmedCellVariances() {
    // Two genes, cells of 4 and 3 samples. Gene 0 is constant within cells: variance 0, so the dispersion falls
    // to the floor 0.04. Gene 1's first cell (10, 100, 1000, 50) has an outlier: a cell of 4 trims 1 value per
    // end, centre mean(50, 100) = 75, squared errors 625, 625, 4225, 855625 -> trimmed mean 2425, times 1.86.
    // The cell of 3 (20, 20, 29): centre 20, squares 0, 0, 81 -> middle value 0. The larger cell variance wins;
    // the mean is over all 7 samples.
    Eigen::MatrixXd normalized(7, 2);
    normalized << 1, 10,  1, 100,  1, 1000,  1, 50,  5, 20,  5, 20,  5, 29;
    const auto alpha = stats::robustMethodOfMomentsDispersion(normalized, conditionDesign());
    QCOMPARE(alpha[0], 0.04);
    const double mean = 1229.0 / 7.0;
    const double expected = (1.86 * 2425.0 - mean) / (mean * mean);
    QVERIFY(expected > 0.1);
    QCOMPARE(alpha[1], expected);
    // Without a cell of >= 3 samples: trimmed variance over all samples (trim 1/8 of 7 drops none, scale 1.51).
    const auto alphaAll = stats::robustMethodOfMomentsDispersion(normalized, typeConditionDesign());
    const Eigen::VectorXd column = normalized.col(1);
    const double variance = 1.51 * (column.array() - column.mean()).square().mean();
    const double expectedAll = (variance - mean) / (mean * mean);
    QVERIFY(std::abs(alphaAll[1] / expectedAll - 1) < 1e-12);
  }

  void flagsExactlyDeseq2sOutlierOnPasilla() {
    // ~condition: cells of 4 and 3 samples, p = 2, m = 7, cutoff qf(.99, 2, 5). DESeq2 filtered one gene.
    const auto in = loadPasilla("design_condition", {"Intercept", "condition_treated_vs_untreated"});
    const Eigen::MatrixXd x = conditionDesign();
    const auto fit = fixedCoefficientFit(x, in.sizeFactors, in.coefficients, in.dispersion);
    const auto robust = stats::robustMethodOfMomentsDispersion(stats::normalizedCounts(in.counts, in.sizeFactors), x);
    const auto cooks = stats::cooksDistances(in.counts, fit.mu, fit.hat, robust, 2);
    const auto maxCooks = stats::maxCooks(cooks, x);
    const double cutoff = stats::cooksCutoff(2, 7);
    std::set<std::string> flagged;
    double largestUnflagged = 0;
    for (Eigen::Index g = 0; g < maxCooks.size(); ++g) {
      if (maxCooks[g] > cutoff)
        flagged.insert(in.genes[static_cast<std::size_t>(g)]);
      else if (!std::isnan(maxCooks[g]))
        largestUnflagged = std::max(largestUnflagged, maxCooks[g]);
    }
    const auto expected = referenceOutliers("design_condition");
    QCOMPARE(expected.size(), std::size_t{1});
    QCOMPARE(flagged, expected);
    qInfo("outlier %s; cutoff %.4f; largest non-outlier maxCooks %.4f", expected.begin()->c_str(), cutoff,
          largestUnflagged);
    // All-zero genes have no Cook's distance.
    long missing = 0;
    for (Eigen::Index g = 0; g < maxCooks.size(); ++g) missing += std::isnan(maxCooks[g]);
    QCOMPARE(missing, static_cast<long>((in.counts.colwise().sum().array() == 0).count()));
  }

  void resultsTableReproducesDeseq2() {
    // results(dds, contrast = c("condition", "treated", "untreated")) for ~condition, assembled from DESeq2's
    // coefficients and standard errors plus everything computed here: baseMean, all-zero genes, maxCooks, the
    // Cook's rule, the Wald test and independent filtering.
    const auto in = loadPasilla("design_condition", {"Intercept", "condition_treated_vs_untreated"});
    const Eigen::MatrixXd x = conditionDesign();
    const Eigen::MatrixXd normalized = stats::normalizedCounts(in.counts, in.sizeFactors);
    const auto fit = fixedCoefficientFit(x, in.sizeFactors, in.coefficients, in.dispersion);
    const auto cooks = stats::cooksDistances(in.counts, fit.mu, fit.hat,
                                             stats::robustMethodOfMomentsDispersion(normalized, x), 2);
    const auto unfiltered = readReference(kPasilla + "design_condition_results_wald_noIndepFilter_noCooks.csv.gz");
    stats::ResultsInput input;
    input.geneNames = in.genes;
    input.baseMean = normalized.colwise().mean().transpose();
    input.log2FoldChange = in.coefficients.col(1);
    input.lfcSE = numericColumn(unfiltered, "lfcSE");
    for (Eigen::Index g = 0; g < in.counts.cols(); ++g) input.allZero.push_back(in.counts.col(g).sum() == 0);
    input.maxCooks = stats::maxCooks(cooks, x);
    stats::ResultsOptions options;
    options.nSamples = 7;
    options.nCoefficients = 2;
    const auto results = stats::buildResults(input, options);

    const auto reference = readReference(kPasilla + "design_condition_results_wald.csv.gz");
    for (const char* name : {"baseMean", "log2FoldChange", "lfcSE", "stat", "pvalue", "padj"}) {
      const Eigen::VectorXd got = Eigen::Map<const Eigen::VectorXd>(results.table.column(name).floats().data(),
                                                                     static_cast<Eigen::Index>(results.table.nRows()));
      const Eigen::VectorXd want = numericColumn(reference, name);
      double worst = 0;
      long naMismatches = 0;
      for (Eigen::Index i = 0; i < got.size(); ++i) {
        if (std::isnan(got[i]) != std::isnan(want[i]))
          ++naMismatches;
        else if (!std::isnan(got[i]))
          worst = std::max(worst, std::abs(got[i] - want[i]) / std::max(std::abs(want[i]), 1e-300));
      }
      QVERIFY2(naMismatches == 0 && worst < 1e-11,
               qPrintable(QString("%1: max relative error %2, NA mismatches %3").arg(name).arg(worst).arg(naMismatches)));
    }
    // summary(res): 12359 genes with nonzero counts, 1 outlier, 4035 low counts (mean count < 7).
    QCOMPARE(results.allZeroGenes, 14599L - 12359L);
    QCOMPARE(results.cooksOutliers, 1L);
    QCOMPARE(results.lowCountGenes, 4035L);
    QVERIFY(results.filtering.has_value());
    QCOMPARE(std::round(results.filtering->filterThreshold), 7.0);
    const auto& notes = results.table.column("note").strings();
    const auto outlier = std::find(in.genes.begin(), in.genes.end(), *referenceOutliers("design_condition").begin());
    QCOMPARE(notes[static_cast<std::size_t>(outlier - in.genes.begin())], std::string(stats::kNoteCooksOutlier));
    QCOMPARE(notes[0], std::string(stats::kNoteLowCounts));  // FBgn0000003: baseMean 0.17
    long padjBelow = 0;
    for (double v : results.table.column("padj").floats()) padjBelow += v < 0.1;
    QCOMPARE(padjBelow, 1061L);  // summary.txt: padj < 0.1 for 1061 genes
  }

  void noCellOfThreeMeansNoCooksFilter() {
    // ~type+condition: cells of 2, 2, 1 and 2 samples. DESeq2 records maxCooks = NA and filters nothing.
    const auto in = loadPasilla("design_type_condition",
                                {"Intercept", "type_paired_vs_single", "condition_treated_vs_untreated"});
    const Eigen::MatrixXd x = typeConditionDesign();
    const auto fit = fixedCoefficientFit(x, in.sizeFactors, in.coefficients, in.dispersion);
    const auto robust = stats::robustMethodOfMomentsDispersion(stats::normalizedCounts(in.counts, in.sizeFactors), x);
    const auto cooks = stats::cooksDistances(in.counts, fit.mu, fit.hat, robust, 3);
    QVERIFY(stats::maxCooks(cooks, x).array().isNaN().all());
    QVERIFY(referenceOutliers("design_type_condition").empty());
  }

  void replacementNeedsSevenReplicates() {
    // Pasilla's cells hold at most 4 samples: replaceOutliers flags the gene but may replace nothing.
    const auto in = loadPasilla("design_condition", {"Intercept", "condition_treated_vs_untreated"});
    const Eigen::MatrixXd x = conditionDesign();
    const auto fit = fixedCoefficientFit(x, in.sizeFactors, in.coefficients, in.dispersion);
    const auto robust = stats::robustMethodOfMomentsDispersion(stats::normalizedCounts(in.counts, in.sizeFactors), x);
    const auto cooks = stats::cooksDistances(in.counts, fit.mu, fit.hat, robust, 2);
    const auto replacement = stats::replaceOutliers(in.counts, in.sizeFactors, cooks, x);
    QVERIFY(replacement.counts == in.counts);
    QCOMPARE(replacement.replaceableSamples, std::vector<bool>(7, false));
    QCOMPARE(replacement.genesToRefit.size(), std::size_t{1});  // DESeq2 marks it `replace` regardless
  }

  void replacementUsesTrimmedMeanTimesSizeFactor() {
    // One cell of 8 samples (intercept-only design): sample 3's count 1000 is the outlier. Normalized counts
    // 10, 12, 8, 500, 9, 11, 10, 12 (size factors 1 except sample 3 with 2): trim 0.2 drops floor(1.6) = 1 value
    // per end, leaving 9, 10, 10, 11, 12, 12 with mean 64/6; the replacement is trunc(64/6 * 2) = 21.
    Eigen::MatrixXd counts(8, 2);
    counts.col(0) << 10, 12, 8, 1000, 9, 11, 10, 12;
    counts.col(1) << 0, 0, 0, 3000, 0, 0, 0, 0;  // replacing the one count leaves only zeros
    Eigen::VectorXd sizeFactors = Eigen::VectorXd::Ones(8);
    sizeFactors[3] = 2;
    Eigen::MatrixXd cooks = Eigen::MatrixXd::Constant(8, 2, 0.1);
    cooks(3, 0) = cooks(3, 1) = 50;
    const Eigen::MatrixXd x = Eigen::MatrixXd::Ones(8, 1);
    const auto replacement = stats::replaceOutliers(counts, sizeFactors, cooks, x);
    QCOMPARE(replacement.counts(3, 0), 21.0);
    QCOMPARE(replacement.counts(3, 1), 0.0);  // trimmed mean of (0,...,0,1500,...) is 0
    QCOMPARE((replacement.counts - counts).cwiseAbs().sum(), (1000.0 - 21.0) + 3000.0);
    QCOMPARE(replacement.flagged, (std::vector<bool>{true, true}));
    QCOMPARE(replacement.nowAllZero, (std::vector<bool>{false, true}));
    QCOMPARE(replacement.genesToRefit, std::vector<long>{0});
    // Every sample was replaceable, so Cook's distances no longer filter any gene.
    QVERIFY(stats::maxCooksAfterReplacement(cooks, x, replacement.replaceableSamples).array().isNaN().all());
  }

  void afterReplacementSmallCellsStillCount() {
    // Cells of 7 (replaceable) and 3 (not): only the small cell's distances count after the refit.
    Eigen::MatrixXd x(10, 2);
    x.col(0).setOnes();
    x.col(1) << 0, 0, 0, 0, 0, 0, 0, 1, 1, 1;
    Eigen::MatrixXd cooks = Eigen::MatrixXd::Zero(10, 2);
    cooks(0, 0) = 99;  // in the replaceable cell: ignored afterwards
    cooks(8, 1) = 42;  // in the small cell: still the maximum
    std::vector<bool> replaceable = stats::samplesInCellsOfAtLeast(x, 7);
    const auto after = stats::maxCooksAfterReplacement(cooks, x, replaceable);
    QCOMPARE(after[0], 0.0);
    QCOMPARE(after[1], 42.0);
    QCOMPARE(stats::maxCooks(cooks, x)[0], 99.0);
  }

  void oneFitPassEqualsTheStepwiseComputation() {
    // cooksDistancesOfFit (what fitAndTest uses: row-major counts, a sorting network for cells of 4 to 256 samples)
    // against robustMethodOfMomentsDispersion + cooksDistances (comparison sorts): the same numbers to the bit.
    // Cells of 3, 5, 24, 50, 130 and 300 samples cover every trim rule and both sorting paths; gamma-Poisson
    // counts with many zeros and ties, and one planted outlier.
    const std::vector<int> cellSizes{3, 5, 24, 50, 130, 300};
    Eigen::Index n = 0;
    for (const int size : cellSizes) n += size;
    Eigen::MatrixXd x = Eigen::MatrixXd::Zero(n, static_cast<Eigen::Index>(cellSizes.size()));
    x.col(0).setOnes();
    Eigen::Index row = 0;
    for (std::size_t c = 0; c < cellSizes.size(); ++c)
      for (int i = 0; i < cellSizes[c]; ++i, ++row)
        if (c > 0) x(row, static_cast<Eigen::Index>(c)) = 1;
    constexpr Eigen::Index kGenes = 150;
    std::mt19937_64 random(20261121);
    std::lognormal_distribution<double> baseMean(1.5, 2.0);
    std::uniform_real_distribution<double> sizeFactor(0.5, 2.0);
    Eigen::VectorXd sizeFactors(n);
    for (Eigen::Index j = 0; j < n; ++j) sizeFactors[j] = sizeFactor(random);
    data::CountMatrix::Dense counts(n, kGenes);
    for (Eigen::Index g = 0; g < kGenes; ++g) {
      const double mean = baseMean(random);
      std::gamma_distribution<double> gamma(5.0, mean / 5.0);  // dispersion 0.2
      for (Eigen::Index j = 0; j < n; ++j) {
        std::poisson_distribution<long> poisson(sizeFactors[j] * gamma(random) + 1e-12);
        counts(j, g) = static_cast<double>(poisson(random));
      }
    }
    counts.col(kGenes - 1).setZero();  // an all-zero gene: NaN distances
    counts(100, 7) = 5000;             // an outlier in the cell of 130
    const auto fit = stats::fitNegativeBinomialGlm(counts, sizeFactors, x, Eigen::VectorXd::Constant(kGenes, 0.2));

    const Eigen::MatrixXd columnMajor = counts;
    const Eigen::VectorXd robust = stats::robustMethodOfMomentsDispersion(
        stats::normalizedCounts(columnMajor, sizeFactors), x);
    const Eigen::MatrixXd stepwise = stats::cooksDistances(columnMajor, fit.mu.transpose(), fit.hatDiagonal.transpose(),
                                                           robust, static_cast<int>(x.cols()));
    const Eigen::MatrixXd fused = stats::cooksDistancesOfFit(counts, sizeFactors, x, fit);
    QCOMPARE(fused.rows(), n);
    QCOMPARE(fused.cols(), kGenes);
    QVERIFY(fused.col(kGenes - 1).array().isNaN().all());
    long compared = 0;
    for (Eigen::Index g = 0; g < kGenes; ++g) {
      for (Eigen::Index j = 0; j < n; ++j) {
        QCOMPARE(std::isnan(fused(j, g)), std::isnan(stepwise(j, g)));
        if (std::isnan(stepwise(j, g))) continue;
        // Exact (not QCOMPARE's fuzzy compare): the same operations on the same sorted numbers.
        QVERIFY2(fused(j, g) == stepwise(j, g), qPrintable(QString("gene %1 sample %2").arg(g).arg(j)));
        ++compared;
      }
    }
    QCOMPARE(compared, (kGenes - 1) * n);
    QVERIFY(fused(100, 7) > stats::cooksCutoff(static_cast<int>(x.cols()), static_cast<int>(n)));

    // The listed replacements are exactly the changes replaceOutliers makes to a copy of the counts.
    const auto listed = stats::findOutlierReplacements(counts, sizeFactors, fused, x);
    const auto copied = stats::replaceOutliers(columnMajor, sizeFactors, stepwise, x);
    QVERIFY(!listed.replaced.empty());
    Eigen::MatrixXd patched = columnMajor;
    for (const auto& r : listed.replaced) patched(r.sample, r.gene) = r.value;
    QVERIFY(patched == copied.counts);
    QCOMPARE(listed.flagged, copied.flagged);
    QCOMPARE(listed.nowAllZero, copied.nowAllZero);
    QCOMPARE(listed.genesToRefit, copied.genesToRefit);
    QVERIFY(std::find(listed.genesToRefit.begin(), listed.genesToRefit.end(), 7L) != listed.genesToRefit.end());
  }
};

QTEST_GUILESS_MAIN(CooksTest)
#include "test_cooks.moc"

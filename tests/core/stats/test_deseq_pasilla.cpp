// The whole DESeq() + results() against DESeq2 1.38.3 on pasilla, with the agreement the DE issue requires:
// |delta LFC| median <= 1e-4 and 99th percentile <= 1e-2, p-value rank correlation >= 0.999, Jaccard >= 0.99 of the
// padj < 0.1 gene sets, identical NA pattern. Also: `auto` size factors keep DESeq2's numbers here.
#include "test_support.h"

#include <numeric>
#include <set>

#include "core/data/design.h"
#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "core/stats/deseq.h"
#include "core/stats/size_factors.h"

using namespace diffbio;
using diffbio::test::sharedData;

namespace {

const std::string kReference = "pasilla/deseq2_1.38.3_reference/";

struct Agreement {
  double medianLfcError = 0, p99LfcError = 0, pvalueRankCorrelation = 0, jaccard = 0;
  long naMismatches = 0, compared = 0;
};

std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = 0.5 * (i + j) + 1;
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / a.size();
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / b.size();
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * (v.size() - 1))];
}

Agreement compare(const data::Table& ours, const data::Table& reference) {
  Agreement a;
  const auto& lfc = ours.column("log2FoldChange").floats();
  const auto& p = ours.column("pvalue").floats();
  const auto& padj = ours.column("padj").floats();
  const auto& refLfc = reference.column("log2FoldChange").floats();
  const auto& refP = reference.column("pvalue").floats();
  const auto& refPadj = reference.column("padj").floats();
  std::vector<double> lfcErrors, pOurs, pRef;
  std::set<std::size_t> sigOurs, sigRef;
  for (std::size_t i = 0; i < lfc.size(); ++i) {
    a.naMismatches += std::isnan(p[i]) != std::isnan(refP[i]);
    a.naMismatches += std::isnan(padj[i]) != std::isnan(refPadj[i]);
    if (std::isfinite(lfc[i]) && std::isfinite(refLfc[i])) lfcErrors.push_back(std::abs(lfc[i] - refLfc[i]));
    if (std::isfinite(p[i]) && std::isfinite(refP[i])) {
      pOurs.push_back(p[i]);
      pRef.push_back(refP[i]);
    }
    if (padj[i] < 0.1) sigOurs.insert(i);
    if (refPadj[i] < 0.1) sigRef.insert(i);
  }
  a.compared = static_cast<long>(lfcErrors.size());
  a.medianLfcError = quantile(lfcErrors, 0.5);
  a.p99LfcError = quantile(lfcErrors, 0.99);
  a.pvalueRankCorrelation = pearson(ranks(pOurs), ranks(pRef));
  std::vector<std::size_t> common;
  std::set_intersection(sigOurs.begin(), sigOurs.end(), sigRef.begin(), sigRef.end(), std::back_inserter(common));
  a.jaccard = static_cast<double>(common.size()) / (sigOurs.size() + sigRef.size() - common.size());
  return a;
}

struct Pasilla {
  io::LoadedCounts counts;
  data::Table sheet;
};

const Pasilla& pasilla() {
  static const Pasilla data = [] {
    Pasilla p;
    p.counts = io::readCounts(sharedData("pasilla/pasilla_gene_counts.tsv"));
    const std::string sheetPath = sharedData(kReference + "coldata_used.csv");
    p.sheet = io::matchSamples(io::readSampleSheet(sheetPath), p.counts.matrix.obsNames(), sheetPath).sheet;
    return p;
  }();
  return data;
}

stats::DeseqRun run(const std::string& formula, const std::string& sizeFactors,
                    const std::string& reduced = {}) {
  data::DesignOptions options;
  options.references["condition"] = "untreated";
  const data::Design design(formula, pasilla().sheet, options);
  stats::DeseqOptions deseq;
  deseq.sizeFactors = sizeFactors;
  if (!reduced.empty()) deseq.reducedModelMatrix = data::Design(reduced, pasilla().sheet, options).modelMatrix();
  return stats::runDeseq(pasilla().counts.matrix.dense(), pasilla().counts.matrix.geneNames(), design.modelMatrix(),
                         design.contrast("condition,treated,untreated"), deseq);
}

void requireAgreement(const Agreement& a, const char* what) {
  qInfo("%s: %ld genes; |dLFC| median %.3g, p99 %.3g; p-value rank correlation %.6f; padj<0.1 Jaccard %.4f; "
        "NA mismatches %ld",
        what, a.compared, a.medianLfcError, a.p99LfcError, a.pvalueRankCorrelation, a.jaccard, a.naMismatches);
  QVERIFY(a.medianLfcError <= 1e-4);
  QVERIFY(a.p99LfcError <= 1e-2);
  QVERIFY(a.pvalueRankCorrelation >= 0.999);
  QVERIFY(a.jaccard >= 0.99);
  QCOMPARE(a.naMismatches, 0L);
}

}  // namespace

class DeseqPasillaTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void conditionWald() {
    const auto r = run("~ condition", "ratio");
    requireAgreement(compare(r.results.table, io::readSampleSheet(sharedData(kReference + "design_condition_results_wald.csv.gz"))),
                     "~condition Wald");
    QCOMPARE(r.results.cooksOutliers, 1L);       // summary.txt: outliers 1
    QCOMPARE(r.results.lowCountGenes, 4035L);    // summary.txt: low counts 4035
  }

  void typeConditionWald() {
    const auto r = run("~ type + condition", "ratio");
    requireAgreement(
        compare(r.results.table, io::readSampleSheet(sharedData(kReference + "design_type_condition_results_wald.csv.gz"))),
        "~type+condition Wald");
    QCOMPARE(r.results.lowCountGenes, 3560L);
  }

  void typeConditionLrt() {
    const auto r = run("~ type + condition", "ratio", "~ type");
    requireAgreement(compare(r.results.table, io::readSampleSheet(sharedData(
                                                  kReference + "design_type_condition_results_LRT_reduced_type.csv.gz"))),
                     "~type+condition LRT vs ~type");
  }

  void blindVstMatchesDeseq2() {
    // varianceStabilizingTransformation(dds, blind = TRUE) of DESeq2 1.38.3: every one of the 14599 x 7 values.
    // The transformation depends on the design-free trend only through B = (1 + extraPois) / (4 asymptDisp); ours is
    // 36.964 where DESeq2's values imply 36.9465 (0.05 %), a difference in the ~ 1 dispersion fit not yet explained.
    // That moves values by at most 7e-4 on the log2 scale, which is what this test holds.
    const auto& counts = pasilla().counts.matrix.dense();
    const auto sizeFactors = stats::estimateSizeFactors(counts, stats::SizeFactorMethod::Ratio);
    const auto vst = stats::blindVarianceStabilizingTransformation(counts, sizeFactors);
    const auto reference =
        io::readCounts(sharedData(kReference + "varianceStabilizingTransformation_blind.csv.gz")).matrix;
    QCOMPARE(reference.geneNames(), pasilla().counts.matrix.geneNames());
    const double worst = (vst.values - reference.dense()).cwiseAbs().maxCoeff();
    qInfo("blind VST: max |difference| %.3g over %ld values (trend a0 %.10g, a1 %.10g)", worst,
          static_cast<long>(vst.values.size()), vst.trend.asymptDisp, vst.trend.extraPois);
    QVERIFY(worst < 1e-3);
  }

  void autoSaysWhenTooFewGenesForItsDiagnostic() {
    // 35 pasilla genes with every count positive and 300 with a zero somewhere: median-of-ratios works on the 35,
    // the mode-of-ratios comparison needs at least 40.
    const Eigen::MatrixXd all = pasilla().counts.matrix.dense();
    std::vector<Eigen::Index> positive, withZero;
    for (Eigen::Index g = 0; g < all.cols(); ++g) {
      const bool allPositive = (all.col(g).array() > 0).all();
      if (allPositive && positive.size() < 35) positive.push_back(g);
      if (!allPositive && all.col(g).maxCoeff() > 0 && withZero.size() < 300) withZero.push_back(g);
    }
    std::vector<Eigen::Index> genes = positive;
    genes.insert(genes.end(), withZero.begin(), withZero.end());
    Eigen::MatrixXd counts(all.rows(), static_cast<Eigen::Index>(genes.size()));
    std::vector<std::string> names;
    for (std::size_t k = 0; k < genes.size(); ++k) {
      counts.col(static_cast<Eigen::Index>(k)) = all.col(genes[k]);
      names.push_back(pasilla().counts.matrix.geneNames()[static_cast<std::size_t>(genes[k])]);
    }
    data::DesignOptions designOptions;
    designOptions.references["condition"] = "untreated";
    const data::Design design("~ condition", pasilla().sheet, designOptions);
    stats::DeseqOptions options;  // auto
    const auto automatic = stats::runDeseq(counts, names, design.modelMatrix(),
                                           design.contrast("condition,treated,untreated"), options);
    qInfo("%s", automatic.sizeFactorDecision.note.c_str());
    QCOMPARE(automatic.sizeFactorDecision.method, std::string("ratio"));
    QVERIFY(automatic.sizeFactorDecision.note.find("fewer than 40 genes have every count positive") != std::string::npos);
    QVERIFY(automatic.sizeFactors == stats::estimateSizeFactors(counts, stats::SizeFactorMethod::Ratio));
  }

  void autoKeepsDeseq2NumbersOnPasilla() {
    const auto automatic = run("~ type + condition", "auto");
    qInfo("%s", automatic.sizeFactorDecision.note.c_str());
    QCOMPARE(automatic.sizeFactorDecision.method, std::string("ratio"));
    // The shift (0.0064) is far below half the typical lfcSE (0.22): its sampling error is not needed, so it is not
    // estimated, and the note says which criterion kept median-of-ratios.
    const auto& decision = automatic.sizeFactorDecision;
    QVERIFY(decision.contrastShift > 0 && decision.contrastShift < 0.5 * decision.typicalLfcSE);
    QVERIFY(std::isnan(decision.shiftSamplingError));
    QVERIFY(decision.note.find("switching needs more than 0.5 lfcSE") != std::string::npos);
    const auto exact = run("~ type + condition", "ratio");
    QVERIFY(automatic.sizeFactors == exact.sizeFactors);
    const auto& a = automatic.results.table.column("pvalue").floats();
    const auto& b = exact.results.table.column("pvalue").floats();
    for (std::size_t i = 0; i < a.size(); ++i) QVERIFY(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])));
  }
};

QTEST_GUILESS_MAIN(DeseqPasillaTest)
#include "test_deseq_pasilla.moc"

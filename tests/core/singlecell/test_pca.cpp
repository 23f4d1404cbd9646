// Scaling and PCA against Seurat's stored results for pbmc_small (80 cells): LogNormalize (scale 1e4), ScaleData of
// the 20 variable features (centre, scale, clip at 10), RunPCA. Seurat's PCs come from irlba; ours from an SVD with
// our own sign rule, so components are compared by |Pearson correlation| (>= 0.99 for the first 5).
#include <QtTest/QtTest>

#include <cmath>

#include "core/singlecell/normalize.h"
#include "core/singlecell/pca.h"
#include "core/singlecell/scale.h"
#include "tests/core/singlecell/sc_test_data.h"

using namespace diffbio;

class TestPca : public QObject {
  Q_OBJECT

 private:
  static std::vector<std::int64_t> variableFeatures(const data::CountMatrix& m) {
    std::vector<std::int64_t> genes;
    for (const auto& name : test::readLines(test::pbmcSmall("var_features.txt"))) {
      const auto it = std::find(m.geneNames().begin(), m.geneNames().end(), name);
      if (it == m.geneNames().end()) throw std::runtime_error("missing " + name);
      genes.push_back(it - m.geneNames().begin());
    }
    return genes;
  }

 private Q_SLOTS:
  void scaledDataMatchesSeurat() {
    const data::CountMatrix counts = test::pbmcSmallCounts();
    const auto genes = variableFeatures(counts);
    const sc::DenseF scaled = sc::scaleGenes(sc::logNormalize(counts, 1e4), genes);
    // scale_data.csv: genes x cells, in its own gene order.
    const test::CsvTable ref = test::readCsv(test::pbmcSmall("scale_data.csv"));
    double worst = 0;
    for (std::size_t r = 0; r < ref.rowNames.size(); ++r) {
      const auto it = std::find(genes.begin(), genes.end(),
                                std::find(counts.geneNames().begin(), counts.geneNames().end(), ref.rowNames[r]) -
                                    counts.geneNames().begin());
      QVERIFY(it != genes.end());
      const auto column = it - genes.begin();
      for (std::size_t c = 0; c < ref.cells[r].size(); ++c)
        worst = std::max(worst, std::abs(static_cast<double>(scaled(c, column)) - std::stod(ref.cells[r][c])));
    }
    qInfo("largest |scaled - Seurat scale.data| = %.3g", worst);
    QVERIFY(worst < 1e-5);  // float32 storage of values up to 10
  }

  void firstFivePcsCorrelateWithSeurat() {
    const data::CountMatrix counts = test::pbmcSmallCounts();
    const sc::DenseF scaled = sc::scaleGenes(sc::logNormalize(counts, 1e4), variableFeatures(counts));
    sc::PcaOptions options;
    options.nComponents = 19;
    const sc::PcaResult result = sc::pca(scaled, options);
    QCOMPARE(result.scores.rows(), Eigen::Index(80));
    const test::CsvTable ref = test::readCsv(test::pbmcSmall("pca_cell_embeddings.csv"));
    for (int pc = 0; pc < 5; ++pc) {
      const auto expected = ref.numbers("PC_" + std::to_string(pc + 1));
      std::vector<double> got(result.scores.rows());
      for (Eigen::Index i = 0; i < result.scores.rows(); ++i) got[i] = result.scores(i, pc);
      const double r = std::abs(test::pearson(got, expected));
      qInfo("PC%d |r| with Seurat = %.6f", pc + 1, r);
      QVERIFY(r >= 0.99);
    }
    // Seurat's stdev is sqrt of the eigenvalue (the same n - 1 denominator).
    const test::CsvTable sd = test::readCsv(test::pbmcSmall("pca_stdev.csv"));
    const auto stdev = sd.numbers("stdev");
    for (int pc = 0; pc < 5; ++pc) QVERIFY(std::abs(std::sqrt(result.variance[pc]) - stdev[pc]) < 1e-3 * stdev[pc]);
  }

  void randomizedAgreesWithExactAndSignsAreDeterministic() {
    // A 600 x 120 matrix of low rank plus noise: randomized (exactBelow 0) and exact SVD give the same components.
    std::mt19937 rng(3);
    std::normal_distribution<float> normal;
    sc::DenseF x(600, 120);
    Eigen::MatrixXf a(600, 5), b(5, 120);
    for (int i = 0; i < a.size(); ++i) a.data()[i] = normal(rng);
    for (int i = 0; i < b.size(); ++i) b.data()[i] = normal(rng) * (1 + i % 5);
    x = a * b;
    for (int i = 0; i < x.size(); ++i) x.data()[i] += 0.1f * normal(rng);
    sc::PcaOptions exact;
    exact.nComponents = 5;
    sc::PcaOptions randomized = exact;
    randomized.exactBelow = 0;
    const auto e = sc::pca(x, exact), r = sc::pca(x, randomized);
    for (int c = 0; c < 5; ++c) {
      QVERIFY((e.loadings.col(c) - r.loadings.col(c)).norm() < 1e-3);  // same sign too
      Eigen::Index at;
      e.loadings.col(c).cwiseAbs().maxCoeff(&at);
      QVERIFY(e.loadings(at, c) > 0);
    }
    QVERIFY(std::abs(e.varianceRatio.sum() - r.varianceRatio.sum()) < 1e-4);
  }

  void tooFewCellsIsAnInputError() {
    sc::DenseF one(1, 3);
    one << 1, 2, 3;
    DIFFBIO_EXPECT_INPUT_ERROR(sc::pca(one), "at least 2 cells");
  }
};

QTEST_GUILESS_MAIN(TestPca)
#include "test_pca.moc"

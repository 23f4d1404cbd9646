// CountMatrix: storage conversions, per-axis sums without densifying, flags, subsets.
#include "test_support.h"

#include "core/data/count_matrix.h"

using diffbio::data::CountMatrix;
using diffbio::data::CsrStorage;

class CountMatrixTest : public QObject {
  Q_OBJECT

  static CountMatrix small() {
    CountMatrix::Dense d(2, 3);
    d << 1, 0, 3,
         0, 5, 0;
    return CountMatrix::fromDense(d, {"s1", "s2"}, {"g1", "g2", "g3"});
  }

 private Q_SLOTS:
  void denseAndSparseAgree() {
    const CountMatrix dense = small();
    const CountMatrix sparse = dense.toSparse();
    QVERIFY(sparse.isSparse());
    QCOMPARE(sparse.nnz(), 3);
    QCOMPARE(sparse.csr().indptr, (std::vector<std::int64_t>{0, 2, 3}));
    QCOMPARE(sparse.csr().indices, (std::vector<std::int32_t>{0, 2, 1}));
    QVERIFY(dense.sameValues(sparse));
    QVERIFY(sparse.toDense().sameValues(dense));
    QCOMPARE(sparse.at(1, 1), 5.0);
    QCOMPARE(sparse.at(1, 2), 0.0);
    QCOMPARE(sparse.density(), 0.5);
  }

  void sumsWithoutDensifying() {
    const CountMatrix sparse = small().toSparse();
    QCOMPARE(sparse.obsSums()[0], 4.0);
    QCOMPARE(sparse.obsSums()[1], 5.0);
    QCOMPARE(sparse.geneSums()[1], 5.0);
    QCOMPARE(sparse.geneMeans()[2], 1.5);
    QCOMPARE(small().geneSums()[0], 1.0);
  }

  void flags() {
    QVERIFY(small().flags().allInteger);
    CountMatrix::Dense d(1, 2);
    d << 0.5, -1;
    const auto m = CountMatrix::fromDense(d, {"a"}, {"x", "y"});
    QVERIFY(!m.flags().allInteger);
    QVERIFY(!m.flags().nonNegative);
    d << std::nan(""), 1;
    QVERIFY(!CountMatrix::fromDense(d, {"a"}, {"x", "y"}).flags().allFinite);
  }

  void subsetsKeepOrder() {
    const CountMatrix sparse = small().toSparse();
    const CountMatrix genes = sparse.selectGenes({2, 0});
    QCOMPARE(genes.geneNames(), (std::vector<std::string>{"g3", "g1"}));
    QCOMPARE(genes.at(0, 0), 3.0);
    QCOMPARE(genes.at(0, 1), 1.0);
    const CountMatrix obs = small().selectObs({1});
    QCOMPARE(obs.nObs(), 1);
    QCOMPARE(obs.at(0, 1), 5.0);
  }

  void rejectsInconsistentCsr() {
    CsrStorage csr{{0, 2}, {1, 0}, {1.f, 2.f}};  // indices not increasing
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             CountMatrix::fromCsr(1, 2, csr, {"a"}, {"x", "y"}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             CountMatrix::fromDense(CountMatrix::Dense::Zero(2, 2), {"a"}, {"x", "y"}));
  }
};

QTEST_GUILESS_MAIN(CountMatrixTest)
#include "test_count_matrix.moc"

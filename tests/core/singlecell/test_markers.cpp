// Wilcoxon markers on a case worked out by hand (the pbmc68k folder stores only logreg scores, not Wilcoxon).
//   gene a: group A = 3, 2, 0; group B = 0, 0, 1. Ranks over the 6 cells: the three zeros tie at 2, then 4, 5, 6.
//   Rank sum of A = 6 + 5 + 2 = 13; expected 3 * 7 / 2 = 10.5; tie term 3^3 - 3 = 24, T = 1 - 24 / 210;
//   z = 2.5 / sqrt(T * 3 * 3 * 7 / 12) = 1.15935; p = 2 (1 - Phi(z)) = 0.24632.
//   log2 fold change (scanpy): log2((expm1(5/3) + 1e-9) / (expm1(1/3) + 1e-9)) = 3.44034.
//   gene b: all equal -> no variance, z = 0, p = 1. BH over the two genes: 2 * 0.24632 / 1 for gene a.
#include <QtTest/QtTest>

#include <cmath>

#include "core/singlecell/markers.h"
#include "tests/test_support.h"

using namespace diffbio;

namespace {
data::CountMatrix example(bool withThirdGroup) {
  const int n = withThirdGroup ? 8 : 6;
  data::CountMatrix::Dense d = data::CountMatrix::Dense::Zero(n, 2);
  const double a[] = {3, 2, 0, 0, 0, 1};
  for (int i = 0; i < 6; ++i) {
    d(i, 0) = a[i];
    d(i, 1) = 1;
  }
  if (withThirdGroup) {
    d(6, 0) = 9;
    d(7, 0) = 0.5;
    d(6, 1) = 4;
  }
  std::vector<std::string> cells;
  for (int i = 0; i < n; ++i) cells.push_back("c" + std::to_string(i));
  return data::CountMatrix::fromDense(d, cells, {"a", "b"}).toSparse();
}
}  // namespace

class TestMarkers : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void versusRestByHand() {
    const auto m = example(false);
    const auto result = sc::markersVersusRest(m, {0, 0, 0, 1, 1, 1}, {"A", "B"});
    QCOMPARE(result.size(), std::size_t(2));
    const auto& A = result[0];
    const double z = 2.5 / std::sqrt((1 - 24.0 / 210.0) * 3 * 3 * 7 / 12.0);
    QVERIFY(std::abs(A.scores[0] - z) < 1e-12);
    QVERIFY(std::abs(z - 1.15935) < 1e-5);
    QVERIFY(std::abs(A.pvalues[0] - 0.24632) < 5e-5);
    QVERIFY(std::abs(A.logFoldChanges[0] - 3.44034) < 1e-4);
    QVERIFY(std::abs(A.fractionIn[0] - 2.0 / 3) < 1e-12);
    QVERIFY(std::abs(A.fractionOut[0] - 1.0 / 3) < 1e-12);
    QCOMPARE(A.scores[1], 0.0);
    QCOMPARE(A.pvalues[1], 1.0);
    QVERIFY(std::abs(A.pvaluesAdjusted[0] - 2 * A.pvalues[0]) < 1e-12);
    QCOMPARE(A.order.front(), std::int64_t(0));
    // B against the rest is the mirror image.
    QVERIFY(std::abs(result[1].scores[0] + z) < 1e-12);
  }

  void withoutTieCorrection() {
    sc::MarkerOptions options;
    options.tieCorrect = false;
    const auto result = sc::markersVersusRest(example(false), {0, 0, 0, 1, 1, 1}, {"A", "B"}, options);
    QVERIFY(std::abs(result[0].scores[0] - 2.5 / std::sqrt(3 * 3 * 7 / 12.0)) < 1e-12);
  }

  void twoGroupsIgnoreOtherCells() {
    const auto m = example(true);
    const std::vector<std::uint8_t> inA{1, 1, 1, 0, 0, 0, 0, 0}, inB{0, 0, 0, 1, 1, 1, 0, 0};
    const auto c = sc::markersTwoGroups(m, inA, inB, "A", "B");
    const double z = 2.5 / std::sqrt((1 - 24.0 / 210.0) * 3 * 3 * 7 / 12.0);
    QVERIFY(std::abs(c.scores[0] - z) < 1e-12);
    QCOMPARE(c.reference, std::string("B"));
    const std::vector<std::uint8_t> overlap{1, 0, 0, 0, 0, 0, 0, 0};
    DIFFBIO_EXPECT_INPUT_ERROR(sc::markersTwoGroups(m, inA, overlap, "A", "B"), "both groups");
  }

  void tableListsTopGenesPerGroup() {
    const auto result = sc::markersVersusRest(example(false), {0, 0, 0, 1, 1, 1}, {"A", "B"});
    const data::Table t = sc::markerTable(result, {"a", "b"}, 1);
    QCOMPARE(t.nRows(), std::size_t(2));
    QCOMPARE(t.column("gene").strings()[0], std::string("a"));
    QCOMPARE(t.column("group").strings()[1], std::string("B"));
  }
};

QTEST_GUILESS_MAIN(TestMarkers)
#include "test_markers.moc"

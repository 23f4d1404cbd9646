// The seed-000 DE simulator: reproducible, with the distributions the seed describes.
#include "test_support.h"

#include "core/ops/de/seed_simulator.h"

using namespace diffbio;

class SeedSimulatorTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void sameSeedSameData() {
    const auto a = ops::simulateSeedDeExperiment();
    const auto b = ops::simulateSeedDeExperiment();
    QVERIFY(a.counts.sameValues(b.counts));
    ops::SeedDeSimulationOptions other;
    other.seed = 43;
    QVERIFY(!a.counts.sameValues(ops::simulateSeedDeExperiment(other).counts));
  }

  void shapeAndTruthAsInTheSeed() {
    const auto sim = ops::simulateSeedDeExperiment();
    QCOMPARE(sim.counts.nObs(), 100);
    QCOMPARE(sim.counts.nGenes(), 2000);
    QVERIFY(sim.counts.flags().allInteger && sim.counts.flags().nonNegative);
    QCOMPARE(std::count(sim.isDe.begin(), sim.isDe.end(), true), 200);
    QVERIFY(sim.isDe[0] && sim.isDe[199] && !sim.isDe[200]);
    QCOMPARE(sim.samples.column("condition").text(0), std::string("control"));
    QCOMPARE(sim.samples.column("condition").text(99), std::string("treatment"));
    QCOMPARE(sim.counts.obsNames()[50], std::string("treatment_1"));
  }

  void distributionsMatchTheSeed() {
    // log base mean ~ N(3, 1.5^2): with 20,000 genes the sample moments are within a few standard errors.
    ops::SeedDeSimulationOptions o;
    o.nGenes = 20000;
    o.nDeGenes = 2000;
    const auto sim = ops::simulateSeedDeExperiment(o);
    const auto& base = sim.truth.column("base_mean").floats();
    double sum = 0, sumSq = 0;
    for (double b : base) {
      sum += std::log(b);
      sumSq += std::log(b) * std::log(b);
    }
    const double mean = sum / base.size(), var = sumSq / base.size() - mean * mean;
    QVERIFY2(std::abs(mean - 3.0) < 0.05, qPrintable(QString::number(mean)));
    QVERIFY2(std::abs(std::sqrt(var) - 1.5) < 0.05, qPrintable(QString::number(std::sqrt(var))));
    // DE genes: treatment/control mean ratio ~ 2 in aggregate; non-DE ~ 1.
    const auto& m = sim.counts.dense();
    double deCtrl = 0, deTrt = 0, nullCtrl = 0, nullTrt = 0;
    for (int g = 0; g < 20000; ++g) {
      const double c = m.block(0, g, 50, 1).sum(), t = m.block(50, g, 50, 1).sum();
      (g < 2000 ? deCtrl : nullCtrl) += c;
      (g < 2000 ? deTrt : nullTrt) += t;
    }
    QVERIFY2(std::abs(deTrt / deCtrl - 2.0) < 0.02, qPrintable(QString::number(deTrt / deCtrl)));
    QVERIFY2(std::abs(nullTrt / nullCtrl - 1.0) < 0.01, qPrintable(QString::number(nullTrt / nullCtrl)));
  }

  void metrics() {
    const auto m = ops::detectionMetrics({true, true, false, false, true}, {true, false, true, false, true});
    QCOMPARE(m.truePositives, 2);
    QCOMPARE(m.falsePositives, 1);
    QCOMPARE(m.falseNegatives, 1);
    QCOMPARE(m.trueNegatives, 1);
    QCOMPARE(m.precision, 2.0 / 3.0);
    QCOMPARE(m.recall, 2.0 / 3.0);
    QCOMPARE(m.f1, 2.0 / 3.0);
  }
};

QTEST_GUILESS_MAIN(SeedSimulatorTest)
#include "test_seed_simulator.moc"

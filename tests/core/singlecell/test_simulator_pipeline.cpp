// The Splatter-like simulator and the whole pipeline on its output:
//  - the same seed gives the same counts; library sizes follow the requested log-normal;
//  - runPipeline recovers the simulated groups (ARI >= 0.9) and gives every cell a finite UMAP position;
//  - runPipeline gives the same bits with 1 and 2 threads, from the normalised values to the UMAP and markers;
//  - tiny inputs (4 cells) run with capped n_pcs / n_neighbors and say so; 2 cells are an InputError.
#include <QtTest/QtTest>

#include <cmath>

#include "core/singlecell/metrics.h"
#include "core/singlecell/pipeline.h"
#include "core/singlecell/simulator.h"
#include "core/util/parallel.h"
#include "core/util/threads.h"
#include "tests/test_support.h"

using namespace diffbio;

class TestSimulatorPipeline : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void simulationIsSeededAndHasTheRequestedDepth() {
    sc::SimulationOptions o;
    o.nCells = 400;
    o.nGenes = 1000;
    o.libLoc = std::log(2000.0);
    o.seed = 5;
    const auto a = sc::simulateCounts(o), b = sc::simulateCounts(o);
    QVERIFY(a.counts.sameValues(b.counts));
    QVERIFY(a.counts.flags().allInteger);
    o.seed = 6;
    QVERIFY(!sc::simulateCounts(o).counts.sameValues(a.counts));
    // Mean library size: E[Poisson(L)] with L ~ LogNormal(log 2000, 0.2) = 2000 exp(0.02) = 2040.4.
    const double mean = a.counts.obsSums().mean();
    qInfo("mean counts per cell %.1f (expected 2040.4)", mean);
    QVERIFY(std::abs(mean - 2040.4) < 0.03 * 2040.4);
  }

  void pipelineRecoversSimulatedGroups() {
    sc::SimulationOptions o;
    o.nCells = 1200;
    o.nGenes = 3000;
    o.nGroups = 4;
    o.seed = 11;
    const auto sim = sc::simulateCounts(o);
    sc::PipelineOptions options;
    options.resolution = 0.3;
    const auto r = sc::runPipeline(sim.counts, options);
    const double ari = sc::adjustedRandIndex(r.clusters.membership, sim.group);
    qInfo("%d clusters, ARI against the simulated groups %.4f", r.clusters.nClusters, ari);
    QVERIFY(ari >= 0.9);
    QCOMPARE(r.umap.rows(), Eigen::Index(1200));
    QVERIFY(r.umap.allFinite());
    QCOMPARE(static_cast<int>(r.markers.size()), r.clusters.nClusters);
    QCOMPARE(r.pca.scores.cols(), Eigen::Index(50));
  }

  // Every step gives the same bits with 1 and 2 threads: normalised values, HVGs, PCA (the range finder's products
  // go in fixed blocks), neighbours, clusters, the UMAP layout and the markers.
  void pipelineIsIndependentOfTheThreadCount() {
    sc::SimulationOptions o;
    o.nCells = 1200;
    o.nGenes = 3000;
    o.nGroups = 4;
    o.seed = 5;
    const auto sim = sc::simulateCounts(o);
    sc::PipelineOptions options;
    options.umapEpochs = 100;
    // configureThreads sets both the core's loops and OpenMP's own count (which Eigen's products follow), as
    // DIFFBIO_THREADS / --threads do.
    const int threads = parallelThreads();
    configureThreads(1);
    const auto one = sc::runPipeline(sim.counts, options);
    configureThreads(2);
    const auto two = sc::runPipeline(sim.counts, options);
    configureThreads(threads);
    QVERIFY(one.logNormalized.sameValues(two.logNormalized));
    QVERIFY(one.hvgGenes == two.hvgGenes);
    QCOMPARE(one.pca.scores.cols(), Eigen::Index(50));
    QVERIFY(one.pca.scores == two.pca.scores);
    QVERIFY(one.knn.indices == two.knn.indices);
    QVERIFY(one.clusters.membership == two.clusters.membership);
    QVERIFY(one.umap == two.umap);
    QCOMPARE(one.markers.size(), two.markers.size());
    for (std::size_t k = 0; k < one.markers.size(); ++k) {
      QVERIFY(one.markers[k].scores == two.markers[k].scores);
      QVERIFY(one.markers[k].pvaluesAdjusted == two.markers[k].pvaluesAdjusted);
      QVERIFY(one.markers[k].order == two.markers[k].order);
    }
  }

  void tinyInputsAreCappedAndExplained() {
    data::CountMatrix::Dense d(4, 5);
    d << 1, 0, 3, 0, 2,  //
        0, 2, 0, 1, 1,   //
        5, 0, 1, 0, 0,   //
        0, 1, 0, 4, 1;
    const auto m = data::CountMatrix::fromDense(d, {"a", "b", "c", "d"}, {"g1", "g2", "g3", "g4", "g5"},
                                                data::AssayKind::SingleCell);
    const auto r = sc::runPipeline(m, sc::PipelineOptions{});
    QCOMPARE(r.pca.scores.cols(), Eigen::Index(3));
    QCOMPARE(r.knn.k, 4);
    bool explained = false;
    for (const auto& note : r.notes) explained = explained || note.find("n_pcs capped at 3") != std::string::npos;
    QVERIFY(explained);
    QVERIFY(r.umap.allFinite());
    DIFFBIO_EXPECT_INPUT_ERROR(sc::runPipeline(m.selectObs({0, 1}), sc::PipelineOptions{}), "at least 3");
  }
};

QTEST_GUILESS_MAIN(TestSimulatorPipeline)
#include "test_simulator_pipeline.moc"

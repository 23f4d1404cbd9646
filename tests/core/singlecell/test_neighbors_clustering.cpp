// kNN, UMAP's fuzzy graph, Leiden and the UMAP layout.
//  - hand-checked fuzzy memberships on three points;
//  - exact and HNSW neighbours agree;
//  - pbmc68k_reduced (scanpy): from the stored scaled X, our PCA (50) -> kNN (15) -> fuzzy graph -> Leiden (res 1):
//    ARI against the FACS labels `bulk_labels` at least that of scanpy's stored `louvain` clusters;
//  - UMAP against scanpy's stored X_umap on the graph scanpy laid out (the 10-NN graph of the first 30 stored PCs:
//    our exact neighbours reproduce the stored obsp/distances): trustworthiness (k = 15, in X_pca, as sklearn
//    computes it) not below the stored X_umap's, for the default seed and on average over seeds 0-4; the same
//    layout for any thread count.
#include <QtTest/QtTest>

#include <cmath>

#include "core/io/hdf5_reader.h"
#include "core/io/hdf5_sparse.h"
#include "core/singlecell/fuzzy_graph.h"
#include "core/singlecell/knn.h"
#include "core/singlecell/leiden.h"
#include "core/singlecell/metrics.h"
#include "core/singlecell/pca.h"
#include "core/singlecell/umap_layout.h"
#include "core/util/parallel.h"
#include "tests/core/singlecell/sc_test_data.h"

using namespace diffbio;

namespace {

std::vector<std::int32_t> codes(const data::Table& obs, const std::string& column) {
  const auto& c = obs.column(column);
  if (c.type() == data::ColumnType::Categorical) return c.categorical().codes;
  std::vector<std::string> text;
  for (std::size_t i = 0; i < c.size(); ++i) text.push_back(c.text(i));
  return data::makeCategorical(text).codes;
}

Eigen::MatrixXd obsm(const io::LoadedCounts& loaded, const std::string& name) {
  for (const auto& [key, values] : loaded.obsm)
    if (key == name) return values;
  throw std::runtime_error("no obsm " + name);
}

}  // namespace

class TestNeighborsClustering : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void fuzzyMembershipsByHand() {
    // Points 0, 1, 3 with k = 3 (self + 2): every cell's nearer neighbour gets weight 1 (rho), the farther one
    // exp(-(d - rho) / sigma) with sigma solving 1 + exp(...) = log2(3): weight log2(3) - 1. Union:
    // w + w' - w w' -> (0,1): 1, (1,2): 1, (0,2): 2 (log2 3 - 1) - (log2 3 - 1)^2.
    Eigen::MatrixXd points(3, 1);
    points << 0, 1, 3;
    sc::KnnOptions options;
    options.k = 3;
    const sc::KnnGraph knn = sc::nearestNeighbors(points, options);
    QCOMPARE(knn.index(2, 1), 1);
    QCOMPARE(knn.distance(2, 2), 3.0f);
    const sc::CellGraph g = sc::fuzzySimplicialSet(knn);
    const double w = std::log2(3.0) - 1;
    auto weight = [&](int i, int j) {
      for (auto p = g.indptr[i]; p < g.indptr[i + 1]; ++p)
        if (g.indices[p] == j) return static_cast<double>(g.weights[p]);
      return 0.0;
    };
    QVERIFY(std::abs(weight(0, 1) - 1) < 1e-6);
    QVERIFY(std::abs(weight(1, 2) - 1) < 1e-6);
    QVERIFY(std::abs(weight(0, 2) - (2 * w - w * w)) < 1e-4);
    QCOMPARE(weight(2, 0), weight(0, 2));
    QCOMPARE(g.nEdges(), std::int64_t(3));
  }

  void hnswAgreesWithExact() {
    std::mt19937 rng(7);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd points(3000, 20);
    for (Eigen::Index i = 0; i < points.size(); ++i) points.data()[i] = normal(rng) + (i % 3000 < 1500 ? 0 : 3);
    sc::KnnOptions exact;
    exact.method = sc::KnnMethod::Exact;
    sc::KnnOptions hnsw = exact;
    hnsw.method = sc::KnnMethod::Hnsw;
    const auto a = sc::nearestNeighbors(points, exact), b = sc::nearestNeighbors(points, hnsw);
    std::int64_t same = 0;
    for (std::int64_t i = 0; i < a.nCells; ++i) {
      QCOMPARE(a.index(i, 0), static_cast<std::int32_t>(i));
      QCOMPARE(b.index(i, 0), static_cast<std::int32_t>(i));
      for (int j = 1; j < a.k; ++j)
        for (int q = 1; q < b.k; ++q) same += a.index(i, j) == b.index(i, q);
    }
    const double recall = static_cast<double>(same) / (a.nCells * (a.k - 1));
    qInfo("HNSW recall of the exact 14 neighbours: %.4f", recall);
    QVERIFY(recall > 0.95);
  }

  void pbmc68kClustersAndEmbedding() {
    io::CountReadOptions options;
    options.h5adMatrix = "X";  // scanpy's scaled data
    const io::LoadedCounts loaded = io::readH5ad(test::pbmc68k("10x_pbmc68k_reduced.h5ad"), options);
    const auto& x = loaded.matrix;
    QCOMPARE(x.nObs(), std::int64_t(700));
    sc::DenseF scaled(x.nObs(), x.nGenes());
    for (std::int64_t i = 0; i < x.nObs(); ++i)
      for (std::int64_t g = 0; g < x.nGenes(); ++g) scaled(i, g) = static_cast<float>(x.at(i, g));
    sc::PcaOptions pcaOptions;
    pcaOptions.nComponents = 50;
    const sc::PcaResult pca = sc::pca(scaled, pcaOptions);

    // Our PC1 is scanpy's PC1 up to sign (|r| = 0.994 measured: the stored X_pca was not necessarily computed from
    // this exact X — the README notes that not all parameters are stored).
    const Eigen::MatrixXd storedPca = obsm(loaded, "X_pca");
    std::vector<double> ours(700), theirs(700);
    for (int i = 0; i < 700; ++i) {
      ours[i] = pca.scores(i, 0);
      theirs[i] = storedPca(i, 0);
    }
    qInfo("|r| of PC1 with scanpy's X_pca: %.5f", std::abs(test::pearson(ours, theirs)));
    QVERIFY(std::abs(test::pearson(ours, theirs)) > 0.99);

    const sc::KnnGraph knn = sc::nearestNeighbors(pca.scores, sc::KnnOptions{});
    const sc::CellGraph graph = sc::fuzzySimplicialSet(knn);
    const sc::LeidenResult clusters = sc::leiden(graph, sc::LeidenOptions{});
    const auto truth = codes(loaded.obs, "bulk_labels");
    const double ariLeiden = sc::adjustedRandIndex(clusters.membership, truth);
    const double ariLouvain = sc::adjustedRandIndex(codes(loaded.obs, "louvain"), truth);
    qInfo("Leiden: %d clusters, modularity %.4f; ARI vs bulk_labels %.4f (scanpy louvain: %.4f)", clusters.nClusters,
          clusters.modularity, ariLeiden, ariLouvain);
    QVERIFY(ariLeiden >= ariLouvain);

    // Same seed, same clusters.
    QVERIFY(sc::leiden(graph, sc::LeidenOptions{}).membership == clusters.membership);

    const Eigen::MatrixXd ownUmap = sc::umapLayout(graph, sc::UmapOptions{});
    const double trustOwn = sc::trustworthiness(pca.scores, ownUmap, 15);
    qInfo("our whole chain (our PCA, 15 neighbours, UMAP): trustworthiness k=15 %.4f", trustOwn);
    QVERIFY(trustOwn >= 0.90);
  }

  void pbmc68kUmapAgainstScanpy() {
    const std::string path = test::pbmc68k("10x_pbmc68k_reduced.h5ad");
    io::CountReadOptions options;
    options.h5adMatrix = "X";
    const io::LoadedCounts loaded = io::readH5ad(path, options);
    const Eigen::MatrixXd storedPca = obsm(loaded, "X_pca");
    const std::int64_t n = storedPca.rows();

    // The graph scanpy laid out: its stored kNN distances (obsp/distances, 9 others per cell) are those of the first
    // 30 PCs with n_neighbors = 10 — our exact neighbours of storedPca[:, :30] must reproduce them.
    sc::KnnOptions scanpyNeighbors;
    scanpyNeighbors.k = 10;
    const Eigen::MatrixXd pcs30 = storedPca.leftCols(30);
    const sc::KnnGraph knn = sc::nearestNeighbors(pcs30, scanpyNeighbors);
    const io::h5::Reader reader(path);
    const data::CsrStorage stored = io::h5::readCompressedSparse(reader, "/obsp/distances", n, n, "cells");
    std::int64_t same = 0, total = 0;
    double worst = 0;
    for (std::int64_t i = 0; i < n; ++i)
      for (auto p = stored.indptr[i]; p < stored.indptr[i + 1]; ++p) {
        ++total;
        for (int j = 1; j < knn.k; ++j)
          if (knn.index(i, j) == stored.indices[p]) {
            ++same;
            worst = std::max(worst, std::abs(static_cast<double>(knn.distance(i, j)) - stored.values[p]) /
                                        static_cast<double>(stored.values[p]));
          }
      }
    qInfo("scanpy's stored neighbours found: %lld of %lld; worst relative distance difference %.2e",
          static_cast<long long>(same), static_cast<long long>(total), worst);
    QCOMPARE(total, n * 9);
    QCOMPARE(same, total);
    QVERIFY(worst < 1e-5);  // float32 distances

    // Our UMAP of that graph against scanpy's, both measured in X_pca (all 50 PCs). The default seed, and the mean
    // of seeds 0-4 (one layout's trustworthiness moves by ~0.002 from seed to seed; scanpy's is one such draw).
    const sc::CellGraph scanpyGraph = sc::fuzzySimplicialSet(knn);
    const double trustScanpy = sc::trustworthiness(storedPca, obsm(loaded, "X_umap"), 15);
    std::vector<double> trust;
    Eigen::MatrixXd seed0;
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      sc::UmapOptions umapOptions;
      umapOptions.seed = seed;
      const Eigen::MatrixXd umap = sc::umapLayout(scanpyGraph, umapOptions);
      if (seed == 0) seed0 = umap;
      trust.push_back(sc::trustworthiness(storedPca, umap, 15));
    }
    double mean = 0;
    for (double t : trust) mean += t / static_cast<double>(trust.size());
    qInfo("trustworthiness k=15 in X_pca: scanpy X_umap %.5f; ours seed 0 %.5f, seeds 0-4 %.5f %.5f %.5f %.5f %.5f "
          "(mean %.5f)", trustScanpy, trust[0], trust[0], trust[1], trust[2], trust[3], trust[4], mean);
    QVERIFY(trust[0] >= trustScanpy);
    QVERIFY(mean >= trustScanpy);
    for (double t : trust) QVERIFY(t >= 0.90);

    // Seeded and independent of the thread count: bit-identical layouts with 1 and 2 threads.
    const int threads = parallelThreads();
    setParallelThreads(1);
    const Eigen::MatrixXd oneThread = sc::umapLayout(scanpyGraph, sc::UmapOptions{});
    setParallelThreads(2);
    const Eigen::MatrixXd twoThreads = sc::umapLayout(scanpyGraph, sc::UmapOptions{});
    setParallelThreads(threads);
    QVERIFY(oneThread == seed0);
    QVERIFY(twoThreads == seed0);

    // umap-learn's one-edge-at-a-time optimiser, kept as an option: seeded, and of the same quality bar.
    sc::UmapOptions sequential;
    sequential.optimizer = sc::UmapOptimizer::Sequential;
    const Eigen::MatrixXd sequentialUmap = sc::umapLayout(scanpyGraph, sequential);
    const double trustSequential = sc::trustworthiness(storedPca, sequentialUmap, 15);
    qInfo("sequential optimiser, seed 0: %.5f", trustSequential);
    QVERIFY(trustSequential >= 0.90);
    QVERIFY(sc::umapLayout(scanpyGraph, sequential) == sequentialUmap);
  }
};

QTEST_GUILESS_MAIN(TestNeighborsClustering)
#include "test_neighbors_clustering.moc"

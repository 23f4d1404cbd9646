// The single-cell nodes: registered, the template validates, runs on scanpy's 10x v3 sample and gives exactly the
// clusters and UMAP of runPipeline (what `diffbio sc` calls); a new resolution re-runs only clustering and after.
#include "test_support.h"

#include "core/io/count_readers.h"
#include "core/ops/registry.h"
#include "core/pipeline/executor.h"
#include "core/pipeline/pipeline_file.h"
#include "core/pipeline/validation.h"
#include "core/singlecell/cell_values.h"
#include "core/singlecell/pipeline.h"

using namespace diffbio;

namespace {
std::filesystem::path templatePath() {
  return std::filesystem::path(DIFFBIO_TEST_DATA) / "../../resources/pipelines/single_cell.json";
}
std::string tenxV3() { return test::sharedData("sc_10x_format_samples_scanpy/10x_data/3.0.0/filtered_feature_bc_matrix"); }
}  // namespace

class SingleCellOperatorsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everySingleCellOperatorIsRegistered() {
    for (const char* id : {"sc.qc", "sc.normalize", "sc.hvg", "sc.pca", "sc.neighbors", "sc.leiden", "sc.umap",
                           "sc.markers", "sim.single_cell"})
      QVERIFY2(ops::Registry::global().contains(id), id);
  }

  void templateMatchesRunPipelineAndRerunsOnlyWhatChanged() {
    pipeline::Graph graph = pipeline::readPipelineFile(templatePath());
    graph.setParameter("counts", "path", tenxV3());
    const auto problems = pipeline::validate(graph, ops::Registry::global());
    QVERIFY(problems.empty());
    pipeline::Executor executor;
    executor.setPipelineFolder(templatePath().parent_path());
    executor.setOutputFolder(test::scratchDir("singlecell_operators"));
    CancelToken cancel;
    const auto first = executor.run(graph, cancel);
    QVERIFY(first.ok());
    QCOMPARE(first.executed, 13);

    const auto loaded = io::readCounts(tenxV3());
    const sc::PipelineResult direct = sc::runPipeline(loaded.matrix, sc::PipelineOptions{});
    const auto& labels = executor.output("leiden", "labels")->as<sc::CellLabels>();
    QCOMPARE(labels.codes, direct.clusters.membership);
    const auto& umap = executor.output("umap", "embedding")->as<sc::CellEmbedding>();
    QVERIFY(umap.values.isApprox(direct.umap));
    qInfo("%d clusters on the 10x v3 sample (1,107 cells)", direct.clusters.nClusters);

    pipeline::Graph changed = graph;
    changed.setParameter("leiden", "resolution", 0.5);
    const auto second = executor.run(changed, cancel);
    QVERIFY(second.ok());
    QCOMPARE(second.executed, 4);  // leiden, markers and their two writers
    QVERIFY(executor.status("umap").reused);
  }
};

QTEST_GUILESS_MAIN(SingleCellOperatorsTest)
#include "test_singlecell_operators.moc"

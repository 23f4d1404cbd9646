// The DE nodes run as a pipeline: the bundled template gives DESeq2's results, the same numbers as runDeseq, and a
// change of the FDR level re-runs only the results node (and the sink writing it).
#include "test_support.h"

#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "core/stats/de_design.h"
#include "core/ops/registry.h"
#include "core/pipeline/executor.h"
#include "core/pipeline/pipeline_file.h"
#include "core/pipeline/validation.h"
#include "core/stats/deseq.h"

using namespace diffbio;

namespace {

std::filesystem::path templatePath() {
  return std::filesystem::path(DIFFBIO_TEST_DATA) / "../../resources/pipelines/bulk_de.json";
}

}  // namespace

class DeOperatorsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everyDeOperatorIsRegistered() {
    for (const char* id : {"io.load_counts", "io.load_samples", "io.write_table", "de.design", "de.size_factors",
                           "de.dispersions", "de.wald", "de.results", "de.normalized_counts", "de.vst", "sim.seed_de"})
      QVERIFY2(ops::Registry::global().contains(id), id);
  }

  void templateMatchesTheEngineAndRerunsOnlyWhatChanged() {
    const pipeline::Graph graph = pipeline::readPipelineFile(templatePath());
    QVERIFY(pipeline::validate(graph, ops::Registry::global()).empty());
    pipeline::Executor executor;
    executor.setPipelineFolder(templatePath().parent_path());
    executor.setOutputFolder(test::scratchDir("de_operators"));
    CancelToken cancel;
    const auto first = executor.run(graph, cancel);
    QVERIFY(first.ok());
    QCOMPARE(first.executed, 8);

    // The same analysis through the engine's one-call driver.
    const auto counts = io::readCounts(test::sharedData("pasilla/pasilla_gene_counts.tsv"));
    stats::DeDesignRequest request;
    request.formula = "~ type + condition";
    request.contrast = "condition,treated,untreated";
    const auto design =
        stats::buildDeDesign(counts, io::readSampleSheet(test::sharedData("pasilla/pasilla_sample_annotation.csv")), request);
    stats::DeseqOptions options;
    options.contrastSamples = design.experiment.contrastSamples;
    const auto direct = stats::runDeseq(design.experiment.counts, design.experiment.geneNames,
                                        design.experiment.modelMatrix, design.experiment.contrast, options);
    const auto& table = executor.output("results", "results")->as<data::Table>();
    for (const char* column : {"log2FoldChange", "lfcSE", "pvalue", "padj"}) {
      const auto& a = table.column(column).floats();
      const auto& b = direct.results.table.column(column).floats();
      for (std::size_t i = 0; i < a.size(); ++i) QVERIFY(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])));
    }

    // A new FDR level: only `results` and its sink run again; the fitted model is reused.
    pipeline::Graph changed = graph;
    changed.setParameter("results", "alpha", 0.05);
    const auto second = executor.run(changed, cancel);
    QVERIFY(second.ok());
    QCOMPARE(second.executed, 2);
    QCOMPARE(second.reused, 6);
    for (const char* id : {"counts", "samples", "design", "size_factors", "dispersions", "wald"})
      QVERIFY2(executor.status(id).reused, id);
    QVERIFY(!executor.status("results").reused);
  }
};

QTEST_GUILESS_MAIN(DeOperatorsTest)
#include "test_de_operators.moc"

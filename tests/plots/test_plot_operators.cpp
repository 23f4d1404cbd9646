// Figure nodes: registered once (a second registration is harmless), and each writes its figure into the run's
// output folder from real inputs: DESeq2's pasilla results (volcano), its blind VST with the sample sheet (PCA),
// and scanpy's pbmc68k UMAP with its louvain clusters (embedding).
#include <QtTest/QtTest>
#include <QGuiApplication>

#include "core/io/count_readers.h"
#include "core/io/h5ad.h"
#include "core/io/sample_sheet.h"
#include "core/ops/registry.h"
#include "core/stats/deseq_steps.h"
#include "core/singlecell/cell_values.h"
#include "plots/plot_operators.h"
#include "test_support.h"
#include "tests/plots/scanpy_markers.h"

using namespace diffbio;
using namespace diffbio::ops;

namespace {

const std::string kReference = "pasilla/deseq2_1.38.3_reference/";
const std::string kPbmc = "sc_pbmc68k_reduced_scanpy/plain_export/";

sc::CellEmbedding pbmcUmap() {
  const data::Table umap = io::readSampleSheet(test::sharedData(kPbmc + "X_umap.csv"));
  sc::CellEmbedding embedding;
  embedding.name = "X_umap";
  embedding.cells = umap.rowNames();
  embedding.values.resize(Eigen::Index(umap.nRows()), 2);
  for (std::size_t i = 0; i < umap.nRows(); ++i) {
    embedding.values(Eigen::Index(i), 0) = umap.column("UMAP1").floats()[i];
    embedding.values(Eigen::Index(i), 1) = umap.column("UMAP2").floats()[i];
  }
  return embedding;
}

sc::CellLabels louvain() {
  const data::Table obs = io::readSampleSheet(test::sharedData(kPbmc + "obs.csv"));
  sc::CellLabels labels;
  labels.name = "louvain";
  labels.cells = obs.rowNames();
  for (int c = 0; c < 11; ++c) labels.levels.push_back(std::to_string(c));
  for (std::size_t i = 0; i < obs.nRows(); ++i) labels.codes.push_back(std::int32_t(obs.column("louvain").ints()[i]));
  return labels;
}

io::LoadedCounts pbmcRaw() {
  io::CountReadOptions options;
  options.h5adMatrix = "raw/X";
  return io::readH5ad(test::sharedData("sc_pbmc68k_reduced_scanpy/10x_pbmc68k_reduced.h5ad"), options);
}


// CSV rows of a figure's export, split on commas (no quoted fields in these).
std::vector<QList<QByteArray>> csvRows(const std::filesystem::path& path) {
  std::vector<QList<QByteArray>> rows;
  for (const QByteArray& line : diffbio::test::readFileBytes(path).trimmed().split('\n')) rows.push_back(line.split(','));
  return rows;
}

void runNode(const Registry& registry, const std::string& id, const OperatorInputs& inputs,
             const ParameterValues& given, const std::filesystem::path& out) {
  CancelToken cancel;
  RunContext context(cancel, {}, id);
  context.setOutputFolder(out);
  const auto op = registry.create(id);
  const OperatorOutputs outputs = op->run(inputs, registry.spec(id).withDefaults(given), context);
  QVERIFY(outputs.empty());  // a sink: the file is its result
}

}  // namespace

class PlotOperatorsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void registeredOnce() {
    Registry registry;
    plots::registerPlotOperators(registry);
    const std::size_t count = registry.ids().size();
    plots::registerPlotOperators(registry);  // e.g. start-up code run again in a test: no duplicate-id error
    QCOMPARE(registry.ids().size(), count);
    for (const char* id : {"plot.volcano", "plot.ma", "plot.qq", "plot.pvalue_histogram", "plot.dispersion",
                           "plot.pca", "plot.embedding", "plot.count_distribution", "plot.gene_counts",
                           "plot.library_sizes", "plot.marker_dots", "plot.violin", "plot.training_comparison"})
      QVERIFY2(registry.contains(id), id);
  }

  void volcanoNodeWritesEveryGene() {
    Registry registry;
    plots::registerPlotOperators(registry);
    const auto dir = test::scratchDir("plot_ops_volcano");
    data::Table results = io::readSampleSheet(test::sharedData(kReference + "design_condition_results_wald.csv.gz"));
    std::size_t drawn = 0;
    for (std::size_t i = 0; i < results.nRows(); ++i)
      drawn += results.column("pvalue").number(i).has_value() && results.column("log2FoldChange").number(i).has_value();
    OperatorInputs inputs;
    inputs.set("results", Value::make(PortType::Table, std::move(results)));
    runNode(registry, "plot.volcano", inputs, {{"path", "figures/volcano.svg"}, {"label_top", 0}}, dir);
    const QByteArray svg = diffbio::test::readFileBytes(dir / "figures" / "volcano.svg");  // relative: inside the output folder
    QCOMPARE(svg.count("<ellipse") + svg.count("<circle"), qsizetype(drawn + 3));
  }

  void pcaAndEmbeddingNodes() {
    Registry registry;
    plots::registerPlotOperators(registry);
    const auto dir = test::scratchDir("plot_ops_pca");
    OperatorInputs pca;
    pca.set("values", Value::make(PortType::Table, io::readSampleSheet(test::sharedData(kReference + "vst_blind.csv.gz"))));
    pca.set("samples",
            Value::make(PortType::SampleTable, io::readSampleSheet(test::sharedData(kReference + "coldata_used.csv"))));
    runNode(registry, "plot.pca", pca, {{"path", "pca.pdf"}}, dir);
    QVERIFY(diffbio::test::readFileBytes(dir / "pca.pdf").startsWith("%PDF-"));

    OperatorInputs inputs;
    inputs.set("embedding", Value::make(PortType::Embedding, pbmcUmap()));
    inputs.set("labels", Value::make(PortType::Labels, louvain()));
    runNode(registry, "plot.embedding", inputs, {{"path", "umap.svg"}}, dir);
    const QByteArray svg = diffbio::test::readFileBytes(dir / "umap.svg");
    QCOMPARE(svg.count("<ellipse") + svg.count("<circle"), qsizetype(700 + 11));  // cells + legend markers
    QVERIFY(svg.contains(">louvain</text>"));
  }

  void embeddingColouredByQcColumnOrGene() {
    Registry registry;
    plots::registerPlotOperators(registry);
    const auto dir = test::scratchDir("plot_ops_embedding_colour");
    OperatorInputs inputs;
    inputs.set("embedding", Value::make(PortType::Embedding, pbmcUmap()));
    inputs.set("labels", Value::make(PortType::Labels, louvain()));
    const data::Table obs = io::readSampleSheet(test::sharedData(kPbmc + "obs.csv"));
    inputs.set("annotations", Value::make(PortType::Table, obs));
    const io::LoadedCounts counts = pbmcRaw();
    inputs.set("counts", Value::make(PortType::Counts, counts));

    // A QC metric: a colour bar, and each cell's value is the table's.
    runNode(registry, "plot.embedding", inputs, {{"path", "mito.csv"}, {"color", "percent_mito"}}, dir);
    auto rows = csvRows(dir / "mito.csv");
    QCOMPARE(rows.size(), std::size_t(701));
    QCOMPARE(rows[0].back(), QByteArray("percent_mito"));
    for (std::size_t i = 1; i < rows.size(); ++i)
      QCOMPARE(rows[i].back().toDouble(), *obs.column("percent_mito").number(i - 1));
    runNode(registry, "plot.embedding", inputs, {{"path", "mito.svg"}, {"color", "percent_mito"}}, dir);
    QVERIFY(diffbio::test::readFileBytes(dir / "mito.svg").contains(">percent_mito</text>"));

    // A gene: its expression per cell from the counts, matched by barcode.
    runNode(registry, "plot.embedding", inputs, {{"path", "cd79a.csv"}, {"color", "CD79A"}, {"colormap", "magma"}}, dir);
    rows = csvRows(dir / "cd79a.csv");
    const auto& genes = counts.matrix.geneNames();
    const auto column = std::int64_t(std::find(genes.begin(), genes.end(), "CD79A") - genes.begin());
    QVERIFY(std::size_t(column) < genes.size());
    std::size_t expressing = 0;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const auto& cells = counts.matrix.obsNames();
      const auto row = std::int64_t(std::find(cells.begin(), cells.end(), rows[i][0].toStdString()) - cells.begin());
      QVERIFY(std::abs(rows[i].back().toDouble() - counts.matrix.at(row, column)) < 1e-6);
      expressing += counts.matrix.at(row, column) > 0;
    }
    QVERIFY(expressing > 50);
    // A categorical annotation, and the labels by their name.
    runNode(registry, "plot.embedding", inputs, {{"path", "bulk.svg"}, {"color", "bulk_labels"}}, dir);
    QCOMPARE(diffbio::test::readFileBytes(dir / "bulk.svg").count("<circle") + diffbio::test::readFileBytes(dir / "bulk.svg").count("<ellipse"),
             qsizetype(700 + 10));
    runNode(registry, "plot.embedding", inputs, {{"path", "louvain.svg"}, {"color", "louvain"}}, dir);
    QVERIFY(diffbio::test::readFileBytes(dir / "louvain.svg").contains(">louvain</text>"));

    CancelToken cancel;
    RunContext context(cancel, {}, "plot.embedding");
    context.setOutputFolder(dir);
    const auto op = registry.create("plot.embedding");
    DIFFBIO_EXPECT_INPUT_ERROR(
        op->run(inputs, registry.spec("plot.embedding").withDefaults({{"path", "x.png"}, {"color", "NOPE"}}), context),
        "nothing called 'NOPE'");
  }

  void countDistributionLibrarySizesAndGeneCountsNodes() {
    Registry registry;
    plots::registerPlotOperators(registry);
    const auto dir = test::scratchDir("plot_ops_counts");
    io::LoadedCounts loaded = io::readCounts(test::sharedData("pasilla/pasilla_gene_counts.tsv"));
    const data::Table factors =
        io::readSampleSheet(test::sharedData(kReference + "design_condition_size_factors.csv"));
    stats::DeExperiment experiment;
    experiment.counts = loaded.matrix.dense();
    experiment.sampleNames = loaded.matrix.obsNames();
    experiment.geneNames = loaded.matrix.geneNames();
    stats::ChosenSizeFactors chosen;
    chosen.factors.resize(7);
    for (std::size_t s = 0; s < 7; ++s) {
      const auto& rows = factors.rowNames();
      const auto at = std::size_t(std::find(rows.begin(), rows.end(), experiment.sampleNames[s]) - rows.begin());
      chosen.factors(Eigen::Index(s)) = *factors.column("sizeFactor").number(at);
    }
    OperatorInputs inputs;
    inputs.set("design", Value::make(PortType::Design, experiment));
    inputs.set("size_factors", Value::make(PortType::SizeFactors, chosen));
    inputs.set("samples", Value::make(PortType::SampleTable,
                                      io::readSampleSheet(test::sharedData("pasilla/pasilla_sample_annotation.csv"))));
    runNode(registry, "plot.count_distribution", inputs, {{"path", "dist.csv"}}, dir);
    auto rows = csvRows(dir / "dist.csv");
    QCOMPARE(rows.size(), std::size_t(8));
    QCOMPARE(rows[1][1], QByteArray("untreated"));  // paired with the sheet's untreated1fb
    QCOMPARE(rows[5][1], QByteArray("treated"));
    runNode(registry, "plot.count_distribution", inputs, {{"path", "dist.pdf"}}, dir);
    QVERIFY(diffbio::test::readFileBytes(dir / "dist.pdf").startsWith("%PDF-"));

    // One gene: DESeq2's normalised counts of FBgn0000008, log10(x + 0.5), one point per sample.
    runNode(registry, "plot.gene_counts", inputs, {{"path", "gene.csv"}, {"gene", "FBgn0000008"}}, dir);
    rows = csvRows(dir / "gene.csv");
    QCOMPARE(rows.size(), std::size_t(8));
    const data::Table normalised =
        io::readSampleSheet(test::sharedData(kReference + "design_condition_normalized_counts.csv.gz"));
    const auto& names = normalised.rowNames();
    const auto gene = std::size_t(std::find(names.begin(), names.end(), "FBgn0000008") - names.begin());
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const double expected = std::log10(*normalised.column(rows[i][0].toStdString()).number(gene) + 0.5);
      QVERIFY(std::abs(rows[i][2].toDouble() - expected) < 1e-9);
    }

    OperatorInputs library;
    const Eigen::VectorXd totals = loaded.matrix.obsSums();
    library.set("counts", Value::make(PortType::Counts, std::move(loaded)));
    runNode(registry, "plot.library_sizes", library, {{"path", "lib.csv"}}, dir);
    rows = csvRows(dir / "lib.csv");
    QCOMPARE(rows.size(), std::size_t(1 + 13));  // header, 7 bars and the 6 gaps between them
    QVERIFY(std::abs(rows[1][2].toDouble() - totals(0) / 1e6) < 1e-12);
  }

  void markerDotsAndViolinNodes() {
    Registry registry;
    plots::registerPlotOperators(registry);
    const auto dir = test::scratchDir("plot_ops_sc");
    OperatorInputs inputs;
    inputs.set("counts", Value::make(PortType::Counts, pbmcRaw()));
    inputs.set("labels", Value::make(PortType::Labels, louvain()));
    inputs.set("markers", Value::make(PortType::Table, test::scanpyMarkers()));
    // scanpy's markers are for bulk_labels, not these louvain clusters: groups are matched by name, none matches,
    // so every group of the table is taken in table order (10 groups x 2 genes).
    runNode(registry, "plot.marker_dots", inputs, {{"path", "dots.csv"}, {"per_cluster", 2}}, dir);
    auto rows = csvRows(dir / "dots.csv");
    QCOMPARE(rows.size(), std::size_t(1 + 20 * 11));
    runNode(registry, "plot.marker_dots", inputs,
            {{"path", "two.csv"}, {"genes", ops::GeneList{"CD79A", "cd3e"}}}, dir);  // a symbol in any case
    rows = csvRows(dir / "two.csv");
    QCOMPARE(rows.size(), std::size_t(1 + 2 * 11));
    QCOMPARE(rows[1][0], QByteArray("CD79A"));
    QCOMPARE(rows[12][0], QByteArray("CD3E"));
    runNode(registry, "plot.violin", inputs, {{"path", "violin.svg"}, {"gene", "CD79A"}}, dir);
    const QByteArray svg = diffbio::test::readFileBytes(dir / "violin.svg");
    QCOMPARE(svg.count("<circle") + svg.count("<ellipse"), qsizetype(700));
    runNode(registry, "plot.violin", inputs, {{"path", "violin_only.svg"}, {"gene", "CD79A"}, {"show_cells", false}},
            dir);
    QCOMPARE(diffbio::test::readFileBytes(dir / "violin_only.svg").count("<circle"), qsizetype(0));
  }

  void trainingComparisonNode() {
    Registry registry;
    plots::registerPlotOperators(registry);
    const auto dir = test::scratchDir("plot_ops_training");
    data::Table before = io::readSampleSheet(test::sharedData(kReference + "design_condition_results_wald.csv.gz"));
    data::Table after = io::readSampleSheet(test::sharedData(kReference + "design_type_condition_results_wald.csv.gz"));
    std::vector<std::uint8_t> label;
    for (std::size_t g = 0; g < after.nRows(); ++g) label.push_back(after.column("padj").number(g).value_or(1) < 0.01);
    after.addColumn(data::Column::boolean("label", std::move(label)));
    OperatorInputs inputs;
    inputs.set("before", Value::make(PortType::Table, std::move(before)));
    inputs.set("after", Value::make(PortType::Table, std::move(after)));
    runNode(registry, "plot.training_comparison", inputs, {{"path", "comparison.png"}, {"dpi", 100}}, dir);
    const QImage png(QString::fromStdString((dir / "comparison.png").string()));
    QCOMPARE(png.width(), int(std::lround(180 / 25.4 * 100)));  // the node's default size: 180 x 110 mm
    QCOMPARE(png.height(), int(std::lround(110 / 25.4 * 100)));
  }
};

QTEST_MAIN(PlotOperatorsTest)
#include "test_plot_operators.moc"

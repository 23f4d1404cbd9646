// Figure nodes: registered once (a second registration is harmless), and each writes its figure into the run's
// output folder from real inputs: DESeq2's pasilla results (volcano), its blind VST with the sample sheet (PCA),
// and scanpy's pbmc68k UMAP with its louvain clusters (embedding).
#include <QtTest/QtTest>
#include <QGuiApplication>

#include "core/io/sample_sheet.h"
#include "core/ops/registry.h"
#include "core/singlecell/cell_values.h"
#include "plots/plot_operators.h"
#include "test_support.h"

using namespace diffbio;
using namespace diffbio::ops;

namespace {

const std::string kReference = "pasilla/deseq2_1.38.3_reference/";
const std::string kPbmc = "sc_pbmc68k_reduced_scanpy/plain_export/";

QByteArray readAll(const std::filesystem::path& path) {
  QFile file(QString::fromStdString(path.string()));
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
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
                           "plot.pca", "plot.embedding"})
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
    const QByteArray svg = readAll(dir / "figures" / "volcano.svg");  // relative: inside the output folder
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
    QVERIFY(readAll(dir / "pca.pdf").startsWith("%PDF-"));

    const data::Table umap = io::readSampleSheet(test::sharedData(kPbmc + "X_umap.csv"));
    const data::Table obs = io::readSampleSheet(test::sharedData(kPbmc + "obs.csv"));
    sc::CellEmbedding embedding;
    embedding.name = "X_umap";
    embedding.cells = umap.rowNames();
    embedding.values.resize(Eigen::Index(umap.nRows()), 2);
    for (std::size_t i = 0; i < umap.nRows(); ++i) {
      embedding.values(Eigen::Index(i), 0) = umap.column("UMAP1").floats()[i];
      embedding.values(Eigen::Index(i), 1) = umap.column("UMAP2").floats()[i];
    }
    sc::CellLabels labels;
    labels.name = "louvain";
    labels.cells = obs.rowNames();
    for (int c = 0; c < 11; ++c) labels.levels.push_back(std::to_string(c));
    for (std::size_t i = 0; i < obs.nRows(); ++i) labels.codes.push_back(std::int32_t(obs.column("louvain").ints()[i]));
    OperatorInputs inputs;
    inputs.set("embedding", Value::make(PortType::Embedding, std::move(embedding)));
    inputs.set("labels", Value::make(PortType::Labels, std::move(labels)));
    runNode(registry, "plot.embedding", inputs, {{"path", "umap.svg"}}, dir);
    const QByteArray svg = readAll(dir / "umap.svg");
    QCOMPARE(svg.count("<ellipse") + svg.count("<circle"), qsizetype(700 + 11));  // cells + legend markers
    QVERIFY(svg.contains(">louvain</text>"));
  }
};

QTEST_MAIN(PlotOperatorsTest)
#include "test_plot_operators.moc"

// The Cells dock after the single-cell template runs in the window on scanpy's pbmc68k_reduced (700 PBMCs with
// FACS-sorted cell types in obs/bulk_labels): the embedding coloured by cluster, by an annotation (the sorted
// populations, with the README's counts), by a QC metric and by a gene (found through the completer) carries exactly
// the run's numbers; selecting a cluster's cells gives exactly the markers node's Wilcoxon result for that cluster,
// a lasso gives the markers of the cells inside it, the sorted CD14+ monocytes find monocyte genes; the marker table
// and volcano are linked; labels and coordinates export to CSV and h5ad.
#include "test_support.h"
#include "pbmc68k_populations.h"

#include <QAbstractItemModel>
#include <QComboBox>
#include <QCompleter>
#include <QDockWidget>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>

#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "core/io/h5ad.h"
#include "core/pipeline/executor.h"
#include "core/pipeline/pipeline_file.h"
#include "core/io/loaded_counts.h"
#include "core/singlecell/cell_values.h"
#include "core/singlecell/markers.h"
#include "plots/plot_view.h"
#include "widgets/document/pipeline_document.h"
#include "widgets/main_window.h"
#include "widgets/resources_path.h"
#include "widgets/singlecell/cell_view_panel.h"
#include "widgets/tables/table_filter_proxy.h"
#include "widgets/tables/table_model.h"
#include "widgets/tables/table_panel.h"

using namespace diffbio;
using namespace diffbio::widgets;

Q_DECLARE_METATYPE(diffbio::widgets::RunOutcome)

namespace {

// Points per legend entry of a categorical model.
std::map<std::string, int> categoryCounts(const plots::PlotModel& model) {
  std::map<std::string, int> counts;
  for (int c : model.points.category) ++counts[model.categories[static_cast<std::size_t>(c)].name.toStdString()];
  return counts;
}

bool waitFor(QObject* object, const char* signal, int ms = 60000) {
  QSignalSpy spy(object, signal);
  return spy.wait(ms);
}

}  // namespace

class CellViewTest : public QObject {
  Q_OBJECT

  MainWindow* window_ = nullptr;
  CellViewPanel* cells_ = nullptr;
  std::filesystem::path out_;

  const sc::CellLabels& labels() const { return window_->runner()->output("leiden", "labels")->as<sc::CellLabels>(); }
  const io::LoadedCounts& normalized() const {
    return window_->runner()->output("normalize", "counts")->as<io::LoadedCounts>();
  }

  // Selects `cells` as the mouse does and waits for their markers.
  bool selectAndWaitForMarkers(const std::vector<std::size_t>& cells) {
    QSignalSpy ready(cells_, &CellViewPanel::markersReady);
    cells_->embeddingView()->select(cells, plots::PlotView::SelectionMode::Replace);
    return ready.wait(120000);
  }

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("DiffBioTests");
    QCoreApplication::setApplicationName("cell_view");
    qRegisterMetaType<RunOutcome>();
    out_ = test::scratchDir("widgets_cell_view");
    window_ = new MainWindow;
    window_->setOutputFolder(QString::fromStdString(out_.string()));
    window_->setAutoRun(false);
    window_->resize(1500, 950);
    window_->show();
    QVERIFY(QTest::qWaitForWindowExposed(window_));
    QVERIFY(window_->openTemplate(resourcesDir() + "/pipelines/single_cell.json"));
    auto* document = window_->document();
    document->setParameter("counts", "path", ops::ParameterValue(test::sharedData("sc_pbmc68k_reduced_scanpy/10x_pbmc68k_reduced.h5ad")));
    document->setParameter("hvg", "n_top_genes", ops::ParameterValue(std::int64_t{300}));  // of 765 genes
    cells_ = window_->cells();
    QSignalSpy runs(window_, &MainWindow::runCompleted);
    QSignalSpy ready(cells_, &CellViewPanel::cellsReady);
    window_->runPipeline();
    QVERIFY(runs.wait(300000));
    const auto outcome = qvariant_cast<RunOutcome>(runs.first().first());
    QVERIFY2(outcome.summary.ok(), qPrintable(window_->logText()));
    QVERIFY(ready.count() > 0 || ready.wait(60000));
    QVERIFY(cells_->hasCells());
    QVERIFY(!window_->findChild<QDockWidget*>("cellsDock")->visibleRegion().isEmpty());  // raised when cells came
  }

  void cleanupTestCase() { delete window_; }

  void colouredByClusterAnnotationQcAndGene() {
    const auto data = cells_->data();
    QCOMPARE(data->cells(), std::size_t{700});
    // Clusters: each point carries its cell's Leiden cluster.
    const plots::PlotModel& clusters = cells_->embeddingView()->model();
    const auto& leiden = labels();
    QCOMPARE(leiden.cells, data->barcodes());
    for (std::size_t i = 0; i < data->cells(); ++i)
      QCOMPARE(clusters.categories[static_cast<std::size_t>(clusters.points.category[i])].name.toStdString(),
               leiden.levels[static_cast<std::size_t>(leiden.codes[i])]);
    qInfo("%zu Leiden clusters", leiden.levels.size());

    // An annotation of the count file: the FACS-sorted populations with the counts the data set's README gives.
    QSignalSpy shown(cells_, &CellViewPanel::colouringShown);
    cells_->colourBy({Colouring::Kind::Annotation, "bulk_labels"});
    QVERIFY(shown.wait(30000));
    const std::map<std::string, int>& sorted = diffbio::test::pbmc68kSortedPopulations();
    QCOMPARE(categoryCounts(cells_->embeddingView()->model()), sorted);
    QVERIFY(cells_->colourChoice()->currentText().contains("bulk_labels"));

    // A QC metric: the values of the QC node's table, cell by cell.
    cells_->colourBy({Colouring::Kind::Qc, "n_genes_by_counts"});
    QVERIFY(shown.wait(30000));
    const auto& qc = window_->runner()->output("qc", "qc")->as<data::Table>();
    const auto& shownValues = cells_->embeddingView()->model().points.value;
    QCOMPARE(shownValues.size(), data->cells());
    for (std::size_t i = 0; i < data->cells(); ++i) {
      const auto row = static_cast<std::size_t>(
          std::find(qc.rowNames().begin(), qc.rowNames().end(), data->barcodes()[i]) - qc.rowNames().begin());
      QCOMPARE(shownValues[i], *qc.column("n_genes_by_counts").number(row));
    }

    // A gene, typed in lower case: the completer offers LYZ, and the colours carry its log-normalised values.
    QCOMPARE(cells_->geneCompleter()->model()->rowCount(), static_cast<int>(normalized().matrix.nGenes()));
    cells_->geneCompleter()->setCompletionPrefix("lyz");
    QVERIFY(cells_->geneCompleter()->completionCount() >= 1);
    QCOMPARE(cells_->geneCompleter()->currentCompletion(), QString("LYZ"));
    QVERIFY(!cells_->colourByGene("NOT_A_GENE"));
    QVERIFY(cells_->colourByGene("LYZ"));
    QVERIFY(shown.wait(30000));
    const auto& matrix = normalized().matrix;
    const auto g = std::find(matrix.geneNames().begin(), matrix.geneNames().end(), "LYZ") - matrix.geneNames().begin();
    const auto& lyz = cells_->embeddingView()->model().points.value;
    double highest = 0;
    for (std::size_t i = 0; i < data->cells(); ++i) {
      QCOMPARE(lyz[i], matrix.at(static_cast<std::int64_t>(i), g));
      highest = std::max(highest, lyz[i]);
    }
    QVERIFY(highest > 1);
  }

  void aClustersCellsGiveTheMarkersNodesResult() {
    const auto& leiden = labels();
    std::vector<std::size_t> cluster;
    for (std::size_t i = 0; i < leiden.codes.size(); ++i)
      if (leiden.codes[i] == 1) cluster.push_back(i);
    QVERIFY(selectAndWaitForMarkers(cluster));
    const auto& ours = *cells_->markers();
    // The markers node tested every cluster against the rest; its table lists the top 100 genes of cluster "1".
    const auto& node = window_->runner()->output("markers", "markers")->as<data::Table>();
    const auto& genes = normalized().matrix.geneNames();
    int compared = 0;
    for (std::size_t r = 0; r < node.nRows(); ++r) {
      if (node.column("group").text(r) != "1") continue;
      // By gene: the same score and adjusted p; by rank: the same score (genes whose scores tie to ~1e-15 could
      // swap places between the two computations).
      const auto rank = static_cast<std::size_t>(*node.column("rank").number(r)) - 1;  // 1-based in the table
      const auto gene = std::find(genes.begin(), genes.end(), node.column("gene").text(r)) - genes.begin();
      QVERIFY(std::abs(ours.scores[gene] - *node.column("score").number(r)) < 1e-9);
      QVERIFY(std::abs(ours.scores[ours.order[rank]] - *node.column("score").number(r)) < 1e-9);
      const double padj = *node.column("pval_adj").number(r);
      QVERIFY(std::abs(ours.pvaluesAdjusted[gene] - padj) <= 1e-9 * std::max(padj, 1e-300) + 1e-300);
      ++compared;
    }
    QCOMPARE(compared, 100);
    // The table and the volcano show them: the table has every gene, best first.
    TablePanel* table = cells_->markerTable();
    QCOMPARE(table->visibleRows(), static_cast<int>(genes.size()));
    QCOMPARE(table->proxy()->tableModel()->table().rowNames().front(), genes[static_cast<std::size_t>(ours.order.front())]);
    QCOMPARE(cells_->markerVolcano()->model().points.count(), genes.size());

    // The dot plot: the 12 best markers in "selected" and every cluster; its fractions are the markers' pct_in.
    const auto& dots = cells_->markerDots()->model();
    QCOMPARE(dots.xCategories.size(), std::size_t{12});
    QCOMPARE(dots.yCategories.size(), labels().levels.size() + 1);
    int dotRows = 0;
    for (const QStringList& row : dots.table.rows) {
      if (row[1] != "selected") continue;
      const auto g = std::find(genes.begin(), genes.end(), row[0].toStdString()) - genes.begin();
      QVERIFY(std::abs(row[2].toDouble() - ours.fractionIn[static_cast<std::size_t>(g)]) < 1e-9);
      QCOMPARE(row[4].toInt(), static_cast<int>(cluster.size()));
      ++dotRows;
    }
    QCOMPARE(dotRows, 12);
    // The violin shows the gene the cells are coloured by (LYZ, since the colouring test), selection first.
    QCOMPARE(cells_->violinGene(), QString("LYZ"));
    QCOMPARE(cells_->violin()->model().table.rows.front()[0], QString("selected"));
    QCOMPARE(cells_->violin()->model().table.rows.front()[1].toInt(), static_cast<int>(cluster.size()));
    {
      // The selected cells' median of the violin's gene, computed here.
      const std::string gene = cells_->violinGene().toStdString();
      const auto g = std::find(genes.begin(), genes.end(), gene) - genes.begin();
      std::vector<double> values;
      for (std::size_t i : cluster) values.push_back(normalized().matrix.at(static_cast<std::int64_t>(i), g));
      std::sort(values.begin(), values.end());
      const std::size_t n = values.size();
      const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
      QVERIFY(std::abs(cells_->violin()->model().table.rows.front()[2].toDouble() - median) < 1e-9);
      qInfo("violin of %s: median %.4f in the %zu selected cells", gene.c_str(), median, n);
    }

    // Marker table <-> volcano: the ten best rows are the volcano's selection.
    table->view()->selectionModel()->select(
        QItemSelection(table->proxy()->index(0, 0), table->proxy()->index(9, table->proxy()->columnCount() - 1)),
        QItemSelectionModel::ClearAndSelect);
    std::set<QString> selected, best;
    for (std::size_t i : cells_->markerVolcano()->selection()) selected.insert(cells_->markerVolcano()->model().points.names[i]);
    for (std::size_t k = 0; k < 10; ++k) best.insert(QString::fromStdString(genes[static_cast<std::size_t>(ours.order[k])]));
    QCOMPARE(selected, best);
  }

  void lassoGivesTheMarkersOfTheCellsInside() {
    plots::PlotView* view = cells_->embeddingView();
    view->finishRendering();
    const auto range = view->viewRange();
    // A quadrilateral over the left part of the embedding.
    const double w = range.xMax - range.xMin, h = range.yMax - range.yMin;
    QPainterPath lasso;
    lasso.moveTo(view->widgetPosition(range.xMin, range.yMin));
    lasso.lineTo(view->widgetPosition(range.xMin + 0.45 * w, range.yMin + 0.1 * h));
    lasso.lineTo(view->widgetPosition(range.xMin + 0.4 * w, range.yMax));
    lasso.lineTo(view->widgetPosition(range.xMin, range.yMax));
    lasso.closeSubpath();
    const auto data = cells_->data();
    const auto& umap = window_->runner()->output("umap", "embedding")->as<sc::CellEmbedding>();
    std::vector<std::size_t> inside;
    std::vector<std::uint8_t> inGroup(data->cells(), 0), inRest(data->cells(), 1);
    for (std::size_t i = 0; i < data->cells(); ++i)
      if (lasso.contains(view->widgetPosition(umap.values(static_cast<Eigen::Index>(i), 0), umap.values(static_cast<Eigen::Index>(i), 1)))) {
        inside.push_back(i);
        inGroup[i] = 1;
        inRest[i] = 0;
      }
    qInfo("lasso: %zu of 700 cells", inside.size());
    QVERIFY(inside.size() > 20 && inside.size() < 680);
    QVERIFY(selectAndWaitForMarkers(view->pointsInWidgetPath(lasso)));
    QCOMPARE(view->selection(), inside);
    const sc::MarkerComparison direct = sc::markersTwoGroups(normalized().matrix, inGroup, inRest, "lasso", "rest");
    const auto& ours = *cells_->markers();
    QCOMPARE(ours.order, direct.order);
    for (std::size_t g = 0; g < direct.scores.size(); ++g) QCOMPARE(ours.scores[g], direct.scores[g]);
  }

  void sortedMonocytesFindMonocyteGenes() {
    const auto& obs = normalized().obs;
    const auto& bulk = obs.column("bulk_labels");
    std::vector<std::size_t> monocytes;
    for (std::size_t i = 0; i < obs.nRows(); ++i)
      if (bulk.text(i) == "CD14+ Monocyte") monocytes.push_back(i);
    QCOMPARE(monocytes.size(), std::size_t{129});
    QVERIFY(selectAndWaitForMarkers(monocytes));
    const auto& ours = *cells_->markers();
    const auto& genes = normalized().matrix.geneNames();
    QStringList top;
    for (std::size_t k = 0; k < 10; ++k) top << QString::fromStdString(genes[static_cast<std::size_t>(ours.order[k])]);
    qInfo("CD14+ monocytes vs the rest, top 10: %s", qPrintable(top.join(", ")));
    int known = 0;
    // Monocyte / myeloid marker genes of the literature (CD14, LYZ, S100A8/9, FCN1, CST3, FCER1G, TYROBP, LST1,
    // AIF1, FCGR3A (CD16), CD68, MS4A7, PSAP, FTL, CFD, SERPINA1).
    for (const char* gene : {"LYZ", "S100A8", "S100A9", "CST3", "FCN1", "FCER1G", "TYROBP", "LGALS2", "CD14", "LST1",
                             "AIF1", "FCGR3A", "CD68", "MS4A7", "PSAP", "FTL", "CFD", "SERPINA1"})
      known += top.contains(gene);
    QVERIFY2(known >= 3, qPrintable(top.join(", ")));
  }

  void labelsAndEmbeddingExport() {
    const auto data = cells_->data();
    const auto selected = cells_->embeddingView()->selection();
    QVERIFY(!selected.empty());
    const auto& umap = window_->runner()->output("umap", "embedding")->as<sc::CellEmbedding>();
    const std::string csv = (out_ / "cells.csv").string();
    auto done = cells_->exportCells(QString::fromStdString(csv));
    done.waitForFinished();
    QCOMPARE(done.result(), QString());
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);
    QCOMPARE(line, std::string("barcode,UMAP1,UMAP2,cluster,in_selection"));
    std::size_t rows = 0, inSelection = 0;
    while (std::getline(in, line)) {
      const QStringList fields = QString::fromStdString(line).split(',');
      QCOMPARE(fields.size(), 5);
      QCOMPARE(fields[0].toStdString(), data->barcodes()[rows]);
      QCOMPARE(fields[1].toDouble(), umap.values(static_cast<Eigen::Index>(rows), 0));
      QCOMPARE(fields[3].toStdString(), labels().levels[static_cast<std::size_t>(labels().codes[rows])]);
      inSelection += fields[4] == "true" || fields[4] == "TRUE" || fields[4] == "1";
      ++rows;
    }
    QCOMPARE(rows, std::size_t{700});
    QCOMPARE(inSelection, selected.size());

    const std::string h5ad = (out_ / "cells.h5ad").string();
    auto written = cells_->exportCells(QString::fromStdString(h5ad));
    written.waitForFinished();
    QCOMPARE(written.result(), QString());
    io::CountReadOptions options;
    options.h5adMatrix = "X";
    const io::LoadedCounts back = io::readH5ad(h5ad, options);
    QCOMPARE(back.matrix.obsNames(), data->barcodes());
    QVERIFY(back.matrix.sameValues(normalized().matrix));
    std::map<std::string, Eigen::MatrixXd> obsm;
    for (const auto& [name, values] : back.obsm) obsm[name] = values;
    QVERIFY(obsm.count("X_umap") && obsm.count("X_pca"));
    QVERIFY(obsm["X_umap"].isApprox(umap.values, 0));
    QVERIFY(back.obs.find("leiden") && back.obs.find("bulk_labels") && back.obs.find("in_selection"));
    QCOMPARE(back.obs.column("leiden").text(0), labels().levels[static_cast<std::size_t>(labels().codes[0])]);
  }

  // 10x data name genes by Ensembl ID and carry symbols: people search, read tables and volcanoes by symbol.
  void tenXGenesGoBySymbol() {
    pipeline::Graph graph = pipeline::readPipelineFile((resourcesDir() + "/pipelines/single_cell.json").toStdString());
    graph.setParameter("counts", "path",
                       test::sharedData("sc_10x_format_samples_scanpy/10x_data/3.0.0/filtered_feature_bc_matrix"));
    pipeline::Executor executor;
    executor.setOutputFolder(test::scratchDir("widgets_cell_view_10x"));
    CancelToken cancel;
    QVERIFY(executor.run(graph, cancel).ok());
    CellSources sources;
    sources.embedding = executor.output("umap", "embedding");
    sources.labels = executor.output("leiden", "labels");
    sources.counts = executor.output("normalize", "counts");
    const CellData data(sources);
    const auto& counts = sources.counts->as<io::LoadedCounts>();
    const auto& symbols = counts.var.column("gene_symbols");
    QVERIFY(counts.matrix.geneNames()[0].rfind("ENSG", 0) == 0);
    QCOMPARE(data.genes()[0].toStdString(), symbols.text(0));
    const std::vector<double> values = data.expression(symbols.text(0));
    for (std::size_t i = 0; i < data.cells(); ++i) QCOMPARE(values[i], counts.matrix.at(static_cast<std::int64_t>(i), 0));
    std::vector<std::size_t> firstCluster;
    const auto& labels = sources.labels->as<sc::CellLabels>();
    for (std::size_t i = 0; i < labels.codes.size(); ++i)
      if (labels.codes[i] == 0) firstCluster.push_back(i);
    const auto markers = data.markers(firstCluster);
    const data::Table table = data.markerTable(markers);
    const auto best = static_cast<std::size_t>(markers.order.front());
    QCOMPARE(table.rowNames().front(), symbols.text(best));
    QCOMPARE(table.column("gene_id").text(0), counts.matrix.geneNames()[best]);
    qInfo("10x v3 sample, cluster 0 (%zu cells): best marker %s (%s)", firstCluster.size(), table.rowNames().front().c_str(),
          counts.matrix.geneNames()[best].c_str());
  }

  void screenshot() {
    cells_->colourBy({Colouring::Kind::Cluster, {}});
    QVERIFY(waitFor(cells_, SIGNAL(colouringShown())));
    cells_->embeddingView()->finishRendering();
    cells_->markerVolcano()->finishRendering();
    const QString file = QString::fromStdString((out_ / "cells_window.png").string());
    QVERIFY(window_->grab().save(file));
    QVERIFY(cells_->grab().save(QString::fromStdString((out_ / "cells_panel.png").string())));
    auto* tabs = cells_->findChild<QTabWidget*>();
    QVERIFY(tabs);
    for (int tab : {1, 2}) {
      tabs->setCurrentIndex(tab);
      cells_->markerDots()->finishRendering();
      cells_->violin()->finishRendering();
      QVERIFY(cells_->grab().save(QString::fromStdString((out_ / ("cells_panel_tab" + std::to_string(tab) + ".png")).string())));
    }
    qInfo("screenshot: %s", qPrintable(file));
  }
};

QTEST_MAIN(CellViewTest)
#include "test_cell_view.moc"

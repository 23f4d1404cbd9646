// `diffbio sc`: the standard single-cell analysis of a count matrix (10x directory or HDF5, h5ad, MatrixMarket):
// QC, normalisation, highly variable genes, PCA, neighbours, Leiden clusters, UMAP and Wilcoxon markers, written
// as tables, an h5ad and a figure. Every number comes from core/singlecell/pipeline.h (shared with the operator).

#include <chrono>
#include <filesystem>
#include <iostream>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "core/io/count_readers.h"
#include "core/io/h5ad.h"
#include "core/io/table_writer.h"
#include "core/singlecell/normalize.h"
#include "core/singlecell/pipeline.h"
#include "core/util/error.h"
#include "core/util/heap_reuse.h"
#include "core/util/stage_profile.h"
#include "plots/embedding_plot.h"
#include "plots/figure_export.h"
#include "plots/marker_dot_plot.h"
#include "plots/offscreen_gui.h"

namespace diffbio::cli {

namespace {

constexpr const char* kHelp =
    "usage: diffbio sc --in PATH --out DIR [options]\n\n"
    "Single-cell analysis with scanpy's definitions: QC metrics, filters, normalize_total (1e4) + log1p, highly\n"
    "variable genes, scaling (clip 10), PCA, kNN (exact, or HNSW above 20,000 cells), UMAP's fuzzy graph, Leiden\n"
    "clusters, UMAP layout and Wilcoxon markers per cluster. PATH: a 10x folder or .h5, an .h5ad or a .mtx.\n\n"
    "  --resolution R       Leiden resolution (default 1)\n"
    "  --n-pcs N            principal components (default 50; capped for small inputs)\n"
    "  --n-neighbors K      neighbours including the cell itself (default 15; capped for small inputs)\n"
    "  --seed S             random seed for PCA, Leiden and UMAP (default 0)\n"
    "  --n-top-genes N      highly variable genes (default 2000)\n"
    "  --hvg-flavor F       seurat (default) | cell_ranger | seurat_v3 (Seurat's vst, on the raw counts)\n"
    "  --min-genes N        keep cells with at least N genes detected (default 0)\n"
    "  --min-counts N       keep cells with at least N counts (default 0)\n"
    "  --max-pct-mito P     keep cells with at most P % mitochondrial counts (default 100)\n"
    "  --min-cells N        keep genes detected in at least N cells (default 1)\n"
    "  --n-markers N        marker genes listed per cluster (default 100; 0 = all)\n"
    "  --genome G           10x HDF5 with several genomes: which one\n"
    "  --no-figures         skip umap_clusters.png and marker_dots.png\n\n"
    "Writes into DIR: clusters.tsv, umap.tsv, markers.tsv, qc.tsv, result.h5ad (X = counts of the kept cells and\n"
    "genes; obs clusters and QC; var highly_variable; obsm X_pca, X_umap), umap_clusters.png and marker_dots.png.\n";

double number(const Arguments& parsed, const std::string& name, double fallback, double low, double high) {
  const auto text = parsed.value(name);
  if (!text) return fallback;
  double value = 0;
  try {
    std::size_t used = 0;
    value = std::stod(*text, &used);
    if (used != text->size()) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw UsageError("--" + name + " takes a number, got '" + *text + "'");
  }
  if (!(value >= low && value <= high))
    throw UsageError("--" + name + " must be between " + data::formatNumber(low) + " and " + data::formatNumber(high));
  return value;
}

data::Table clusterTable(const std::vector<std::string>& barcodes, const std::vector<std::int32_t>& membership) {
  data::Table t(barcodes);
  t.indexName = "barcode";
  std::vector<std::int64_t> cluster(membership.begin(), membership.end());
  t.addColumn(data::Column("cluster", std::move(cluster)));
  return t;
}

data::Table umapTable(const std::vector<std::string>& barcodes, const Eigen::MatrixXd& umap) {
  data::Table t(barcodes);
  t.indexName = "barcode";
  std::vector<double> x(umap.rows()), y(umap.rows());
  for (Eigen::Index i = 0; i < umap.rows(); ++i) {
    x[i] = umap(i, 0);
    y[i] = umap.cols() > 1 ? umap(i, 1) : 0.0;
  }
  t.addColumn(data::Column("x", std::move(x)));
  t.addColumn(data::Column("y", std::move(y)));
  return t;
}

data::Table qcTable(const data::CountMatrix& counts, const sc::PipelineResult& r) {
  data::Table t = sc::cellQcTable(counts, r.qc);
  std::vector<std::uint8_t> kept(counts.nObs(), 0);
  for (auto i : r.keptCells) kept[i] = 1;
  t.addColumn(data::Column::boolean("passed_qc", std::move(kept)));
  return t;
}

std::vector<std::string> subsetNames(const std::vector<std::string>& names, const std::vector<std::int64_t>& keep) {
  std::vector<std::string> out;
  out.reserve(keep.size());
  for (auto i : keep) out.push_back(names[i]);
  return out;
}

io::LoadedCounts resultAnnData(const data::CountMatrix& counts, const sc::PipelineResult& r) {
  io::LoadedCounts out;
  const bool allCells = r.keptCells.size() == static_cast<std::size_t>(counts.nObs());
  const bool allGenes = r.keptGenes.size() == static_cast<std::size_t>(counts.nGenes());
  // The kept genes are copied in parallel (sc::selectGenesParallel): the copy of a 2,700-cell matrix was a tenth
  // of the run.
  if (allCells) out.matrix = allGenes ? counts : sc::selectGenesParallel(counts, r.keptGenes);
  else out.matrix = allGenes ? counts.selectObs(r.keptCells) : sc::selectGenesParallel(counts.selectObs(r.keptCells), r.keptGenes);
  const auto& barcodes = out.matrix.obsNames();
  out.obs = data::Table(barcodes);
  std::vector<std::string> clusterText;
  for (auto c : r.clusters.membership) clusterText.push_back(std::to_string(c));
  std::vector<std::string> levels;
  for (int c = 0; c < r.clusters.nClusters; ++c) levels.push_back(std::to_string(c));
  out.obs.addColumn(data::Column("clusters", data::makeCategorical(clusterText, levels)));
  std::vector<double> total, mito;
  std::vector<std::int64_t> genes;
  for (auto i : r.keptCells) {
    total.push_back(r.qc.totalCounts[i]);
    genes.push_back(r.qc.genesDetected[i]);
    mito.push_back(r.qc.pctMito[i]);
  }
  out.obs.addColumn(data::Column("total_counts", std::move(total)));
  out.obs.addColumn(data::Column("n_genes_by_counts", std::move(genes)));
  out.obs.addColumn(data::Column("pct_counts_mt", std::move(mito)));
  out.var = data::Table(out.matrix.geneNames());
  std::vector<std::uint8_t> hvg(out.matrix.nGenes(), 0);
  for (auto g : r.hvgGenes) hvg[g] = 1;
  out.var.addColumn(data::Column::boolean("highly_variable", std::move(hvg)));
  // The flavour's per-gene statistics (scanpy's column names); highly_variable above is the set PCA used.
  const data::Table hvgColumns = sc::hvgTable(r.hvg, out.matrix.geneNames());
  for (const auto& column : hvgColumns.columns())
    if (column.name() != "highly_variable") out.var.addColumn(column);
  out.obsm.emplace_back("X_pca", r.pca.scores);
  out.obsm.emplace_back("X_umap", r.umap);
  return out;
}

void writeFigure(const std::vector<std::string>& barcodes, const sc::PipelineResult& r, const std::string& path) {
  plots::ensureGuiApplication();  // fonts for painting text; offscreen without a display
  plots::Embedding embedding;
  embedding.names = barcodes;
  for (Eigen::Index i = 0; i < r.umap.rows(); ++i) {
    embedding.x.push_back(r.umap(i, 0));
    embedding.y.push_back(r.umap.cols() > 1 ? r.umap(i, 1) : 0.0);
  }
  std::vector<std::string> labels;
  for (auto c : r.clusters.membership) labels.push_back(std::to_string(c));
  plots::EmbeddingOptions options;
  options.title = QStringLiteral("Leiden clusters");
  plots::exportFigure(plots::embeddingByCategory(embedding, labels, QStringLiteral("cluster"), options), path);
}

// The top three markers of every cluster as a dot plot: fraction expressing and mean expression per cluster.
void writeMarkerDots(const sc::PipelineResult& r, const std::string& path) {
  const auto clusters = plots::numberedClusters(r.clusters.membership, r.clusters.nClusters);
  const auto genes = plots::topMarkerGenes(sc::markerTable(r.markers, r.logNormalized.geneNames(), 3), 3);
  plots::exportFigure(plots::markerDotPlot(plots::markerDotStatistics(r.logNormalized, clusters, genes)), path,
                      plots::FigureSize{180, 120, 300});
}

}  // namespace

int runSc(const std::vector<std::string>& args) {
  const Arguments parsed(args,
                         {"in", "out", "resolution", "n-pcs", "n-neighbors", "seed", "n-top-genes", "hvg-flavor",
                          "min-genes", "min-counts", "max-pct-mito", "min-cells", "n-markers", "genome"},
                         {"no-figures", "help"});
  if (parsed.flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  for (const char* required : {"in", "out"})
    if (!parsed.has(required)) throw UsageError(std::string("--") + required + " is required");
  if (!parsed.positional().empty()) throw UsageError("unexpected argument '" + parsed.positional().front() + "'");

  sc::PipelineOptions options;
  options.resolution = number(parsed, "resolution", 1.0, 1e-6, 1e6);
  options.nPcs = static_cast<int>(number(parsed, "n-pcs", 50, 1, 1000));
  options.nNeighbors = static_cast<int>(number(parsed, "n-neighbors", 15, 2, 1000));
  options.seed = static_cast<std::uint64_t>(number(parsed, "seed", 0, 0, 4294967295.0));
  options.nTopGenes = static_cast<std::int64_t>(number(parsed, "n-top-genes", 2000, 2, 1e9));
  options.cellFilter.minGenes = static_cast<std::int64_t>(number(parsed, "min-genes", 0, 0, 1e9));
  options.cellFilter.minCounts = number(parsed, "min-counts", 0, 0, 1e15);
  options.cellFilter.maxPctMito = number(parsed, "max-pct-mito", 100, 0, 100);
  options.geneFilter.minCells = static_cast<std::int64_t>(number(parsed, "min-cells", 1, 0, 1e9));
  const auto nMarkers = static_cast<std::int64_t>(number(parsed, "n-markers", 100, 0, 1e9));
  try {
    options.hvgFlavor = sc::parseHvgFlavor(parsed.value("hvg-flavor", "seurat"));
  } catch (const InputError& e) {
    throw UsageError("--hvg-flavor: " + e.problem() + "; " + e.fix());
  }

  // The analysis copies matrices of tens of MB (normalised values, their gene-major view, dense scaled genes):
  // freed ones are reused rather than mapped fresh (a third of the 2,700-cell run on this VM was page faults).
  keepLargeBuffersForReuse();
  const auto started = std::chrono::steady_clock::now();
  const std::string input = *parsed.value("in");
  const std::filesystem::path out = *parsed.value("out");
  io::CountReadOptions readOptions;
  readOptions.genome = parsed.value("genome", "");
  const io::LoadedCounts loaded = io::readCounts(input, readOptions);
  for (const auto& note : loaded.notes) std::cerr << "note: " << note << "\n";
  const auto readSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const sc::PipelineResult result = [&] {
    try {
      return sc::runPipeline(loaded.matrix, options);
    } catch (const InputError& error) {
      if (!error.where().file.empty()) throw;
      throw InputError({input}, error.problem(), error.fix());  // the analysis' errors are about this input
    }
  }();
  for (const auto& note : result.notes) std::cerr << "note: " << note << "\n";

  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  if (ec || !std::filesystem::is_directory(out))
    throw InputError({out.string()}, "cannot create the output folder: " + ec.message(),
                     "choose a folder you can write to");
  // Everything is computed before the first file is written; each file appears atomically.
  const auto barcodes = subsetNames(loaded.matrix.obsNames(), result.keptCells);
  {
    const ScopedStage stage("sc: write tables");
    io::writeTable(clusterTable(barcodes, result.clusters.membership), (out / "clusters.tsv").string());
    io::writeTable(umapTable(barcodes, result.umap), (out / "umap.tsv").string());
    io::writeTable(sc::markerTable(result.markers, result.logNormalized.geneNames(), nMarkers),
                   (out / "markers.tsv").string());
    io::writeTable(qcTable(loaded.matrix, result), (out / "qc.tsv").string());
  }
  {
    const ScopedStage stage("sc: write result.h5ad");
    const io::LoadedCounts annData = [&] {
      const ScopedStage assemble("sc: assemble result.h5ad");
      return resultAnnData(loaded.matrix, result);
    }();
    io::writeH5ad(annData, (out / "result.h5ad").string());
  }
  if (!parsed.flag("no-figures")) {
    const ScopedStage stage("sc: write figures");
    writeFigure(barcodes, result, (out / "umap_clusters.png").string());
    if (!result.markers.empty()) writeMarkerDots(result, (out / "marker_dots.png").string());
  }

  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << result.keptCells.size() << " of " << loaded.matrix.nObs() << " cells, " << result.keptGenes.size()
            << " of " << loaded.matrix.nGenes() << " genes; " << result.hvgGenes.size() << " highly variable; "
            << result.pca.scores.cols() << " PCs; " << result.knn.k << " neighbours; " << result.clusters.nClusters
            << " clusters (modularity " << result.clusters.modularity << ")\n";
  std::cout << "seconds: read " << readSeconds;
  for (const auto& [step, seconds] : result.seconds) std::cout << ", " << step << " " << seconds;
  std::cout << "; total " << total << "\n";
  std::cout << "wrote clusters.tsv, umap.tsv, markers.tsv, qc.tsv, result.h5ad"
            << (parsed.flag("no-figures") ? "" : ", umap_clusters.png, marker_dots.png") << " to " << out.string()
            << "\n";
  return 0;
}

}  // namespace diffbio::cli

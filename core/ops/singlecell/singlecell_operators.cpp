// Each node is one step of core/singlecell, so changing e.g. the Leiden resolution re-runs only the clustering and
// what follows. Composed in order they compute what `diffbio sc` computes (the same functions and defaults).
#include "core/ops/singlecell/singlecell_operators.h"

#include <cmath>

#include "core/io/loaded_counts.h"
#include "core/ops/registry.h"
#include "core/singlecell/cell_values.h"
#include "core/singlecell/fuzzy_graph.h"
#include "core/singlecell/hvg.h"
#include "core/singlecell/leiden.h"
#include "core/singlecell/markers.h"
#include "core/singlecell/normalize.h"
#include "core/singlecell/pca.h"
#include "core/singlecell/qc.h"
#include "core/singlecell/scale.h"
#include "core/singlecell/simulator.h"
#include "core/singlecell/umap_layout.h"
#include "core/util/error.h"

namespace diffbio::ops {

namespace {

const char* kCategory = "Single-cell";

const io::LoadedCounts& countsOf(const OperatorInputs& in) { return in.get<io::LoadedCounts>("counts"); }

void requireSameCells(const std::vector<std::string>& a, const std::vector<std::string>& b, const std::string& what) {
  if (a != b)
    throw InputError({}, what + " describe different cells (" + std::to_string(a.size()) + " and " +
                             std::to_string(b.size()) + ")",
                     "connect outputs computed from the same count matrix");
}

io::LoadedCounts withMatrix(const io::LoadedCounts& from, data::CountMatrix matrix, const std::vector<std::int64_t>* cells,
                            const std::vector<std::int64_t>* genes, std::string source) {
  io::LoadedCounts out;
  out.format = from.format;
  out.matrix = std::move(matrix);
  if (cells) {
    std::vector<std::size_t> rows(cells->begin(), cells->end());
    out.obs = from.obs.nColumns() > 0 ? from.obs.selectRows(rows) : data::Table(out.matrix.obsNames());
  } else {
    out.obs = from.obs;
  }
  if (genes) {
    std::vector<std::size_t> rows(genes->begin(), genes->end());
    out.var = from.var.nColumns() > 0 ? from.var.selectRows(rows) : data::Table(out.matrix.geneNames());
  } else {
    out.var = from.var;
  }
  if (!cells) out.obsm = from.obsm;
  out.matrixSource = std::move(source);
  return out;
}

class QcOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& loaded = countsOf(in);
    const data::CountMatrix counts = sc::asSparse(loaded.matrix);
    const sc::CellQc qc = sc::cellQc(counts);
    sc::CellFilter cellFilter;
    cellFilter.minGenes = p.integer("min_genes");
    cellFilter.minCounts = p.real("min_counts");
    cellFilter.maxPctMito = p.real("max_pct_mito");
    const auto cells = sc::passingCells(qc, cellFilter);
    if (cells.empty())
      throw InputError({}, "no cell passes the filters", "lower min_genes / min_counts or raise max_pct_mito");
    context.checkCancelled();
    const data::CountMatrix kept = counts.selectObs(cells);
    sc::GeneFilter geneFilter;
    geneFilter.minCells = p.integer("min_cells");
    const auto genes = sc::passingGenes(sc::geneQc(kept), geneFilter);
    if (genes.empty()) throw InputError({}, "no gene passes the filter", "lower min_cells");
    data::Table table = sc::cellQcTable(counts, qc);
    std::vector<std::uint8_t> passed(counts.nObs(), 0);
    for (auto i : cells) passed[i] = 1;
    table.addColumn(data::Column::boolean("passed_qc", std::move(passed)));
    return {{"counts", Value::make(PortType::SingleCellCounts,
                                   withMatrix(loaded, kept.selectGenes(genes), &cells, &genes, loaded.matrixSource))},
            {"qc", Value::make(PortType::Table, std::move(table))}};
  }
};

class NormalizeOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext&) override {
    const auto& loaded = countsOf(in);
    return {{"counts", Value::make(PortType::SingleCellCounts,
                                   withMatrix(loaded, sc::logNormalize(loaded.matrix, p.real("target_sum")), nullptr,
                                              nullptr, "log1p(normalize_total)"))}};
  }
};

class HvgOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext&) override {
    const auto& loaded = countsOf(in);
    sc::HvgOptions options;
    options.flavor = sc::parseHvgFlavor(p.text("flavor"));
    options.nTopGenes = p.integer("n_top_genes");
    options.minMean = p.real("min_mean");
    options.maxMean = p.real("max_mean");
    options.minDisp = p.real("min_disp");
    options.span = p.real("span");
    const std::string batchKey = p.text("batch_key");
    if (!batchKey.empty()) {
      if (options.flavor != sc::HvgFlavor::SeuratV3)
        throw InputError({}, "batch_key is used by the seurat_v3 flavour only",
                         "choose flavor seurat_v3, or clear batch_key");
      options.batches = sc::hvgBatchCodes(loaded.obs, batchKey);
    }
    const sc::HvgResult r = sc::highlyVariableGenes(loaded.matrix, options);
    return {{"genes", Value::make(PortType::Table, sc::hvgTable(r, loaded.matrix.geneNames()))}};
  }
};

class PcaOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    const auto& loaded = countsOf(in);
    const auto& m = loaded.matrix;
    std::vector<std::int64_t> genes;
    if (in.has("genes")) {
      const auto& t = in.get<data::Table>("genes");
      const auto* flag = t.find("highly_variable");
      if (!flag || flag->type() != data::ColumnType::Bool)
        throw InputError({}, "the gene table has no true/false column 'highly_variable'",
                         "connect the output of the highly-variable-genes node");
      if (t.rowNames() != m.geneNames())
        throw InputError({}, "the gene table lists other genes than the matrix", "connect tables of the same matrix");
      for (std::size_t g = 0; g < t.nRows(); ++g)
        if (flag->bools()[g]) genes.push_back(static_cast<std::int64_t>(g));
    } else {
      for (std::int64_t g = 0; g < m.nGenes(); ++g) genes.push_back(g);
    }
    if (genes.empty()) throw InputError({}, "no gene is selected for PCA", "select highly variable genes first");
    sc::ScaleOptions scale;
    scale.maxValue = p.real("max_value");
    const sc::DenseF scaled = sc::scaleGenes(m, genes, scale);
    context.checkCancelled();
    sc::PcaOptions options;
    options.nComponents = static_cast<int>(p.integer("n_pcs"));
    options.seed = static_cast<std::uint64_t>(p.integer("seed"));
    sc::PcaResult r = sc::pca(scaled, options);
    sc::CellEmbedding e;
    e.name = "X_pca";
    e.cells = m.obsNames();
    e.values = std::move(r.scores);
    for (auto g : genes) e.genes.push_back(m.geneNames()[g]);
    e.loadings = std::move(r.loadings);
    return {{"embedding", Value::make(PortType::Embedding, std::move(e))}};
  }
};

class NeighborsOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext&) override {
    const auto& e = in.get<sc::CellEmbedding>("embedding");
    sc::KnnOptions options;
    options.k = static_cast<int>(std::min<std::int64_t>(p.integer("n_neighbors"), e.values.rows()));
    const std::string method = p.text("method");
    options.method = method == "exact" ? sc::KnnMethod::Exact : method == "hnsw" ? sc::KnnMethod::Hnsw : sc::KnnMethod::Auto;
    sc::NeighbourGraph g;
    g.cells = e.cells;
    const auto dims = std::min<Eigen::Index>(e.values.cols(), p.integer("n_dims") > 0 ? p.integer("n_dims") : e.values.cols());
    g.knn = sc::nearestNeighbors(e.values.leftCols(dims), options);
    g.graph = sc::fuzzySimplicialSet(g.knn);
    return {{"graph", Value::make(PortType::CellGraph, std::move(g))}};
  }
};

class LeidenOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext&) override {
    const auto& g = in.get<sc::NeighbourGraph>("graph");
    sc::LeidenOptions options;
    options.resolution = p.real("resolution");
    options.seed = static_cast<std::uint64_t>(p.integer("seed"));
    const sc::LeidenResult r = sc::leiden(g.graph, options);
    sc::CellLabels labels;
    labels.name = "leiden";
    labels.cells = g.cells;
    labels.codes = r.membership;
    for (int c = 0; c < r.nClusters; ++c) labels.levels.push_back(std::to_string(c));
    data::Table table = sc::labelTable(labels);
    return {{"labels", Value::make(PortType::Labels, std::move(labels))},
            {"table", Value::make(PortType::Table, std::move(table))}};
  }
};

class UmapOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext&) override {
    const auto& g = in.get<sc::NeighbourGraph>("graph");
    sc::UmapOptions options;
    options.minDist = p.real("min_dist");
    options.spread = p.real("spread");
    options.epochs = static_cast<int>(p.integer("epochs"));
    options.seed = static_cast<std::uint64_t>(p.integer("seed"));
    sc::CellEmbedding e;
    e.name = "X_umap";
    e.cells = g.cells;
    e.values = sc::umapLayout(g.graph, options);
    data::Table table = sc::embeddingTable(e, "UMAP");
    return {{"embedding", Value::make(PortType::Embedding, std::move(e))},
            {"table", Value::make(PortType::Table, std::move(table))}};
  }
};

class MarkersOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext&) override {
    const auto& loaded = countsOf(in);
    const auto& labels = in.get<sc::CellLabels>("labels");
    requireSameCells(loaded.matrix.obsNames(), labels.cells, "the matrix and the labels");
    sc::MarkerOptions options;
    options.tieCorrect = p.flag("tie_correct");
    const auto comparisons = sc::markersVersusRest(loaded.matrix, labels.codes, labels.levels, options);
    return {{"markers", Value::make(PortType::Table, sc::markerTable(comparisons, loaded.matrix.geneNames(),
                                                                     p.integer("n_genes")))}};
  }
};

class SimulateOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs&, const ParameterValues& p, RunContext&) override {
    sc::SimulationOptions options;
    options.nCells = p.integer("cells");
    options.nGenes = p.integer("genes");
    options.nGroups = static_cast<int>(p.integer("groups"));
    options.nBatches = static_cast<int>(p.integer("batches"));
    options.deProb = p.real("de_prob");
    options.libLoc = std::log(p.real("library_size"));
    options.dropout = p.flag("dropout");
    options.seed = static_cast<std::uint64_t>(p.integer("seed"));
    sc::Simulation sim = sc::simulateCounts(options);
    io::LoadedCounts counts;
    counts.matrix = std::move(sim.counts);
    counts.obs = sim.cells;
    counts.var = sim.genes;
    counts.matrixSource = "Splatter-like simulation (seed " + std::to_string(options.seed) + ")";
    return {{"counts", Value::make(PortType::SingleCellCounts, std::move(counts))},
            {"cells", Value::make(PortType::Table, std::move(sim.cells))}};
  }
};

void registerSpecs(Registry& r) {
  const PortSpec kCountsIn{"counts", PortType::Counts, true, "cells x genes"};
  r.registerOperator(
      {"sc.qc", "QC and filters", kCategory,
       "Per-cell QC metrics (total counts, genes detected, % mitochondrial by the MT-/mt- prefix, % ribosomal "
       "RPS/RPL) and the usual filters: cells by genes detected, counts and % mitochondrial, then genes by the "
       "number of cells that detect them.",
       {kCountsIn},
       {{"counts", PortType::SingleCellCounts, true, "the cells and genes that pass"},
        {"qc", PortType::Table, true, "QC metrics of every input cell, with passed_qc"}},
       {intParameter("min_genes", 0, "keep cells with at least this many genes detected").atLeast(0),
        floatParameter("min_counts", 0, "keep cells with at least this many counts").atLeast(0),
        floatParameter("max_pct_mito", 100, "keep cells with at most this % of mitochondrial counts").range(0, 100),
        intParameter("min_cells", 1, "keep genes detected in at least this many cells").atLeast(0)}},
      [] { return std::make_unique<QcOp>(); });
  r.registerOperator(
      {"sc.normalize", "Normalise + log1p", kCategory,
       "scanpy's normalize_total and log1p: each cell scaled to the target sum, then log(1 + x). Sparse.",
       {kCountsIn},
       {{"counts", PortType::SingleCellCounts, true, "log-normalised values"}},
       {floatParameter("target_sum", 1e4, "counts per cell after scaling (0: the median cell total)").atLeast(0)}},
      [] { return std::make_unique<NormalizeOp>(); });
  r.registerOperator(
      {"sc.hvg", "Highly variable genes", kCategory,
       "scanpy's highly_variable_genes: 'seurat' (log dispersion of expm1 values normalised within 20 equal-width "
       "mean bins) or 'cell_ranger' (dispersion normalised by median and MAD within percentile bins) on "
       "log-normalised values; 'seurat_v3' (Seurat's vst: variance of counts standardised by a loess fit of the "
       "mean-variance relation, optionally per batch) on RAW counts. Top genes by the normalised score, or the "
       "mean/dispersion cut-offs when n_top_genes is 0 (seurat, cell_ranger).",
       {{"counts", PortType::Counts, true, "log-normalised values (seurat, cell_ranger) or raw counts (seurat_v3)"}},
       {{"genes", PortType::Table, true,
         "per gene: means, dispersions, dispersions_norm (seurat_v3: variances, variances_expected, variances_norm, "
         "highly_variable_rank, highly_variable_nbatches), highly_variable"}},
       {enumParameter("flavor", {"seurat", "cell_ranger", "seurat_v3"}, "seurat", "definition of the score"),
        intParameter("n_top_genes", 2000, "number of genes to select (0: use the cut-offs)").atLeast(0),
        floatParameter("min_mean", 0.0125, "cut-off: lowest mean").atLeast(0),
        floatParameter("max_mean", 3, "cut-off: highest mean").atLeast(0),
        floatParameter("min_disp", 0.5, "cut-off: lowest normalised dispersion"),
        floatParameter("span", 0.3, "seurat_v3: loess span of the mean-variance fit").range(0.01, 1),
        stringParameter("batch_key", "", "seurat_v3: cell annotation column with the batch (empty: no batches)")}},
      [] { return std::make_unique<HvgOp>(); });
  r.registerOperator(
      {"sc.pca", "PCA", kCategory,
       "Scales the selected genes (zero mean, unit variance, clipped at max_value) and computes principal "
       "components (exact SVD for small data, randomized SVD otherwise); in each component the largest gene "
       "loading is positive.",
       {{"counts", PortType::Counts, true, "log-normalised values"},
        {"genes", PortType::Table, false, "highly variable genes (all genes when absent)"}},
       {{"embedding", PortType::Embedding, true, "X_pca: cells x components"}},
       {intParameter("n_pcs", 50, "number of components (capped at cells - 1 and genes)").range(1, 1000),
        floatParameter("max_value", 10, "clip scaled values above this (0: no clipping)").atLeast(0),
        intParameter("seed", 0, "random seed of the randomized SVD").atLeast(0)}},
      [] { return std::make_unique<PcaOp>(); });
  r.registerOperator(
      {"sc.neighbors", "Neighbour graph", kCategory,
       "k nearest neighbours in the embedding (exact below 20,000 cells, HNSW above) and UMAP's fuzzy simplicial "
       "set (umap-learn's smooth kNN distances and fuzzy union), as scanpy's neighbors computes them.",
       {{"embedding", PortType::Embedding, true, "usually X_pca"}},
       {{"graph", PortType::CellGraph, true, "weighted neighbour graph"}},
       {intParameter("n_neighbors", 15, "neighbours including the cell itself").range(2, 1000),
        intParameter("n_dims", 0, "use the first n dimensions (0: all)").atLeast(0),
        enumParameter("method", {"auto", "exact", "hnsw"}, "auto", "how to find the neighbours")}},
      [] { return std::make_unique<NeighborsOp>(); });
  r.registerOperator(
      {"sc.leiden", "Leiden clusters", kCategory,
       "Leiden community detection (igraph) maximising modularity with a resolution parameter; clusters numbered "
       "by decreasing size.",
       {{"graph", PortType::CellGraph, true, "neighbour graph"}},
       {{"labels", PortType::Labels, true, "cluster per cell"}, {"table", PortType::Table, true, "barcode, leiden"}},
       {floatParameter("resolution", 1.0, "higher: more, smaller clusters").range(1e-4, 1e3).logarithmic(),
        intParameter("seed", 0, "random seed").atLeast(0)}},
      [] { return std::make_unique<LeidenOp>(); });
  r.registerOperator(
      {"sc.umap", "UMAP", kCategory,
       "UMAP layout of the neighbour graph as umap-learn computes it: spectral initialisation, then stochastic "
       "gradient descent with negative sampling. Seeded and reproducible.",
       {{"graph", PortType::CellGraph, true, "neighbour graph"}},
       {{"embedding", PortType::Embedding, true, "X_umap"}, {"table", PortType::Table, true, "barcode, UMAP1, UMAP2"}},
       {floatParameter("min_dist", 0.5, "how tightly points may pack").range(0, 10),
        floatParameter("spread", 1.0, "scale of the embedded points").range(1e-3, 100),
        intParameter("epochs", 0, "optimisation epochs (0: 500 below 10,000 cells, else 200)").range(0, 100000),
        intParameter("seed", 0, "random seed").atLeast(0)}},
      [] { return std::make_unique<UmapOp>(); });
  r.registerOperator(
      {"sc.markers", "Marker genes", kCategory,
       "Wilcoxon rank-sum test of every cluster against the rest (scanpy's rank_genes_groups): z-scores with tie "
       "correction, normal p-values, Benjamini-Hochberg, log2 fold changes and the fractions of cells expressing.",
       {{"counts", PortType::Counts, true, "log-normalised values"}, {"labels", PortType::Labels, true, "clusters"}},
       {{"markers", PortType::Table, true, "group, rank, gene, score, logfoldchange, pval, pval_adj, pct_in, pct_out"}},
       {intParameter("n_genes", 100, "genes listed per cluster (0: all)").atLeast(0),
        boolParameter("tie_correct", true, "correct the variance for tied ranks")}},
      [] { return std::make_unique<MarkersOp>(); });
  r.registerOperator(
      {"sim.single_cell", "Simulated single-cell counts", "Simulation",
       "Splatter-like counts: gamma gene means, groups with differentially expressed genes, batch factors, "
       "log-normal library sizes, Poisson sampling and optional dropout. Reproducible from the seed.",
       {},
       {{"counts", PortType::SingleCellCounts, true, "cells x genes"},
        {"cells", PortType::Table, true, "group, batch and library size per cell"}},
       {intParameter("cells", 2000, "number of cells").range(1, 10000000),
        intParameter("genes", 2000, "number of genes").range(1, 1000000),
        intParameter("groups", 4, "cell groups (types)").range(1, 1000),
        intParameter("batches", 1, "batches").range(1, 1000),
        floatParameter("de_prob", 0.1, "probability that a gene is differentially expressed in a group").range(0, 1),
        floatParameter("library_size", 3000, "median counts per cell").range(1, 1e9).logarithmic(),
        boolParameter("dropout", false, "zero counts with Splatter's logistic dropout"),
        intParameter("seed", 0, "random seed").atLeast(0)}},
      [] { return std::make_unique<SimulateOp>(); });
}

}  // namespace

void registerSingleCellOperators(Registry& registry) { registerSpecs(registry); }

}  // namespace diffbio::ops

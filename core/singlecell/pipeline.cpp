#include "core/singlecell/pipeline.h"

#include <chrono>

#include "core/singlecell/fuzzy_graph.h"
#include "core/singlecell/normalize.h"
#include "core/singlecell/scale.h"
#include "core/singlecell/umap_layout.h"
#include "core/util/error.h"
#include "core/util/stage_profile.h"

namespace diffbio::sc {

namespace {

class StepClock {
 public:
  StepClock(PipelineResult& r, const PipelineOptions& o) : result_(r), options_(o) {}
  void begin(const std::string& step) {
    finish();
    if (options_.onStep) options_.onStep(step);
    step_ = step;
    start_ = std::chrono::steady_clock::now();
  }
  void finish() {
    if (step_.empty()) return;
    result_.seconds.emplace_back(step_, std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
    step_.clear();
  }

 private:
  PipelineResult& result_;
  const PipelineOptions& options_;
  std::string step_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

PipelineResult runPipeline(const data::CountMatrix& counts, const PipelineOptions& o) {
  PipelineResult r;
  StepClock clock(r, o);
  if (!counts.flags().allFinite || !counts.flags().nonNegative)
    throw InputError({}, "the matrix holds negative or non-finite values, so it cannot be raw counts",
                     "give the raw count matrix (10x output, or the counts layer of an h5ad)");
  if (!counts.flags().allInteger)
    r.notes.push_back("the values are not all whole numbers: treated as counts anyway (normalised data would be "
                      "normalised twice)");

  clock.begin("qc");
  r.qc = cellQc(counts);
  r.keptCells = passingCells(r.qc, o.cellFilter);
  if (r.keptCells.size() < 3)
    throw InputError({}, std::to_string(r.keptCells.size()) + " of " + std::to_string(counts.nObs()) +
                             " cells pass the cell filter; at least 3 are needed",
                     "relax the filters (--min-genes, --min-counts, --max-pct-mito) or give more cells");
  // Copies only where something is removed (a 50,000-cell matrix is hundreds of MB).
  data::CountMatrix sparseInput;
  if (!counts.isSparse()) sparseInput = counts.toSparse();
  const data::CountMatrix& input = counts.isSparse() ? counts : sparseInput;
  data::CountMatrix cellSubset;
  const bool allCells = r.keptCells.size() == static_cast<std::size_t>(input.nObs());
  if (!allCells) cellSubset = input.selectObs(r.keptCells);
  const data::CountMatrix& cells = allCells ? input : cellSubset;
  r.keptGenes = passingGenes(geneQc(cells), o.geneFilter);
  if (r.keptGenes.empty())
    throw InputError({}, "no gene passes the gene filter", "lower --min-cells, or check that the matrix has counts");
  const bool allGenes = r.keptGenes.size() == static_cast<std::size_t>(cells.nGenes());
  const auto n = cells.nObs();

  clock.begin("normalise");
  // The kept genes are normalised straight from the counts; the filtered counts themselves are copied only for
  // seurat_v3, which ranks genes on them.
  r.logNormalized = allGenes ? logNormalize(cells, o.targetSum) : logNormalizeGenes(cells, r.keptGenes, o.targetSum);

  clock.begin("hvg");
  HvgOptions hvgOptions;
  hvgOptions.flavor = o.hvgFlavor;
  hvgOptions.nTopGenes = std::min<std::int64_t>(o.nTopGenes, r.logNormalized.nGenes());
  // The log values gene-major, built once for the HVG moments, the scaling and the marker ranks (kept until the
  // markers: ~240 MB for 50,000 cells, against a transposition more).
  const bool hvgOnCounts = hvgFlavorNeedsCounts(o.hvgFlavor);
  const CscStorage columns = [&] {
    const ScopedStage stage("sc: gene-major copy");
    return toCsc(r.logNormalized);
  }();
  if (hvgOnCounts) {
    // seurat_v3 ranks genes on the raw counts of the kept cells and genes.
    const data::CountMatrix filtered = allGenes ? data::CountMatrix() : selectGenesParallel(cells, r.keptGenes);
    r.hvg = highlyVariableGenes(allGenes ? cells : filtered, hvgOptions);
  } else {
    r.hvg = highlyVariableGenes(r.logNormalized, hvgOptions, &columns);
  }
  cellSubset = data::CountMatrix();
  r.hvgGenes = r.hvg.selected();
  if (r.hvgGenes.size() < 2) {
    r.notes.push_back("only " + std::to_string(r.hvgGenes.size()) +
                      " highly variable gene(s) could be ranked (too few cells or counts): using every gene");
    r.hvgGenes.resize(r.logNormalized.nGenes());
    for (std::int64_t g = 0; g < r.logNormalized.nGenes(); ++g) r.hvgGenes[g] = g;
  }

  clock.begin("scale+pca");
  const DenseF scaled = [&] {
    const ScopedStage stage("sc: scale");
    return scaleGenes(r.logNormalized, r.hvgGenes, ScaleOptions{}, columns.indptr.empty() ? nullptr : &columns);
  }();
  PcaOptions pcaOptions;
  const int maxPcs = static_cast<int>(std::min<std::int64_t>(n - 1, static_cast<std::int64_t>(r.hvgGenes.size())));
  pcaOptions.nComponents = std::min(o.nPcs, maxPcs);
  if (pcaOptions.nComponents < o.nPcs)
    r.notes.push_back("n_pcs capped at " + std::to_string(pcaOptions.nComponents) + " (" + std::to_string(n) +
                      " cells, " + std::to_string(r.hvgGenes.size()) + " genes)");
  pcaOptions.seed = o.seed;
  {
    const ScopedStage stage("sc: pca");
    r.pca = pca(scaled, pcaOptions);
  }

  clock.begin("neighbors");
  KnnOptions knnOptions;
  knnOptions.k = static_cast<int>(std::min<std::int64_t>(o.nNeighbors, n));
  if (knnOptions.k < o.nNeighbors)
    r.notes.push_back("n_neighbors capped at " + std::to_string(knnOptions.k) + " (" + std::to_string(n) + " cells)");
  knnOptions.seed = o.seed;
  {
    const ScopedStage stage("sc: kNN");
    r.knn = nearestNeighbors(r.pca.scores, knnOptions);
  }
  {
    const ScopedStage stage("sc: fuzzy graph");
    r.graph = fuzzySimplicialSet(r.knn);
  }

  clock.begin("leiden");
  LeidenOptions leidenOptions;
  leidenOptions.resolution = o.resolution;
  leidenOptions.seed = o.seed;
  r.clusters = leiden(r.graph, leidenOptions);

  clock.begin("umap");
  UmapOptions umapOptions;
  umapOptions.seed = o.seed;
  umapOptions.epochs = o.umapEpochs;
  umapOptions.minDist = o.umapMinDist;
  r.umap = umapLayout(r.graph, umapOptions);

  if (o.markers) {
    clock.begin("markers");
    if (r.clusters.nClusters >= 2) {
      std::vector<std::string> names;
      for (int c = 0; c < r.clusters.nClusters; ++c) names.push_back(std::to_string(c));
      r.markers = markersVersusRest(r.logNormalized, r.clusters.membership, names, MarkerOptions{}, &columns);
    } else {
      r.notes.push_back("one cluster only: no marker genes (raise --resolution)");
    }
  }
  clock.finish();
  return r;
}

}  // namespace diffbio::sc

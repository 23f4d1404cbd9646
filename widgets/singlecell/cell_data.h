#pragma once
// What the cell view shows of a finished single-cell run, resolved to one cell order (the embedding's): the
// embedding, the clusters, the annotations the count file carried, the per-cell QC metrics and the log-normalised
// values for genes and markers. Everything here is plain computation for workers; the panel (cell_view_panel.h)
// never calls these on the GUI thread except the cheap lookups (cells(), column and gene names).
#include <QStringList>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ops/operator.h"
#include "core/pipeline/graph.h"
#include "core/singlecell/markers.h"
#include "plots/embedding_plot.h"
#include "plots/marker_dot_plot.h"

namespace diffbio::io {
struct LoadedCounts;
}
namespace diffbio::sc {
struct CellEmbedding;
struct CellLabels;
}  // namespace diffbio::sc

namespace diffbio::widgets {

class JobRunner;

struct CellSources {
  ops::ValuePtr embedding;  // sc::CellEmbedding: the UMAP when the pipeline has one, else another (PCA)
  ops::ValuePtr pca;        // sc::CellEmbedding X_pca, for the h5ad (optional)
  ops::ValuePtr labels;     // sc::CellLabels: clusters (optional)
  ops::ValuePtr counts;     // io::LoadedCounts: log-normalised values, the markers node's input (or sc.normalize's)
  ops::ValuePtr qc;         // data::Table from sc.qc, every input cell (optional)
  std::string key() const;  // changes whenever one of them does
};

// The values of a finished run, or nothing when the pipeline has no finished embedding and log-normalised counts.
std::optional<CellSources> findCellSources(const pipeline::Graph& graph, const JobRunner& runner);

struct Colouring {
  enum class Kind { Plain, Cluster, Annotation, Qc, Gene };
  Kind kind = Kind::Plain;
  std::string name;  // the column or the gene
};

class CellData {
 public:
  // Throws InputError when the values describe different cells (outputs of different runs or matrices).
  explicit CellData(CellSources sources);

  std::size_t cells() const { return barcodes().size(); }
  const std::vector<std::string>& barcodes() const;
  bool hasClusters() const { return labels_ != nullptr; }
  QStringList annotationColumns() const;  // columns of the count file's cell annotations
  QStringList qcColumns() const;          // numeric per-cell QC metrics
  // Gene names as people search them: the symbol where the count file has one (10x `gene_symbols`: the matrix's
  // own names are then Ensembl IDs), else the matrix's name. In matrix order.
  QStringList genes() const;
  const std::string& displayName(std::size_t gene) const { return displayNames_[gene]; }
  // A gene by what a person types (matrix name or symbol, exact, then ignoring case: plots::findGene).
  bool hasGene(const std::string& gene) const;
  // The cluster of each cell ("NA" without clusters), in cell order.
  std::vector<std::string> clusterOfCells() const;

  // The embedding coloured as asked. Throws InputError for an unknown column or gene.
  plots::PlotModel model(const Colouring& colouring) const;
  // A gene's log-normalised value in every cell (cell order).
  std::vector<double> expression(const std::string& gene) const;

  // Wilcoxon markers of the `selected` cells (indices in cell order) against all other cells.
  sc::MarkerComparison markers(const std::vector<std::size_t>& selected) const;
  data::Table markerTable(const sc::MarkerComparison& markers) const;  // every gene, by decreasing score
  plots::PlotModel markerVolcano(const sc::MarkerComparison& markers, std::size_t selectedCells) const;
  // Groups of the count matrix's rows for the dot plot and violin: "selected", then the clusters of the other cells
  // (or "rest" without clusters), so a group's markers can be compared with every cluster.
  plots::CellClusters selectionGroups(const std::vector<std::size_t>& selected) const;
  // The `topGenes` best markers (by score) in every group: dot area = fraction expressing, colour = mean.
  plots::PlotModel markerDots(const sc::MarkerComparison& markers, const std::vector<std::size_t>& selected,
                              std::size_t topGenes = 12) const;
  // One gene's log-normalised values by group.
  plots::PlotModel violin(const std::string& gene, const std::vector<std::size_t>& selected) const;

  // barcode, the two embedding coordinates, cluster, in_selection (CSV or TSV by suffix; atomic).
  void exportCsv(const std::string& path, const std::vector<std::size_t>& selected) const;
  // X = the log-normalised values, obs = clusters, annotations, QC metrics and in_selection, obsm = the embedding
  // (and X_pca). Atomic.
  void exportH5ad(const std::string& path, const std::vector<std::size_t>& selected) const;

 private:
  data::Table cellTable(const std::vector<std::size_t>& selected) const;

  CellSources sources_;
  const sc::CellEmbedding* embedding_ = nullptr;
  const sc::CellEmbedding* pca_ = nullptr;
  const sc::CellLabels* labels_ = nullptr;
  const io::LoadedCounts* counts_ = nullptr;
  const data::Table* qc_ = nullptr;
  std::vector<std::int64_t> countRow_;  // per cell: its row in the counts
  std::vector<long> labelRow_;          // per cell: its index in the labels (-1: none)
  std::vector<long> qcRow_;             // per cell: its row in the QC table (-1: none)
  std::vector<long> pcaRow_;
  std::vector<std::string> displayNames_;  // per gene: symbol or matrix name
  plots::Embedding plotted_;
};

}  // namespace diffbio::widgets

#pragma once
// Marker dot plot (as scanpy's sc.pl.dotplot and Seurat's DotPlot): genes x clusters, each dot's area the fraction
// of the cluster's cells that express the gene (value > 0) and its colour the mean expression over all the
// cluster's cells. Plain inputs (a cells x genes matrix, a cluster per cell, gene names), so the GUI, the plot
// node and the CLI share it. Computed in one pass over the stored entries: a sparse matrix is never densified.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/count_matrix.h"
#include "core/data/table.h"
#include "plots/colour_maps.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

// Cells grouped by cluster: `codes[cell]` indexes `names`; -1 = the cell is in no cluster (left out).
struct CellClusters {
  std::vector<std::int32_t> codes;
  std::vector<std::string> names;
};

// Cluster numbers per cell (0 .. count - 1, as Leiden gives them) named "0", "1", ...; negative = no cluster.
CellClusters numberedClusters(const std::vector<std::int32_t>& membership, int count);

// Per gene (in the order asked) and cluster: fraction of cells with a value > 0 and the mean value.
struct MarkerDotStatistics {
  std::vector<std::string> genes, clusters;
  std::vector<std::vector<double>> fraction, mean;  // [gene][cluster]
  std::vector<std::size_t> clusterSizes;
};

// Throws InputError naming `source` when a gene is not a column of `values` or the codes do not match the cells.
MarkerDotStatistics markerDotStatistics(const data::CountMatrix& values, const CellClusters& clusters,
                                        const std::vector<std::string>& genes, const std::string& source = {});

struct MarkerDotOptions {
  QString title;
  ColourMap colourMap = ColourMap::Viridis;
  // Scale each gene's means to 0..1 across clusters (scanpy's standard_scale="var"), so genes of different levels
  // share one colour scale.
  bool scalePerGene = false;
  float largestDot = 9;  // diameter in points of a dot whose fraction is 1
};

// Genes on x (names written vertically when crowded), clusters on y, a colour bar and a size legend.
PlotModel markerDotPlot(const MarkerDotStatistics& statistics, const MarkerDotOptions& options = {});

// The first `perCluster` genes of each group of a marker table (columns group, rank, gene as `sc.markers` and
// scanpy's rank_genes_groups write), by increasing rank, groups in the order of `clusterOrder` (groups not in it
// follow in table order); a gene already taken for an earlier group is not repeated.
std::vector<std::string> topMarkerGenes(const data::Table& markers, std::size_t perCluster,
                                        const std::vector<std::string>& clusterOrder = {},
                                        const std::string& source = {});

}  // namespace diffbio::plots

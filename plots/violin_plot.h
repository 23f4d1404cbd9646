#pragma once
// Violin plot of one gene's expression by cluster (as scanpy's sc.pl.violin and Seurat's VlnPlot): per cluster a
// Gaussian kernel density (Scott's bandwidth, cut at the data's range), every violin scaled to the same maximum
// width, the cells as jittered dots on top and the median marked. Plain inputs, shared by the GUI and the node.
#include <string>
#include <vector>

#include "core/data/count_matrix.h"
#include "plots/marker_dot_plot.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

struct ViolinShape {
  std::vector<double> y, density;  // evaluation grid (ascending) and the density there
  double median = 0;
  std::vector<double> values;      // the cluster's values, in cell order
  std::vector<std::size_t> cells;  // their rows in the matrix
};

// Per cluster: the values of `gene` (a column name of `values`) and their density. Throws InputError naming
// `source` for an unknown gene or labels that do not match the cells.
std::vector<ViolinShape> violinShapes(const data::CountMatrix& values, const CellClusters& clusters,
                                      const std::string& gene, const std::string& source = {});

// Clusters on x, expression on y; `showCells` draws every cell as a small jittered dot (named by its barcode).
PlotModel violinPlot(const std::vector<ViolinShape>& shapes, const CellClusters& clusters, const std::string& gene,
                     const std::vector<std::string>& cellNames = {}, bool showCells = true, const QString& title = {});

}  // namespace diffbio::plots

#pragma once
// Embedding scatter plots (UMAP, t-SNE, PCA of cells or samples): one point per observation, coloured by a
// categorical column (clusters, annotations: a palette and a legend with counts) or by a continuous value (a QC
// metric, a gene's expression: a colour map and a colour bar). The result is an ordinary PlotModel, so the view,
// figure export and the CLI handle it like any other plot.
#include <QString>
#include <cmath>
#include <string>
#include <vector>

#include "core/data/table.h"
#include "plots/colour_maps.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

// Coordinates per observation; `names` (barcodes, sample IDs) may be empty.
struct Embedding {
  std::vector<double> x, y;
  std::vector<std::string> names;
  QString xLabel = QStringLiteral("UMAP 1"), yLabel = QStringLiteral("UMAP 2");
};

struct EmbeddingOptions {
  QString title;
  ColourMap colourMap = ColourMap::Viridis;  // continuous colouring
  std::vector<QColor> palette;               // categorical colouring; empty = categoricalPalette(levels)
  float pointSize = 0;                       // marker diameter in points; 0 = from the number of points
  // Continuous colouring: the ends of the scale; NaN = the smallest and largest finite value. Values beyond the
  // ends take the end colours (clip a few extreme cells by setting `high`).
  double low = std::nan(""), high = std::nan("");
};

// Coloured by a category per observation (level order: `levels` if given, else natural order of the labels, so
// cluster "2" comes before "10"). Empty labels and "NA" count as missing (grey, listed last).
PlotModel embeddingByCategory(const Embedding& embedding, const std::vector<std::string>& labels,
                              const QString& colourTitle, const EmbeddingOptions& options = {},
                              const std::vector<std::string>& levels = {});
// Coloured by a value per observation (NaN = missing, grey). Points with larger values are drawn on top, so a
// gene's few expressing cells are not hidden under the many that do not express it.
PlotModel embeddingByValue(const Embedding& embedding, const std::vector<double>& values, const QString& colourTitle,
                           const EmbeddingOptions& options = {});
// Chooses by the column's type: string, categorical and bool columns are categories, and so are integer columns
// with at most 60 distinct values (cluster numbers); floats and other integers are values.
PlotModel embeddingByColumn(const Embedding& embedding, const data::Column& column,
                            const EmbeddingOptions& options = {});
// No colouring: every point in one neutral colour.
PlotModel embeddingPlain(const Embedding& embedding, const EmbeddingOptions& options = {});

// The marker diameter used when EmbeddingOptions::pointSize is 0: smaller as the cloud grows, so 10^5-10^6 cells
// stay readable as a density rather than a solid blob.
float embeddingPointSize(std::size_t points);

}  // namespace diffbio::plots

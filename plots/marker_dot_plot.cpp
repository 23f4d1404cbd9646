#include "plots/marker_dot_plot.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "core/util/error.h"

namespace diffbio::plots {

namespace {

constexpr int kColourSteps = 64;

std::vector<std::int64_t> geneColumns(const data::CountMatrix& values, const std::vector<std::string>& genes,
                                      const std::string& source) {
  std::unordered_map<std::string, std::int64_t> columnOf;
  for (std::size_t g = 0; g < values.geneNames().size(); ++g) columnOf.emplace(values.geneNames()[g], std::int64_t(g));
  std::vector<std::int64_t> columns;
  for (const auto& gene : genes) {
    const auto found = columnOf.find(gene);
    if (found == columnOf.end())
      throw InputError({source}, "no gene '" + gene + "' in the expression matrix", "choose genes of the matrix");
    columns.push_back(found->second);
  }
  return columns;
}

}  // namespace

CellClusters numberedClusters(const std::vector<std::int32_t>& membership, int count) {
  CellClusters clusters;
  clusters.codes = membership;
  for (int c = 0; c < count; ++c) clusters.names.push_back(std::to_string(c));
  return clusters;
}

MarkerDotStatistics markerDotStatistics(const data::CountMatrix& values, const CellClusters& clusters,
                                        const std::vector<std::string>& genes, const std::string& source) {
  if (clusters.codes.size() != std::size_t(values.nObs()))
    throw InputError({source}, "there are " + std::to_string(clusters.codes.size()) + " cluster labels for " +
                                   std::to_string(values.nObs()) + " cells",
                     "give one cluster per cell of the matrix");
  const auto columns = geneColumns(values, genes, source);
  const std::size_t nGenes = genes.size(), nClusters = clusters.names.size();
  MarkerDotStatistics out;
  out.genes = genes;
  out.clusters = clusters.names;
  out.clusterSizes.assign(nClusters, 0);
  for (auto code : clusters.codes)
    if (code >= 0 && std::size_t(code) < nClusters) ++out.clusterSizes[std::size_t(code)];
  std::vector<std::vector<double>> sum(nGenes, std::vector<double>(nClusters, 0)), expressing = sum;
  // The genes asked for, by matrix column (a gene may be asked twice).
  std::unordered_multimap<std::int64_t, std::size_t> wanted;
  for (std::size_t k = 0; k < nGenes; ++k) wanted.emplace(columns[k], k);
  auto add = [&](std::size_t cluster, std::int64_t column, double v) {
    if (v == 0) return;
    const auto range = wanted.equal_range(column);
    for (auto it = range.first; it != range.second; ++it) {
      sum[it->second][cluster] += v;
      if (v > 0) expressing[it->second][cluster] += 1;
    }
  };
  for (std::int64_t cell = 0; cell < values.nObs(); ++cell) {
    const std::int32_t code = clusters.codes[std::size_t(cell)];
    if (code < 0 || std::size_t(code) >= nClusters) continue;
    if (values.isSparse()) {
      const auto& csr = values.csr();
      for (std::int64_t k = csr.indptr[std::size_t(cell)]; k < csr.indptr[std::size_t(cell) + 1]; ++k)
        add(std::size_t(code), csr.indices[std::size_t(k)], csr.values[std::size_t(k)]);
    } else {
      for (std::size_t k = 0; k < nGenes; ++k) {
        const double v = values.dense()(cell, columns[k]);
        sum[k][std::size_t(code)] += v;
        if (v > 0) expressing[k][std::size_t(code)] += 1;
      }
    }
  }
  out.fraction = expressing;
  out.mean = sum;
  for (std::size_t k = 0; k < nGenes; ++k)
    for (std::size_t c = 0; c < nClusters; ++c) {
      const double n = double(out.clusterSizes[c]);
      out.fraction[k][c] = n > 0 ? expressing[k][c] / n : std::nan("");
      out.mean[k][c] = n > 0 ? sum[k][c] / n : std::nan("");
    }
  return out;
}

PlotModel markerDotPlot(const MarkerDotStatistics& statistics, const MarkerDotOptions& options) {
  const std::size_t nGenes = statistics.genes.size(), nClusters = statistics.clusters.size();
  // The colour of each dot: the mean, or the mean scaled to 0..1 within its gene.
  std::vector<std::vector<double>> shade = statistics.mean;
  if (options.scalePerGene)
    for (auto& row : shade) {
      double low = HUGE_VAL, high = -HUGE_VAL;
      for (double v : row)
        if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
      for (double& v : row) v = high > low ? (v - low) / (high - low) : 0;
    }
  double low = HUGE_VAL, high = -HUGE_VAL;
  for (const auto& row : shade)
    for (double v : row)
      if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
  if (!std::isfinite(low)) low = 0, high = 1;
  if (options.scalePerGene) low = 0, high = 1;
  if (!(high > low)) high = low + 1;

  PlotModel model;
  model.title = options.title.isEmpty() ? QStringLiteral("Marker genes") : options.title;
  const QString colourTitle = options.scalePerGene ? QStringLiteral("scaled mean") : QStringLiteral("mean expression");
  const std::vector<QColor> steps = sampleColourMap(options.colourMap, kColourSteps);
  for (const QColor& colour : steps) model.categories.push_back({QString(), colour, false});
  model.colourBar = {colourTitle, low, high, steps};
  model.legendPosition = LegendPosition::Right;
  model.legendCounts = false;
  for (const auto& gene : statistics.genes) model.xCategories.push_back(QString::fromStdString(gene));
  // The first cluster at the top (y = nClusters - 1), as scanpy and Seurat draw it: reading down the rows and right
  // along the genes (grouped by cluster) gives the diagonal of a good marker set.
  for (std::size_t c = nClusters; c-- > 0;) model.yCategories.push_back(QString::fromStdString(statistics.clusters[c]));
  model.table.header = {QStringLiteral("gene"), QStringLiteral("cluster"), QStringLiteral("fraction_expressing"),
                        QStringLiteral("mean_expression"), QStringLiteral("cells")};
  auto& p = model.points;
  p.valueName = colourTitle;
  for (std::size_t k = 0; k < nGenes; ++k)
    for (std::size_t c = 0; c < nClusters; ++c) {
      const double fraction = statistics.fraction[k][c], value = shade[k][c];
      model.table.rows.push_back({QString::fromStdString(statistics.genes[k]),
                                  QString::fromStdString(statistics.clusters[c]), QString::number(fraction, 'g', 10),
                                  QString::number(statistics.mean[k][c], 'g', 10),
                                  QString::number(statistics.clusterSizes[c])});
      if (!(fraction > 0)) continue;  // nobody expresses it: no dot
      const double t = std::clamp((value - low) / (high - low), 0.0, 1.0);
      p.x.push_back(double(k));
      p.y.push_back(double(nClusters - 1 - c));
      p.category.push_back(std::min(kColourSteps - 1, int(t * kColourSteps)));
      // Area proportional to the fraction, as in scanpy and Seurat.
      p.size.push_back(float(options.largestDot * std::sqrt(fraction)));
      p.value.push_back(statistics.mean[k][c]);
      p.names.push_back(QStringLiteral("%1 in %2: %3% expressing")
                            .arg(QString::fromStdString(statistics.genes[k]),
                                 QString::fromStdString(statistics.clusters[c]))
                            .arg(100 * fraction, 0, 'f', 1));
    }
  model.pointSize = options.largestDot;
  model.fitSizesToSlots = true;  // drawn small, the dots shrink rather than overlap
  model.sizeLegend.title = QStringLiteral("% expressing");
  for (int percent : {20, 40, 60, 80, 100})
    model.sizeLegend.entries.emplace_back(QStringLiteral("%1").arg(percent),
                                          float(options.largestDot * std::sqrt(percent / 100.0)));
  model.autoRange = false;
  model.xMin = -0.6, model.xMax = double(std::max<std::size_t>(nGenes, 1)) - 0.4;
  model.yMin = -0.6, model.yMax = double(std::max<std::size_t>(nClusters, 1)) - 0.4;
  return model;
}

std::vector<std::string> topMarkerGenes(const data::Table& markers, std::size_t perCluster,
                                        const std::vector<std::string>& clusterOrder, const std::string& source) {
  const data::Column* group = markers.find("group");
  const data::Column* gene = markers.find("gene");
  const data::Column* rank = markers.find("rank");
  if (!group || !gene)
    throw InputError({source}, "the marker table needs 'group' and 'gene' columns",
                     "give the markers of sc.markers / `diffbio sc` (markers.tsv)");
  std::vector<std::string> groups = clusterOrder;
  std::map<std::string, std::vector<std::pair<double, std::string>>> byGroup;
  for (std::size_t r = 0; r < markers.nRows(); ++r) {
    if (group->isMissing(r) || gene->isMissing(r)) continue;
    const std::string g = group->text(r);
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
    const double order = rank ? rank->number(r).value_or(double(r)) : double(r);
    byGroup[g].emplace_back(order, gene->text(r));
  }
  std::vector<std::string> genes;
  for (const auto& g : groups) {
    auto& list = byGroup[g];
    std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t taken = 0;
    for (const auto& [order, name] : list) {
      if (taken == perCluster) break;
      if (std::find(genes.begin(), genes.end(), name) != genes.end()) continue;
      genes.push_back(name);
      ++taken;
    }
  }
  return genes;
}

}  // namespace diffbio::plots

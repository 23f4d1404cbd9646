#include "widgets/singlecell/cell_data.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "core/io/h5ad.h"
#include "core/io/loaded_counts.h"
#include "core/io/table_writer.h"
#include "core/ops/registry.h"
#include "core/singlecell/cell_values.h"
#include "core/util/error.h"
#include "plots/de_plots.h"
#include "plots/gene_lookup.h"
#include "plots/violin_plot.h"
#include "widgets/jobs/job_runner.h"

namespace diffbio::widgets {

namespace {

ops::ValuePtr doneOutput(const JobRunner& runner, const std::string& node, const std::string& port) {
  if (runner.status(node).state != pipeline::NodeState::Done) return nullptr;
  return runner.output(node, port);
}

// Position of every name, for matching the cells of one value with another's.
std::unordered_map<std::string, long> positions(const std::vector<std::string>& names) {
  std::unordered_map<std::string, long> at;
  at.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) at.emplace(names[i], static_cast<long>(i));
  return at;
}

std::vector<long> rowsOf(const std::vector<std::string>& cells, const std::vector<std::string>& names) {
  const auto at = positions(names);
  std::vector<long> rows(cells.size(), -1);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const auto it = at.find(cells[i]);
    if (it != at.end()) rows[i] = it->second;
  }
  return rows;
}

bool isNumeric(const data::Column& column) {
  return column.type() == data::ColumnType::Float || column.type() == data::ColumnType::Int;
}

}  // namespace

std::string CellSources::key() const {
  std::string key;
  for (const auto& value : {embedding, pca, labels, counts, qc}) key += std::to_string(value ? value->serial() : 0) + "/";
  return key;
}

std::optional<CellSources> findCellSources(const pipeline::Graph& graph, const JobRunner& runner) {
  CellSources sources;
  ops::ValuePtr normalized;
  for (const std::string& id : pipeline::topologicalOrder(graph).order) {
    const pipeline::Node& node = graph.node(id);
    const ops::OperatorSpec* spec = ops::Registry::global().findSpec(node.operatorId);
    if (!spec) continue;
    for (const auto& port : spec->outputs) {
      const ops::ValuePtr value = doneOutput(runner, id, port.name);
      if (!value) continue;
      if (value->holds<sc::CellEmbedding>()) {
        const auto& embedding = value->as<sc::CellEmbedding>();
        if (embedding.name == "X_pca") sources.pca = value;
        // The UMAP is what people look at; another embedding (PCA) only when there is none.
        if (!sources.embedding || embedding.name == "X_umap") sources.embedding = value;
      }
      if (value->holds<sc::CellLabels>()) sources.labels = value;
      if (node.operatorId == "sc.normalize" && value->holds<io::LoadedCounts>()) normalized = value;
      if (node.operatorId == "sc.qc" && port.name == "qc") sources.qc = value;
    }
    // The markers node's input is by construction the log-normalised matrix the pipeline tests on.
    if (node.operatorId == "sc.markers")
      for (const auto& edge : graph.edgesInto(id))
        if (edge.toPort == "counts")
          if (auto value = doneOutput(runner, edge.fromNode, edge.fromPort); value && value->holds<io::LoadedCounts>())
            sources.counts = value;
  }
  if (!sources.counts) sources.counts = normalized;
  if (!sources.embedding || !sources.counts) return std::nullopt;
  return sources;
}

CellData::CellData(CellSources sources) : sources_(std::move(sources)) {
  embedding_ = &sources_.embedding->as<sc::CellEmbedding>();
  counts_ = &sources_.counts->as<io::LoadedCounts>();
  if (sources_.labels) labels_ = &sources_.labels->as<sc::CellLabels>();
  if (sources_.qc) qc_ = &sources_.qc->as<data::Table>();
  if (sources_.pca) pca_ = &sources_.pca->as<sc::CellEmbedding>();
  const auto& cells = embedding_->cells;
  if (embedding_->values.cols() < 1 || static_cast<std::size_t>(embedding_->values.rows()) != cells.size())
    throw InputError({}, "the embedding has no coordinates for its cells", "run the UMAP or PCA node again");
  const auto countRows = rowsOf(cells, counts_->matrix.obsNames());
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (countRows[i] < 0)
      throw InputError({}, "cell " + cells[i] + " of the embedding is not in the count matrix",
                       "connect outputs computed from the same count matrix");
  countRow_.assign(countRows.begin(), countRows.end());
  if (labels_) labelRow_ = rowsOf(cells, labels_->cells);
  if (qc_) qcRow_ = rowsOf(cells, qc_->rowNames());
  if (pca_) pcaRow_ = rowsOf(cells, pca_->cells);

  displayNames_ = counts_->matrix.geneNames();
  if (counts_->var.nRows() == displayNames_.size())
    for (const char* name : {"gene_symbols", "gene_symbol", "symbol", "feature_name"})
      if (const data::Column* symbols = counts_->var.find(name);
          symbols && (symbols->type() == data::ColumnType::String || symbols->type() == data::ColumnType::Categorical)) {
        for (std::size_t g = 0; g < displayNames_.size(); ++g)
          if (!symbols->isMissing(g) && !symbols->text(g).empty()) displayNames_[g] = symbols->text(g);
        break;
      }

  plotted_.names = cells;
  const bool umap = embedding_->name == "X_umap";
  const QString axis = umap ? QStringLiteral("UMAP %1") : QStringLiteral("PC %1");
  plotted_.xLabel = axis.arg(1);
  plotted_.yLabel = axis.arg(2);
  for (Eigen::Index i = 0; i < embedding_->values.rows(); ++i) {
    plotted_.x.push_back(embedding_->values(i, 0));
    plotted_.y.push_back(embedding_->values.cols() > 1 ? embedding_->values(i, 1) : 0.0);
  }
}

const std::vector<std::string>& CellData::barcodes() const { return embedding_->cells; }

QStringList CellData::annotationColumns() const {
  QStringList names;
  for (const auto& column : counts_->obs.columns()) names << QString::fromStdString(column.name());
  return names;
}

QStringList CellData::qcColumns() const {
  QStringList names;
  if (!qc_) return names;
  for (const auto& column : qc_->columns())
    if (isNumeric(column)) names << QString::fromStdString(column.name());
  return names;
}

QStringList CellData::genes() const {
  QStringList names;
  names.reserve(static_cast<qsizetype>(displayNames_.size()));
  for (const auto& gene : displayNames_) names << QString::fromStdString(gene);
  return names;
}

bool CellData::hasGene(const std::string& gene) const { return plots::findGene(*counts_, gene).has_value(); }

std::vector<std::string> CellData::clusterOfCells() const {
  std::vector<std::string> clusters(cells(), "NA");
  if (!labels_) return clusters;
  for (std::size_t i = 0; i < clusters.size(); ++i)
    if (labelRow_[i] >= 0) {
      const auto code = labels_->codes[static_cast<std::size_t>(labelRow_[i])];
      if (code >= 0 && static_cast<std::size_t>(code) < labels_->levels.size()) clusters[i] = labels_->levels[code];
    }
  return clusters;
}

std::vector<double> CellData::expression(const std::string& gene) const {
  const std::optional<std::int64_t> found = plots::findGene(*counts_, gene);
  if (!found)
    throw InputError({}, "there is no gene '" + gene + "' in the matrix", "pick a gene from the completion list");
  const std::int64_t g = *found;
  std::vector<double> values(cells());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = counts_->matrix.at(countRow_[i], g);
  return values;
}

plots::PlotModel CellData::model(const Colouring& colouring) const {
  plots::EmbeddingOptions options;
  const QString name = QString::fromStdString(colouring.name);
  switch (colouring.kind) {
    case Colouring::Kind::Plain:
      options.title = QStringLiteral("%L1 cells").arg(cells());
      return plots::embeddingPlain(plotted_, options);
    case Colouring::Kind::Cluster: {
      if (!labels_) throw InputError({}, "this pipeline has no clusters", "add a Leiden node");
      options.title = QStringLiteral("Clusters (%1)").arg(QString::fromStdString(labels_->name));
      return plots::embeddingByCategory(plotted_, clusterOfCells(), QStringLiteral("cluster"), options, labels_->levels);
    }
    case Colouring::Kind::Annotation: {
      const data::Column* column = counts_->obs.find(colouring.name);
      if (!column) throw InputError({}, "the cells have no annotation '" + colouring.name + "'", "pick another column");
      const std::vector<std::size_t> rows(countRow_.begin(), countRow_.end());
      const data::Table picked = counts_->obs.selectRows(rows);
      options.title = name;
      return plots::embeddingByColumn(plotted_, picked.column(colouring.name), options);
    }
    case Colouring::Kind::Qc: {
      const data::Column* column = qc_ ? qc_->find(colouring.name) : nullptr;
      if (!column) throw InputError({}, "there is no QC metric '" + colouring.name + "'", "pick another metric");
      std::vector<double> values(cells(), std::nan(""));
      for (std::size_t i = 0; i < values.size(); ++i)
        if (qcRow_[i] >= 0) values[i] = column->number(static_cast<std::size_t>(qcRow_[i])).value_or(std::nan(""));
      options.title = QStringLiteral("QC: %1").arg(name);
      return plots::embeddingByValue(plotted_, values, name, options);
    }
    case Colouring::Kind::Gene:
      options.title = QStringLiteral("%1 (log-normalised)").arg(name);
      return plots::embeddingByValue(plotted_, expression(colouring.name), name, options);
  }
  return plots::embeddingPlain(plotted_, options);
}

sc::MarkerComparison CellData::markers(const std::vector<std::size_t>& selected) const {
  if (selected.empty()) throw InputError({}, "no cells are selected", "draw a lasso around a group of cells first");
  const auto n = static_cast<std::size_t>(counts_->matrix.nObs());
  std::vector<std::uint8_t> inGroup(n, 0), inRest(n, 0);
  for (std::size_t row : countRow_) inRest[static_cast<std::size_t>(row)] = 1;
  for (std::size_t cell : selected) {
    if (cell >= cells()) continue;
    const auto row = static_cast<std::size_t>(countRow_[cell]);
    inGroup[row] = 1;
    inRest[row] = 0;
  }
  if (std::find(inRest.begin(), inRest.end(), 1) == inRest.end())
    throw InputError({}, "every cell is selected", "select a group of cells to compare with the others");
  return sc::markersTwoGroups(counts_->matrix, inGroup, inRest, "selection", "rest");
}

data::Table CellData::markerTable(const sc::MarkerComparison& m) const {
  const auto& genes = counts_->matrix.geneNames();
  const bool symbols = displayNames_ != genes;
  std::vector<std::string> names, ids;
  std::vector<double> score, lfc, p, padj, in, out;
  for (const std::int64_t g : m.order) {
    const auto i = static_cast<std::size_t>(g);
    names.push_back(displayNames_[i]);
    ids.push_back(genes[i]);
    score.push_back(m.scores[i]);
    lfc.push_back(m.logFoldChanges[i]);
    p.push_back(m.pvalues[i]);
    padj.push_back(m.pvaluesAdjusted[i]);
    in.push_back(100 * m.fractionIn[i]);
    out.push_back(100 * m.fractionOut[i]);
  }
  data::Table table(std::move(names));
  table.indexName = "gene";
  if (symbols) table.addColumn(data::Column("gene_id", std::move(ids)));
  table.addColumn(data::Column("score", std::move(score)));
  table.addColumn(data::Column("log2FoldChange", std::move(lfc)));
  table.addColumn(data::Column("pvalue", std::move(p)));
  table.addColumn(data::Column("padj", std::move(padj)));
  table.addColumn(data::Column("pct_in_selection", std::move(in)));
  table.addColumn(data::Column("pct_in_rest", std::move(out)));
  return table;
}

plots::PlotModel CellData::markerVolcano(const sc::MarkerComparison& m, std::size_t selectedCells) const {
  plots::DeResults results;
  results.genes = displayNames_;
  results.log2FoldChange = m.logFoldChanges;
  results.pvalue = m.pvalues;
  results.padj = m.pvaluesAdjusted;
  results.baseMean.resize(results.genes.size());
  for (std::size_t g = 0; g < results.baseMean.size(); ++g) results.baseMean[g] = 100 * m.fractionIn[g];
  plots::DePlotOptions options;
  options.alpha = 0.05;
  options.lfcThreshold = 1;
  options.volcanoUsesPadj = false;
  options.labelTop = 12;
  options.title = QStringLiteral("%L1 selected vs %L2 other cells")
                      .arg(selectedCells)
                      .arg(cells() - std::min(cells(), selectedCells));
  plots::PlotModel model = plots::volcanoPlot(results, options);
  // A gene nobody in one group expresses gets scanpy's log2((0 + 1e-9) / mean) ~ -30: drawn at the edge of +-10 so
  // the genes that matter are not squeezed into a corner (the table keeps the real values).
  constexpr double kEdge = 10;
  std::size_t clipped = 0;
  for (double& x : model.points.x)
    if (std::abs(x) > kEdge) {
      x = std::copysign(kEdge, x);
      ++clipped;
    }
  if (clipped > 0) {
    const QString note = QStringLiteral("%L1 genes beyond |log2FC| 10 drawn at the edge").arg(clipped);
    model.note = model.note.isEmpty() ? note : model.note + QStringLiteral("; ") + note;
    model.autoRange = true;
  }
  return model;
}

plots::CellClusters CellData::selectionGroups(const std::vector<std::size_t>& selected) const {
  plots::CellClusters groups;
  groups.names.push_back("selected");
  std::vector<std::int32_t> ofCell(cells(), -1);
  for (std::size_t i : selected)
    if (i < ofCell.size()) ofCell[i] = 0;
  if (labels_) {
    for (const auto& level : labels_->levels) groups.names.push_back(level);
    for (std::size_t i = 0; i < ofCell.size(); ++i)
      if (ofCell[i] < 0 && labelRow_[i] >= 0) ofCell[i] = 1 + labels_->codes[static_cast<std::size_t>(labelRow_[i])];
  } else {
    groups.names.push_back("rest");
    for (auto& code : ofCell)
      if (code < 0) code = 1;
  }
  groups.codes.assign(static_cast<std::size_t>(counts_->matrix.nObs()), -1);
  for (std::size_t i = 0; i < ofCell.size(); ++i) groups.codes[static_cast<std::size_t>(countRow_[i])] = ofCell[i];
  return groups;
}

plots::PlotModel CellData::markerDots(const sc::MarkerComparison& m, const std::vector<std::size_t>& selected,
                                      std::size_t topGenes) const {
  std::vector<std::string> genes;
  for (std::size_t k = 0; k < std::min(topGenes, m.order.size()); ++k)
    genes.push_back(counts_->matrix.geneNames()[static_cast<std::size_t>(m.order[k])]);
  plots::MarkerDotOptions options;
  options.title = QStringLiteral("Top %1 markers: selected cells, then the other cells by cluster").arg(genes.size());
  options.scalePerGene = true;
  plots::PlotModel model =
      plots::markerDotPlot(plots::markerDotStatistics(counts_->matrix, selectionGroups(selected), genes), options);
  // The axis and the CSV name genes by symbol (the statistics need the matrix's names).
  for (std::size_t k = 0; k < std::min(topGenes, m.order.size()); ++k)
    if (k < model.xCategories.size())
      model.xCategories[k] = QString::fromStdString(displayNames_[static_cast<std::size_t>(m.order[k])]);
  return model;
}

plots::PlotModel CellData::violin(const std::string& gene, const std::vector<std::size_t>& selected) const {
  const plots::CellClusters groups = selectionGroups(selected);
  const std::optional<std::int64_t> found = plots::findGene(*counts_, gene);
  if (!found) throw InputError({}, "there is no gene '" + gene + "' in the matrix", "pick a gene from the completion list");
  const std::string& id = counts_->matrix.geneNames()[static_cast<std::size_t>(*found)];
  return plots::violinPlot(plots::violinShapes(counts_->matrix, groups, id), groups, gene,
                           counts_->matrix.obsNames(), true,
                           QStringLiteral("%1 (log-normalised): selected cells, then the other cells by cluster").arg(QString::fromStdString(gene)));
}

data::Table CellData::cellTable(const std::vector<std::size_t>& selected) const {
  data::Table table(barcodes());
  table.indexName = "barcode";
  std::set<std::string> taken;
  auto add = [&](data::Column column) {
    if (!taken.insert(column.name()).second) return;
    table.addColumn(std::move(column));
  };
  if (labels_) add(data::Column(labels_->name.empty() ? "cluster" : labels_->name,
                                data::makeCategorical(clusterOfCells(), labels_->levels)));
  const data::Table annotations = counts_->obs.selectRows(std::vector<std::size_t>(countRow_.begin(), countRow_.end()));
  for (const auto& column : annotations.columns()) add(column);
  if (qc_)
    for (const auto& column : qc_->columns()) {
      if (!isNumeric(column)) continue;
      std::vector<double> values(cells(), std::nan(""));
      for (std::size_t i = 0; i < values.size(); ++i)
        if (qcRow_[i] >= 0) values[i] = column.number(static_cast<std::size_t>(qcRow_[i])).value_or(std::nan(""));
      add(data::Column(column.name(), std::move(values)));
    }
  std::vector<std::uint8_t> inSelection(cells(), 0);
  for (std::size_t i : selected)
    if (i < inSelection.size()) inSelection[i] = 1;
  add(data::Column::boolean("in_selection", std::move(inSelection)));
  return table;
}

void CellData::exportCsv(const std::string& path, const std::vector<std::size_t>& selected) const {
  data::Table table(barcodes());
  table.indexName = "barcode";
  const std::string prefix = embedding_->name == "X_umap" ? "UMAP" : "PC";
  table.addColumn(data::Column(prefix + "1", plotted_.x));
  table.addColumn(data::Column(prefix + "2", plotted_.y));
  if (labels_) table.addColumn(data::Column("cluster", clusterOfCells()));
  std::vector<std::uint8_t> inSelection(cells(), 0);
  for (std::size_t i : selected)
    if (i < inSelection.size()) inSelection[i] = 1;
  table.addColumn(data::Column::boolean("in_selection", std::move(inSelection)));
  io::writeTable(table, path);
}

void CellData::exportH5ad(const std::string& path, const std::vector<std::size_t>& selected) const {
  io::LoadedCounts out;
  out.matrix = counts_->matrix.selectObs(countRow_);
  out.obs = cellTable(selected);
  out.var = data::Table(counts_->matrix.geneNames());
  out.obsm.emplace_back(embedding_->name.empty() ? "X_embedding" : embedding_->name, embedding_->values);
  if (pca_ && pca_ != embedding_) {
    bool all = true;
    for (long row : pcaRow_) all = all && row >= 0;
    if (all) {
      Eigen::MatrixXd values(static_cast<Eigen::Index>(cells()), pca_->values.cols());
      for (std::size_t i = 0; i < cells(); ++i) values.row(static_cast<Eigen::Index>(i)) = pca_->values.row(pcaRow_[i]);
      out.obsm.emplace_back("X_pca", std::move(values));
    }
  }
  io::writeH5ad(out, path);
}

}  // namespace diffbio::widgets

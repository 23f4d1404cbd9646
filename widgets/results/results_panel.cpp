#include "widgets/results/results_panel.h"

#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QTableView>

#include <set>

#include "core/data/table.h"
#include "core/io/loaded_counts.h"
#include "core/ops/registry.h"
#include "plots/plot_view.h"
#include "widgets/jobs/job_runner.h"
#include "widgets/results/linked_selection.h"
#include "widgets/results/read_qc_figures.h"
#include "widgets/results/plots_panel.h"
#include "widgets/tables/table_filter_proxy.h"
#include "widgets/tables/table_model.h"
#include "widgets/tables/table_panel.h"

namespace diffbio::widgets {

namespace {
bool isDeResults(const data::Table& table) {
  return table.find("log2FoldChange") && table.find("padj") && table.find("pvalue") && table.find("baseMean");
}
}  // namespace

ResultsPanel::ResultsPanel(QWidget* parent) : QTabWidget(parent), data_(new QPlainTextEdit(this)), plots_(new PlotsPanel(this)) {
  setDocumentMode(true);
  data_->setReadOnly(true);
  data_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  data_->setPlaceholderText(tr("Loaded inputs are described here once their nodes have run."));
  addTab(data_, tr("Data"));
  plots_->hide();  // the window docks it beside the tables
  // Double-click a gene in a DE figure: open its counts (points of the other figures are samples or cells).
  connect(plots_->view(), &plots::PlotView::pointActivated, this, [this](std::size_t index) {
    if (!plots_->groupPlotNames(QStringLiteral("DE")).contains(plots_->currentPlotName())) return;
    const auto& names = plots_->view()->model().points.names;
    if (index < names.size()) openGeneCounts(names[index]);
  });
  connect(plots_, &PlotsPanel::plotsReady, this, [this] {
    if (!pendingGeneFigure_.isEmpty() && plots_->selectPlot(pendingGeneFigure_)) pendingGeneFigure_.clear();
  });
}

bool ResultsPanel::openGeneCounts(const QString& gene) {
  if (!geneCounts_) return false;
  pendingGeneFigure_ = QStringLiteral("Counts: %1").arg(gene);
  plots_->showFigures(QStringLiteral("Gene"),
                      [source = *geneCounts_, name = gene.toStdString()] {
                        return std::vector<Figure>{geneCountsFigure(source, name)};
                      },
                      tr("the counts of %1").arg(gene));
  return true;
}

LinkedSelection* ResultsPanel::linkedSelection() const { return link_; }

TablePanel* ResultsPanel::tableTab(const QString& key) const {
  const auto it = tables_.find(key);
  return it == tables_.end() ? nullptr : it->second.first;
}

QStringList ResultsPanel::tableKeys() const {
  QStringList keys;
  for (const auto& [key, tab] : tables_) keys << key;
  return keys;
}

void ResultsPanel::refresh(const pipeline::Graph& graph, const JobRunner& runner) {
  const auto& registry = ops::Registry::global();
  std::set<QString> present;
  QStringList described;
  for (const auto& node : graph.nodes()) {
    const auto* spec = registry.findSpec(node.operatorId);
    if (!spec) continue;
    // A tab stays while its node exists (a re-run replaces its content), so tables do not flicker away.
    for (const auto& port : spec->outputs)
      if (tables_.count(QString::fromStdString(node.id + "." + port.name))) present.insert(QString::fromStdString(node.id + "." + port.name));
    if (runner.status(node.id).state != pipeline::NodeState::Done) continue;
    for (const auto& port : spec->outputs) {
      const ops::ValuePtr value = runner.output(node.id, port.name);
      if (!value) continue;
      const QString key = QString::fromStdString(node.id + "." + port.name);
      if (value->holds<io::LoadedCounts>()) {
        const auto& loaded = value->as<io::LoadedCounts>();
        described << tr("%1: %2 observations x %3 genes (%4)%5")
                         .arg(QString::fromStdString(node.id))
                         .arg(loaded.matrix.nObs())
                         .arg(loaded.matrix.nGenes())
                         .arg(QString::fromUtf8(io::formatName(loaded.format)))
                         .arg(loaded.matrixSource.empty() ? QString() : ", " + QString::fromStdString(loaded.matrixSource));
        for (const auto& note : loaded.notes) described << "    " + QString::fromStdString(note);
        continue;
      }
      if (!value->holds<data::Table>()) continue;
      const auto& table = value->as<data::Table>();
      present.insert(key);
      auto& entry = tables_[key];
      if (!entry.first) {
        entry.first = new TablePanel(this);
        addTab(entry.first, key);
        if (isDeResults(table)) {
          setCurrentWidget(entry.first);  // the table people came for
          // Double-click a gene's row: open its counts.
          TablePanel* tab = entry.first;
          connect(tab->view(), &QTableView::doubleClicked, this, [this, tab](const QModelIndex& index) {
            const TableModel* model = tab->proxy()->tableModel();
            const int row = tab->proxy()->mapToSource(tab->proxy()->index(index.row(), 0)).row();
            if (model && row >= 0 && static_cast<std::size_t>(row) < model->table().nRows())
              openGeneCounts(QString::fromStdString(model->table().rowNames()[static_cast<std::size_t>(row)]));
          });
        }
      }
      if (entry.second != value->serial()) {
        entry.first->setTable(table, value);
        entry.second = value->serial();
        setTabToolTip(indexOf(entry.first), tr("%1 rows x %2 columns").arg(table.nRows()).arg(table.nColumns()));
      }
      if (isDeResults(table) && plottedSerial_ != value->serial()) {
        plottedSerial_ = value->serial();
        plots_->showResults(table, value, key);
        // Points and rows are matched by gene ID; the selection carries over to the new table of a re-run.
        if (!link_ || link_->table() != entry.first) {
          delete link_;
          link_ = new LinkedSelection(plots_->view(), entry.first, QStringLiteral("gene"), this);
          plots_->setLinkedSelection(link_);
        } else {
          link_->rematch();
        }
      }
    }
  }
  data_->setPlainText(described.join("\n"));
  // A re-run (new experiment or size factors) or a pipeline without DE drops the counts figure of the old numbers.
  std::optional<GeneCountsSource> counts = findGeneCountsSource(graph, runner);
  if (!counts || !geneCounts_ || counts->design != geneCounts_->design ||
      counts->sizeFactors != geneCounts_->sizeFactors)
    plots_->removeGroup(QStringLiteral("Gene"));
  geneCounts_ = std::move(counts);
  refreshReadQc(graph, runner);
  for (auto it = tables_.begin(); it != tables_.end();) {
    if (present.count(it->first)) {
      ++it;
      continue;
    }
    removeTab(indexOf(it->second.first));
    it->second.first->deleteLater();
    it = tables_.erase(it);
  }
}

void ResultsPanel::refreshReadQc(const pipeline::Graph& graph, const JobRunner& runner) {
  if (runner.isBusy()) return;  // drawn once the run has finished, not after every stage
  const std::optional<ReadQcSources> sources = findReadQcSources(graph, runner);
  if (!sources) {
    if (!readQcKey_.empty()) plots_->removeGroup(QStringLiteral("Read QC"));
    readQcKey_.clear();
    return;
  }
  if (sources->key() == readQcKey_) return;
  readQcKey_ = sources->key();
  plots_->showFigures(QStringLiteral("Read QC"), [sources = *sources] { return readQcFigures(sources); },
                      tr("read QC of %1").arg(QString::fromStdString(sources->outputNode)));
}

}  // namespace diffbio::widgets

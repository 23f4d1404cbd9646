#include "widgets/results/results_panel.h"

#include <QFontDatabase>
#include <QPlainTextEdit>

#include <set>

#include "core/data/table.h"
#include "core/io/loaded_counts.h"
#include "core/ops/registry.h"
#include "widgets/jobs/job_runner.h"
#include "widgets/results/linked_selection.h"
#include "widgets/results/read_qc_figures.h"
#include "widgets/results/plots_panel.h"
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
        if (isDeResults(table)) setCurrentWidget(entry.first);  // the table people came for
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

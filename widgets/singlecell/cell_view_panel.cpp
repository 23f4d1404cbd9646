#include "widgets/singlecell/cell_view_panel.h"

#include <QComboBox>
#include <QCompleter>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSplitter>
#include <QStackedWidget>
#include <QStringListModel>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

#include "plots/plot_view.h"
#include "widgets/results/linked_selection.h"
#include "widgets/tables/table_panel.h"

namespace diffbio::widgets {

namespace {

QVariant colouringData(Colouring::Kind kind, const QString& name) { return QVariantList{static_cast<int>(kind), name}; }

Colouring colouringOf(const QVariant& data) {
  const QVariantList list = data.toList();
  if (list.size() != 2) return {};
  return {static_cast<Colouring::Kind>(list[0].toInt()), list[1].toString().toStdString()};
}

}  // namespace

CellViewPanel::CellViewPanel(QWidget* parent)
    : QWidget(parent), colourChoice_(new QComboBox(this)), geneSearch_(new QLineEdit(this)),
      completer_(new QCompleter(this)), lassoButton_(new QToolButton(this)), markersButton_(new QToolButton(this)),
      exportButton_(new QToolButton(this)), status_(new QLabel(this)), stack_(new QStackedWidget(this)),
      embedding_(new plots::PlotView(this)), markerTable_(new TablePanel(this)), markerPlots_(new QTabWidget(this)),
      volcano_(new plots::PlotView(this)), dots_(new plots::PlotView(this)), violin_(new plots::PlotView(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);
  auto* tools = new QHBoxLayout;
  colourChoice_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  colourChoice_->setToolTip(tr("What the colour of each cell shows"));
  tools->addWidget(new QLabel(tr("Colour by:"), this));
  tools->addWidget(colourChoice_);
  geneSearch_->setPlaceholderText(tr("Gene (type to search)"));
  geneSearch_->setClearButtonEnabled(true);
  geneSearch_->setToolTip(tr("Colour the cells by a gene's log-normalised expression"));
  geneSearch_->setMinimumWidth(170);
  geneSearch_->setMaximumWidth(240);
  completer_->setModel(new QStringListModel(completer_));
  completer_->setCaseSensitivity(Qt::CaseInsensitive);
  completer_->setFilterMode(Qt::MatchContains);
  completer_->setMaxVisibleItems(12);
  geneSearch_->setCompleter(completer_);
  tools->addWidget(geneSearch_);
  lassoButton_->setText(tr("Lasso"));
  lassoButton_->setCheckable(true);
  lassoButton_->setChecked(true);
  lassoButton_->setToolTip(tr("Drag to draw around a group of cells (Shift adds, Ctrl removes); off: drag a "
                              "rectangle. The group's marker genes appear on the right."));
  tools->addWidget(lassoButton_);
  markersButton_->setText(tr("Markers of selection"));
  markersButton_->setToolTip(tr("Wilcoxon rank-sum test of the selected cells against all other cells"));
  markersButton_->setEnabled(false);
  tools->addWidget(markersButton_);
  exportButton_->setText(tr("Export cells"));
  exportButton_->setPopupMode(QToolButton::InstantPopup);
  exportButton_->setEnabled(false);
  auto* exportMenu = new QMenu(exportButton_);
  auto chooseExport = [this](const QString& title, const QString& suggested, const QString& filter) {
    const QString path = QFileDialog::getSaveFileName(this, title, suggested, filter);
    if (path.isEmpty()) return;
    setStatus(tr("Writing %1 ...").arg(path));
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
      const QString problem = watcher->result();
      setStatus(problem.isEmpty() ? tr("Wrote %1").arg(path) : problem);
      if (!problem.isEmpty()) Q_EMIT failed(problem);
      watcher->deleteLater();
    });
    watcher->setFuture(exportCells(path));
  };
  exportMenu->addAction(tr("Labels and coordinates (CSV)..."), this,
                        [chooseExport] { chooseExport(tr("Export cells"), "cells.csv", tr("CSV (*.csv);;TSV (*.tsv)")); });
  exportMenu->addAction(tr("Everything as AnnData (h5ad)..."), this,
                        [chooseExport] { chooseExport(tr("Export AnnData"), "cells.h5ad", tr("AnnData (*.h5ad)")); });
  exportButton_->setMenu(exportMenu);
  tools->addWidget(exportButton_);
  tools->addWidget(status_, 1);
  layout->addLayout(tools);

  auto* placeholder = new QLabel(tr("Cells appear here once a single-cell pipeline has run\n"
                                    "(File > New from template > single cell)."),
                                 this);
  placeholder->setAlignment(Qt::AlignCenter);
  placeholder->setStyleSheet("color: #888; background: white;");
  stack_->addWidget(placeholder);
  auto* split = new QSplitter(Qt::Horizontal, this);
  embedding_->setMinimumSize(260, 200);
  embedding_->setTool(plots::PlotView::Tool::Lasso);
  split->addWidget(embedding_);
  auto* markersSide = new QSplitter(Qt::Vertical, split);
  markerPlots_->setDocumentMode(true);
  markerPlots_->addTab(volcano_, tr("Volcano"));
  markerPlots_->addTab(dots_, tr("Dot plot"));
  markerPlots_->addTab(violin_, tr("Violin"));
  markerPlots_->setTabToolTip(1, tr("The best markers of the selection: dot size = % of cells expressing, colour = "
                                    "mean expression (scaled per gene), in the selection and every cluster"));
  markerPlots_->setTabToolTip(2, tr("The gene being looked at (the gene search, or double-click a point of the "
                                    "volcano) in the selection and every cluster"));
  markersSide->addWidget(markerPlots_);
  markersSide->addWidget(markerTable_);
  volcano_->setMinimumSize(200, 150);
  split->addWidget(markersSide);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  stack_->addWidget(split);
  layout->addWidget(stack_, 1);
  markersSide->hide();  // until the first markers

  markersTimer_.setSingleShot(true);
  markersTimer_.setInterval(250);
  connect(&markersTimer_, &QTimer::timeout, this, &CellViewPanel::findMarkers);
  connect(colourChoice_, &QComboBox::activated, this, &CellViewPanel::onColourChoice);
  connect(completer_, qOverload<const QString&>(&QCompleter::activated), this, [this](const QString& gene) { colourByGene(gene); });
  connect(geneSearch_, &QLineEdit::returnPressed, this, [this] {
    const QString gene = geneSearch_->text().trimmed();
    if (!gene.isEmpty() && !colourByGene(gene)) setStatus(tr("There is no gene '%1' in the matrix").arg(gene));
  });
  connect(lassoButton_, &QToolButton::toggled, this, [this](bool on) {
    embedding_->setTool(on ? plots::PlotView::Tool::Lasso : plots::PlotView::Tool::Select);
  });
  connect(markersButton_, &QToolButton::clicked, this, &CellViewPanel::findMarkers);
  // Double-click a marker in the volcano: colour the cells by it and show its violin.
  connect(volcano_, &plots::PlotView::pointActivated, this, [this](std::size_t index) {
    const auto& names = volcano_->model().points.names;
    if (index < names.size()) colourByGene(names[index]);
  });
  connect(embedding_, &plots::PlotView::selectionChanged, this, &CellViewPanel::onSelectionChanged);
  connect(&loadWatcher_, &QFutureWatcher<Loaded>::finished, this, &CellViewPanel::onLoaded);
  connect(&drawWatcher_, &QFutureWatcher<Drawn>::finished, this, &CellViewPanel::onDrawn);
  connect(&markersWatcher_, &QFutureWatcher<Found>::finished, this, &CellViewPanel::onMarkers);
}

CellViewPanel::~CellViewPanel() {
  loadWatcher_.waitForFinished();
  drawWatcher_.waitForFinished();
  markersWatcher_.waitForFinished();
}

void CellViewPanel::setStatus(const QString& text) { status_->setText(text); }
QString CellViewPanel::statusText() const { return status_->text(); }

void CellViewPanel::refresh(const pipeline::Graph& graph, const JobRunner& runner) {
  const std::optional<CellSources> sources = findCellSources(graph, runner);
  if (!sources) return;  // keep showing the last cells while a pipeline is edited
  if (sources->key() == sourcesKey_) return;
  sourcesKey_ = sources->key();
  setStatus(tr("Loading cells ..."));
  const Colouring colouring = colouring_;
  loadWatcher_.setFuture(QtConcurrent::run([sources = *sources, colouring] {
    Loaded loaded;
    try {
      auto data = std::make_shared<const CellData>(sources);
      Colouring shown = colouring;
      if (shown.kind == Colouring::Kind::Cluster && !data->hasClusters()) shown = {};
      try {
        loaded.model = data->model(shown);
      } catch (const std::exception&) {  // the column or gene is gone: clusters, or plain
        loaded.model = data->model(data->hasClusters() ? Colouring{Colouring::Kind::Cluster, {}} : Colouring{});
      }
      loaded.data = std::move(data);
    } catch (const std::exception& error) {
      loaded.error = QString::fromUtf8(error.what());
    }
    return loaded;
  }));
}

void CellViewPanel::onLoaded() {
  Loaded loaded = loadWatcher_.result();
  if (!loaded.error.isEmpty()) {
    setStatus(loaded.error);
    Q_EMIT failed(loaded.error);
    return;
  }
  const bool sameCells = data_ && data_->barcodes() == loaded.data->barcodes();
  const std::vector<std::size_t> selection = sameCells ? embedding_->selection() : std::vector<std::size_t>{};
  data_ = std::move(loaded.data);
  if (colouring_.kind == Colouring::Kind::Cluster && !data_->hasClusters()) colouring_ = {};
  fillColourChoice();
  static_cast<QStringListModel*>(completer_->model())->setStringList(data_->genes());
  embedding_->setModel(std::move(loaded.model), sameCells);
  embedding_->setSelection(selection);  // a re-run of the same cells keeps the group
  stack_->setCurrentIndex(1);
  exportButton_->setEnabled(true);
  onSelectionChanged();
  Q_EMIT cellsReady();
}

void CellViewPanel::fillColourChoice() {
  const QSignalBlocker block(colourChoice_);
  colourChoice_->clear();
  if (data_->hasClusters()) colourChoice_->addItem(tr("Cluster"), colouringData(Colouring::Kind::Cluster, {}));
  for (const QString& column : data_->annotationColumns())
    colourChoice_->addItem(tr("Annotation: %1").arg(column), colouringData(Colouring::Kind::Annotation, column));
  for (const QString& column : data_->qcColumns())
    colourChoice_->addItem(tr("QC: %1").arg(column), colouringData(Colouring::Kind::Qc, column));
  colourChoice_->addItem(tr("Gene expression"), colouringData(Colouring::Kind::Gene, {}));
  colourChoice_->addItem(tr("None"), colouringData(Colouring::Kind::Plain, {}));
  const QString name = QString::fromStdString(colouring_.name);
  for (int i = 0; i < colourChoice_->count(); ++i) {
    const Colouring c = colouringOf(colourChoice_->itemData(i));
    if (c.kind == colouring_.kind && (c.kind == Colouring::Kind::Gene || c.name == colouring_.name)) {
      colourChoice_->setCurrentIndex(i);
      break;
    }
  }
  if (colouring_.kind == Colouring::Kind::Gene) geneSearch_->setText(name);
}

void CellViewPanel::onColourChoice(int index) {
  const Colouring chosen = colouringOf(colourChoice_->itemData(index));
  if (chosen.kind == Colouring::Kind::Gene) {
    if (!geneSearch_->text().trimmed().isEmpty() && colourByGene(geneSearch_->text().trimmed())) return;
    geneSearch_->setFocus();
    setStatus(tr("Type a gene name"));
    return;
  }
  colourBy(chosen);
}

bool CellViewPanel::colourByGene(const QString& gene) {
  if (!data_ || !data_->hasGene(gene.toStdString())) return false;
  if (geneSearch_->text() != gene) geneSearch_->setText(gene);
  colourBy({Colouring::Kind::Gene, gene.toStdString()});
  return true;
}

void CellViewPanel::colourBy(const Colouring& colouring) {
  if (!data_) return;
  colouring_ = colouring;
  {
    const QSignalBlocker block(colourChoice_);
    for (int i = 0; i < colourChoice_->count(); ++i) {
      const Colouring c = colouringOf(colourChoice_->itemData(i));
      if (c.kind == colouring.kind && (c.kind == Colouring::Kind::Gene || c.name == colouring.name))
        colourChoice_->setCurrentIndex(i);
    }
  }
  setStatus(tr("Colouring ..."));
  const std::vector<std::size_t> selected = markers_ ? embedding_->selection() : std::vector<std::size_t>{};
  drawWatcher_.setFuture(QtConcurrent::run([data = data_, colouring, selected] {
    Drawn drawn;
    try {
      drawn.model = data->model(colouring);
      if (colouring.kind == Colouring::Kind::Gene && !selected.empty()) {
        drawn.violin = data->violin(colouring.name, selected);
        drawn.gene = QString::fromStdString(colouring.name);
      }
    } catch (const std::exception& error) {
      drawn.error = QString::fromUtf8(error.what());
    }
    return drawn;
  }));
}

void CellViewPanel::onDrawn() {
  Drawn drawn = drawWatcher_.result();
  if (!drawn.error.isEmpty()) {
    setStatus(drawn.error);
    Q_EMIT failed(drawn.error);
    return;
  }
  const std::vector<std::size_t> selection = embedding_->selection();  // the same cells: keep the group and view
  embedding_->setModel(std::move(drawn.model), true);
  embedding_->setSelection(selection);
  if (drawn.violin) {
    violin_->setModel(std::move(*drawn.violin));
    violinGene_ = drawn.gene;
  }
  onSelectionChanged();
  Q_EMIT colouringShown();
}

void CellViewPanel::onSelectionChanged() {
  const std::size_t selected = embedding_->selection().size();
  markersButton_->setEnabled(selected > 0 && data_ && selected < data_->cells());
  if (!data_) return;
  setStatus(selected ? tr("%L1 cells, %L2 selected").arg(data_->cells()).arg(selected) : tr("%L1 cells").arg(data_->cells()));
  if (selected > 0 && selected < data_->cells() && sender() == embedding_) markersTimer_.start();
}

void CellViewPanel::findMarkers() {
  markersTimer_.stop();
  if (!data_) return;
  const std::vector<std::size_t> selected = embedding_->selection();
  setStatus(tr("Markers of %L1 cells ...").arg(selected.size()));
  // The violin shows the gene the cells are coloured by, else the best marker.
  const std::string gene = colouring_.kind == Colouring::Kind::Gene ? colouring_.name : std::string();
  markersWatcher_.setFuture(QtConcurrent::run([data = data_, selected, gene] {
    Found found;
    try {
      found.markers = data->markers(selected);
      found.table = std::make_shared<const data::Table>(data->markerTable(*found.markers));
      found.volcano = data->markerVolcano(*found.markers, selected.size());
      found.dots = data->markerDots(*found.markers, selected);
      std::string shown = gene;
      if (shown.empty()) shown = data->displayName(static_cast<std::size_t>(found.markers->order.front()));
      found.violin = data->violin(shown, selected);
      found.violinGene = QString::fromStdString(shown);
    } catch (const std::exception& error) {
      found.error = QString::fromUtf8(error.what());
    }
    return found;
  }));
}

void CellViewPanel::onMarkers() {
  Found found = markersWatcher_.result();
  if (!found.error.isEmpty()) {
    setStatus(found.error);
    Q_EMIT failed(found.error);
    return;
  }
  markers_ = std::move(found.markers);
  markerRows_ = found.table;
  markerTable_->setTable(*markerRows_, markerRows_);
  volcano_->setModel(std::move(found.volcano));
  dots_->setModel(std::move(found.dots));
  violin_->setModel(std::move(found.violin));
  violinGene_ = found.violinGene;
  markerPlots_->parentWidget()->show();
  if (!markerLink_) markerLink_ = new LinkedSelection(volcano_, markerTable_, QStringLiteral("gene"), this);
  else markerLink_->rematch();
  std::size_t significant = 0;
  for (double p : markers_->pvaluesAdjusted) significant += p < 0.05;
  setStatus(tr("%L1 cells selected: %L2 genes with padj < 0.05").arg(embedding_->selection().size()).arg(significant));
  Q_EMIT markersReady();
}

QFuture<QString> CellViewPanel::exportCells(const QString& path) const {
  return QtConcurrent::run([data = data_, selected = embedding_->selection(), path]() -> QString {
    if (!data) return tr("there are no cells to export");
    try {
      if (path.endsWith(".h5ad", Qt::CaseInsensitive)) data->exportH5ad(path.toStdString(), selected);
      else data->exportCsv(path.toStdString(), selected);
    } catch (const std::exception& error) {
      return QString::fromUtf8(error.what());
    }
    return {};
  });
}

}  // namespace diffbio::widgets

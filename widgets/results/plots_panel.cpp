#include "widgets/results/plots_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

#include "plots/de_plots.h"
#include "plots/figure_export.h"
#include "plots/plot_view.h"
#include "widgets/results/linked_selection.h"

namespace diffbio::widgets {

namespace {
const QString kDeGroup = QStringLiteral("DE");
}

PlotsPanel::PlotsPanel(QWidget* parent)
    : QWidget(parent), choice_(new QComboBox(this)), status_(new QLabel(this)), selected_(new QLabel(this)),
      exportButton_(new QToolButton(this)), exportSelectionButton_(new QToolButton(this)),
      stack_(new QStackedWidget(this)), view_(new plots::PlotView(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  auto* tools = new QHBoxLayout;
  choice_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  choice_->setMinimumContentsLength(26);  // "Read QC: retained bases per read" stays readable
  tools->addWidget(new QLabel(tr("Plot:"), this));
  tools->addWidget(choice_);
  tools->addWidget(status_, 1);
  tools->addWidget(selected_);
  exportSelectionButton_->setText(tr("Export selection..."));
  exportSelectionButton_->setToolTip(tr("Write the IDs of the selected points (genes, cells) to a CSV file"));
  exportSelectionButton_->setEnabled(false);
  tools->addWidget(exportSelectionButton_);
  exportButton_->setText(tr("Export plot..."));
  exportButton_->setToolTip(tr("Save the plot as it is shown: PNG (300 dpi), SVG or PDF with every point, or the "
                               "plotted data as CSV"));
  exportButton_->setEnabled(false);
  tools->addWidget(exportButton_);
  layout->addLayout(tools);
  auto* placeholder = new QLabel(tr("Plots appear here once a pipeline has produced results:\n"
                                    "DE results (volcano, MA, ...) or read QC."),
                                 this);
  placeholder->setAlignment(Qt::AlignCenter);
  placeholder->setStyleSheet("color: #888; background: white;");
  stack_->addWidget(placeholder);
  view_->setMinimumSize(240, 180);  // the dock decides the size; the tables beside it need the room
  stack_->addWidget(view_);
  layout->addWidget(stack_, 1);
  selected_->hide();
  connect(choice_, &QComboBox::currentIndexChanged, this, [this](int index) { selectPlot(index); });
  connect(exportButton_, &QToolButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export plot"), currentPlotName() + ".png",
                                                      tr("PNG (*.png);;SVG (*.svg);;PDF (*.pdf);;Plotted data (*.csv)"));
    if (path.isEmpty()) return;
    status_->setText(tr("Writing %1 ...").arg(path));
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
      const QString problem = watcher->result();
      status_->setText(problem.isEmpty() ? tr("Wrote %1").arg(path) : problem);
      watcher->deleteLater();
    });
    watcher->setFuture(exportCurrentPlot(path));
  });
  connect(exportSelectionButton_, &QToolButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export selection"), "selection.csv", tr("CSV (*.csv)"));
    if (path.isEmpty()) return;
    const QString problem = exportSelection(path);
    if (!problem.isEmpty()) QMessageBox::warning(this, tr("Selection not written"), problem);
  });
}

PlotsPanel::~PlotsPanel() {
  for (auto& group : groups_)
    if (group->watcher) group->watcher->waitForFinished();
}

PlotsPanel::Group& PlotsPanel::group(const QString& name) {
  for (auto& group : groups_)
    if (group->name == name) return *group;
  groups_.push_back(std::make_unique<Group>());
  Group& group = *groups_.back();
  group.name = name;
  group.watcher = std::make_unique<QFutureWatcher<Built>>();
  connect(group.watcher.get(), &QFutureWatcher<Built>::finished, this, [this, &group] {
    Built built = group.watcher->result();
    if (!built.error.isEmpty()) {
      status_->setText(built.error);
      return;
    }
    const QString keep = currentPlotName();
    const bool first = group.figures.empty();
    group.figures = std::move(built.figures);
    status_->clear();
    // A re-run keeps the figure on screen; new figures are shown when they appear.
    rebuildChoice(first && !group.figures.empty() ? group.figures.front().name : keep);
    Q_EMIT plotsReady();
  });
  return group;
}

void PlotsPanel::showResults(const data::Table& table, std::shared_ptr<const void> keepAlive, const QString& source) {
  const std::string name = source.toStdString();
  showFigures(kDeGroup, [&table, keepAlive, name] {
    const plots::DeResults results = plots::deResultsFromTable(table, name);
    plots::DePlotOptions options;
    options.alpha = 0.1;  // DESeq2's results() default, as the pipeline's results node
    return std::vector<Figure>{{tr("Volcano"), plots::volcanoPlot(results, options)},
                               {tr("MA"), plots::maPlot(results, options)},
                               {tr("p-value histogram"), plots::pvalueHistogram(results, options)},
                               {tr("Q-Q"), plots::qqPlot(results.pvalue, options)}};
  }, source);
}

void PlotsPanel::showFigures(const QString& name, std::function<std::vector<Figure>()> build, const QString& what) {
  status_->setText(tr("Drawing %1 ...").arg(what));
  group(name).watcher->setFuture(QtConcurrent::run([build = std::move(build)] {
    Built built;
    try {
      built.figures = build();
    } catch (const std::exception& error) {
      built.error = QString::fromUtf8(error.what());
    }
    return built;
  }));
}

void PlotsPanel::removeGroup(const QString& name) {
  for (auto it = groups_.begin(); it != groups_.end(); ++it) {
    if ((*it)->name != name) continue;
    (*it)->watcher->waitForFinished();
    groups_.erase(it);
    rebuildChoice(currentPlotName());
    return;
  }
}

int PlotsPanel::plotCount() const {
  int n = 0;
  for (const auto& group : groups_) n += static_cast<int>(group->figures.size());
  return n;
}

QStringList PlotsPanel::plotNames() const {
  QStringList names;
  for (const auto& group : groups_)
    for (const auto& figure : group->figures) names << figure.name;
  return names;
}

QStringList PlotsPanel::groupPlotNames(const QString& name) const {
  QStringList names;
  for (const auto& group : groups_)
    if (group->name == name)
      for (const auto& figure : group->figures) names << figure.name;
  return names;
}

const Figure* PlotsPanel::figure(int index) const {
  for (const auto& group : groups_) {
    if (index < static_cast<int>(group->figures.size())) return index < 0 ? nullptr : &group->figures[index];
    index -= static_cast<int>(group->figures.size());
  }
  return nullptr;
}

QString PlotsPanel::currentPlotName() const { return choice_->currentText(); }

void PlotsPanel::rebuildChoice(const QString& keep) {
  const QStringList names = plotNames();
  {
    const QSignalBlocker block(choice_);
    choice_->clear();
    choice_->addItems(names);
  }
  const int index = std::max<int>(0, static_cast<int>(names.indexOf(keep)));
  if (names.isEmpty()) {
    stack_->setCurrentIndex(0);
    exportButton_->setEnabled(false);
    return;
  }
  choice_->setCurrentIndex(index);
  selectPlot(index);
}

void PlotsPanel::selectPlot(int index) {
  const Figure* shown = figure(index);
  if (!shown) return;
  if (choice_->currentIndex() != index) {
    const QSignalBlocker block(choice_);
    choice_->setCurrentIndex(index);
  }
  view_->setModel(shown->model);
  stack_->setCurrentWidget(view_);
  exportButton_->setEnabled(true);
  if (link_) link_->rematch();
  Q_EMIT plotShown(index);
}

bool PlotsPanel::selectPlot(const QString& name) {
  const int index = static_cast<int>(plotNames().indexOf(name));
  if (index < 0) return false;
  selectPlot(index);
  return true;
}

QFuture<QString> PlotsPanel::exportCurrentPlot(const QString& path) const {
  plots::PlotModel model = view_->model();  // a copy: the worker must not read what the view may edit
  const plots::DataRange range = view_->viewRange();
  model.autoRange = false;  // what is on screen, zoom included
  model.xMin = range.xMin;
  model.xMax = range.xMax;
  model.yMin = range.yMin;
  model.yMax = range.yMax;
  return QtConcurrent::run([model = std::move(model), path]() -> QString {
    try {
      plots::exportFigure(model, path.toStdString());
      return {};
    } catch (const std::exception& error) {
      return QString::fromUtf8(error.what());
    }
  });
}

void PlotsPanel::setLinkedSelection(LinkedSelection* link) {
  if (link_) disconnect(link_, nullptr, this, nullptr);
  link_ = link;
  if (link_) connect(link_, &LinkedSelection::selectionChanged, this, &PlotsPanel::updateSelectionLabel);
  updateSelectionLabel();
}

LinkedSelection* PlotsPanel::linkedSelection() const { return link_; }

void PlotsPanel::updateSelectionLabel() {
  const std::size_t n = link_ ? link_->selectedCount() : 0;
  exportSelectionButton_->setEnabled(n > 0);
  selected_->setVisible(n > 0);
  selected_->setText(tr("%L1 selected").arg(n));
}

QString PlotsPanel::exportSelection(const QString& path) const {
  if (!link_ || link_->selectedCount() == 0) return tr("nothing is selected");
  try {
    link_->exportSelection(path);
  } catch (const std::exception& error) {
    return QString::fromUtf8(error.what());
  }
  return {};
}

}  // namespace diffbio::widgets

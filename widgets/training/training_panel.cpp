#include "widgets/training/training_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <limits>

#include "core/data/table.h"
#include "core/ops/registry.h"
#include "core/train/demo_pipelines.h"
#include "plots/loss_curve_plot.h"
#include "widgets/training/loss_curve_view.h"
#include "widgets/training/training_event_buffer.h"

namespace diffbio::widgets {

namespace {

constexpr int kRedrawMilliseconds = 34;  // <= 30 redraws per second
constexpr const char* kMetricPrefix = "metric: ";

QString duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("–");
  const int s = int(std::lround(seconds));
  return s >= 60 ? QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60) : QStringLiteral("%1 s").arg(s);
}

}  // namespace

TrainingPanel::TrainingPanel(QWidget* parent)
    : QWidget(parent), executor_(std::make_unique<pipeline::Executor>()),
      events_(std::make_unique<TrainingEventBuffer>()) {
  executor_->setTraining(events_.get(), &pause_);
  buildUi();
  connect(&watcher_, &QFutureWatcher<pipeline::RunSummary>::finished, this, &TrainingPanel::runFinished);
  setPipeline({});
}

TrainingPanel::~TrainingPanel() {
  if (running_) {
    cancel_.cancel();
    pause_.resume();
    watcher_.waitForFinished();
  }
}

void TrainingPanel::buildUi() {
  loss_ = new QComboBox;
  optimizer_ = new QComboBox;
  optimizer_->addItems({"adam", "adamw", "sgd", "lbfgs"});
  learningRate_ = new QDoubleSpinBox;
  learningRate_->setDecimals(6);
  learningRate_->setRange(1e-6, 10);
  learningRate_->setSingleStep(1e-3);
  learningRate_->setValue(1e-2);
  epochs_ = new QSpinBox;
  epochs_->setRange(1, 1000000);
  epochs_->setValue(100);
  validationFraction_ = new QDoubleSpinBox;
  validationFraction_->setRange(0, 0.9);
  validationFraction_->setSingleStep(0.05);
  validationFraction_->setDecimals(2);
  validationFraction_->setSpecialValueText(tr("none"));
  validationFraction_->setToolTip(tr("Fraction of the node's items (genes for the DE demo) held out: the loss is "
                                     "trained on the others and evaluated on these after every epoch."));
  patience_ = new QSpinBox;
  patience_->setRange(0, 1000000);
  patience_->setSpecialValueText(tr("off"));
  patience_->setToolTip(tr("Early stopping: stop after this many epochs without a better validation loss."));
  minDelta_ = new QDoubleSpinBox;
  minDelta_->setDecimals(6);
  minDelta_->setRange(0, 1e6);
  minDelta_->setSingleStep(1e-4);
  minDelta_->setToolTip(tr("A validation loss counts as better when lower than the best by more than this."));
  restoreBest_ = new QCheckBox(tr("Restore best"));
  restoreBest_->setChecked(true);
  restoreBest_->setToolTip(tr("End with the parameters of the epoch with the best validation loss."));
  batchSize_ = new QSpinBox;
  batchSize_->setRange(0, 100000000);
  batchSize_->setSpecialValueText(tr("full batch"));
  batchSize_->setToolTip(tr("Mini-batches of this many items, one step each (nodes that support batches)."));
  auto* validationRow = new QHBoxLayout;
  validationRow->addWidget(validationFraction_);
  validationRow->addWidget(new QLabel(tr("patience")));
  validationRow->addWidget(patience_);
  validationRow->addWidget(new QLabel(tr("min Δ")));
  validationRow->addWidget(minDelta_);
  validationRow->addWidget(restoreBest_);
  auto* settings = new QFormLayout;
  settings->addRow(tr("Loss"), loss_);
  settings->addRow(tr("Optimiser"), optimizer_);
  settings->addRow(tr("Learning rate"), learningRate_);
  settings->addRow(tr("Epochs"), epochs_);
  settings->addRow(tr("Validation"), validationRow);
  settings->addRow(tr("Batch size"), batchSize_);

  trainButton_ = new QPushButton(tr("Train"));
  pauseButton_ = new QPushButton(tr("Pause"));
  stopButton_ = new QPushButton(tr("Stop"));
  connect(trainButton_, &QPushButton::clicked, this, &TrainingPanel::train);
  connect(pauseButton_, &QPushButton::clicked, this, &TrainingPanel::togglePause);
  connect(stopButton_, &QPushButton::clicked, this, &TrainingPanel::stop);
  auto* buttons = new QHBoxLayout;
  buttons->addWidget(trainButton_);
  buttons->addWidget(pauseButton_);
  buttons->addWidget(stopButton_);

  progress_ = new QProgressBar;
  progress_->setRange(0, 1);
  progress_->setValue(0);
  eta_ = new QLabel;
  status_ = new QLabel;
  status_->setWordWrap(true);
  auto* progressRow = new QHBoxLayout;
  progressRow->addWidget(progress_, 1);
  progressRow->addWidget(eta_);

  logScale_ = new QCheckBox(tr("Log scale"));
  smoothing_ = new QDoubleSpinBox;
  smoothing_->setRange(0, 0.99);
  smoothing_->setSingleStep(0.1);
  smoothing_->setPrefix(tr("smoothing "));
  connect(logScale_, &QCheckBox::toggled, this, &TrainingPanel::redrawCurves);
  connect(smoothing_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &TrainingPanel::redrawCurves);
  auto* curveOptions = new QHBoxLayout;
  curveOptions->addWidget(logScale_);
  curveOptions->addWidget(smoothing_);
  curveOptions->addStretch();

  lossView_ = new LossCurveView;
  traceView_ = new LossCurveView;
  traces_ = new QListWidget;
  traces_->setMaximumHeight(110);
  connect(traces_, &QListWidget::itemChanged, this, &TrainingPanel::redrawCurves);

  metricsTable_ = new QTableWidget;
  metricsTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  metricsTable_->horizontalHeader()->setStretchLastSection(true);
  metricsTable_->setMaximumHeight(170);

  applyButton_ = new QPushButton(tr("Apply trained parameters"));
  saveButton_ = new QPushButton(tr("Save checkpoint…"));
  loadButton_ = new QPushButton(tr("Load checkpoint…"));
  connect(applyButton_, &QPushButton::clicked, this, &TrainingPanel::applyTrainedParameters);
  connect(saveButton_, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save checkpoint"), {}, tr("Checkpoints (*.pt)"));
    if (!path.isEmpty()) saveCheckpoint(path);
  });
  connect(loadButton_, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load checkpoint"), {}, tr("Checkpoints (*.pt)"));
    if (!path.isEmpty()) loadCheckpoint(path);
  });
  auto* fileButtons = new QHBoxLayout;
  fileButtons->addWidget(applyButton_);
  fileButtons->addWidget(saveButton_);
  fileButtons->addWidget(loadButton_);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(settings);
  layout->addLayout(buttons);
  layout->addLayout(progressRow);
  layout->addWidget(status_);
  layout->addLayout(curveOptions);
  layout->addWidget(lossView_, 2);
  layout->addWidget(new QLabel(tr("Traces")));
  layout->addWidget(traces_);
  layout->addWidget(traceView_, 1);
  layout->addWidget(new QLabel(tr("Metrics")));
  layout->addWidget(metricsTable_);
  layout->addLayout(fileButtons);

  timer_ = new QTimer(this);
  timer_->setInterval(kRedrawMilliseconds);
  connect(timer_, &QTimer::timeout, this, &TrainingPanel::drainEvents);
}

bool TrainingPanel::setPipeline(const pipeline::Graph& graph, const QString& pipelineFolder) {
  graph_ = graph;
  folder_ = pipelineFolder;
  trainNode_.clear();
  const auto& registry = ops::Registry::global();
  for (const auto& node : graph_.nodes())
    if (const auto* spec = registry.findSpec(node.operatorId); spec && train::isTrainingOperator(*spec)) {
      trainNode_ = node.id;
      break;
    }
  loss_->clear();
  if (!trainNode_.empty()) {
    const auto& node = graph_.node(trainNode_);
    const auto& spec = registry.spec(node.operatorId);
    const auto values = spec.withDefaults(node.parameters);
    if (const auto* lossSpec = spec.findParameter("loss"))
      for (const auto& choice : lossSpec->choices) loss_->addItem(QString::fromStdString(choice));
    if (values.has("loss")) loss_->setCurrentText(QString::fromStdString(values.text("loss")));
    optimizer_->setCurrentText(QString::fromStdString(values.text("optimizer")));
    learningRate_->setValue(values.real("learning_rate"));
    epochs_->setValue(int(values.integer("epochs")));
    if (values.has("validation_fraction")) validationFraction_->setValue(values.real("validation_fraction"));
    if (values.has("patience")) patience_->setValue(int(values.integer("patience")));
    if (values.has("min_delta")) minDelta_->setValue(values.real("min_delta"));
    if (values.has("restore_best")) restoreBest_->setChecked(values.flag("restore_best"));
    if (values.has("batch_size")) batchSize_->setValue(int(values.integer("batch_size")));
    resumeFrom_ = QString::fromStdString(values.text("resume_from"));
  }
  loss_->setEnabled(loss_->count() > 0);
  executor_->setPipelineFolder(folder_.toStdString());
  status_->setText(trainNode_.empty() ? tr("The pipeline has no training node.")
                                      : tr("Ready to train node \"%1\".").arg(QString::fromStdString(trainNode_)));
  setRunning(false);
  return !trainNode_.empty();
}

void TrainingPanel::loadDemo() { setPipeline(train::deTrainingDemoPipeline()); }

void TrainingPanel::setEpochs(int epochs) { epochs_->setValue(epochs); }
void TrainingPanel::setLearningRate(double rate) { learningRate_->setValue(rate); }
void TrainingPanel::setOptimizer(const QString& name) { optimizer_->setCurrentText(name); }
void TrainingPanel::setValidation(double fraction, int patience, double minDelta, bool restoreBest) {
  validationFraction_->setValue(fraction);
  patience_->setValue(patience);
  minDelta_->setValue(minDelta);
  restoreBest_->setChecked(restoreBest);
}
void TrainingPanel::setBatchSize(int batchSize) { batchSize_->setValue(batchSize); }
int TrainingPanel::stepsAfterStop() const { return events_->stepsAfterStop(); }

std::string TrainingPanel::checkpointFile() const {
  return scratch_ ? (scratch_->path() + "/checkpoint.pt").toStdString() : std::string();
}

void TrainingPanel::setRunning(bool running) {
  running_ = running;
  const bool trainable = !trainNode_.empty();
  trainButton_->setEnabled(trainable && !running);
  pauseButton_->setEnabled(running);
  stopButton_->setEnabled(running);
  for (QWidget* w : std::initializer_list<QWidget*>{loss_, optimizer_, learningRate_, epochs_, validationFraction_,
                                                    patience_, minDelta_, restoreBest_, batchSize_, loadButton_})
    w->setEnabled(trainable && !running && (w != loss_ || loss_->count() > 0));
  const bool haveCheckpoint = !running && scratch_ && QFile::exists(QString::fromStdString(checkpointFile()));
  saveButton_->setEnabled(haveCheckpoint);
  applyButton_->setEnabled(!running && model_.has_value() &&
                           (!model_->updates.empty() || !savedCheckpoint_.isEmpty() || haveCheckpoint));
}

void TrainingPanel::train() {
  if (running_ || trainNode_.empty()) return;
  if (!scratch_) scratch_ = std::make_unique<QTemporaryDir>();
  // Sinks of the pipeline (e.g. the demo's trained results table) write here, never into the working directory.
  executor_->setOutputFolder(scratch_->path().toStdString());
  pipeline::Graph graph = graph_;
  graph.setParameter(trainNode_, "epochs", std::int64_t{epochs_->value()});
  graph.setParameter(trainNode_, "learning_rate", learningRate_->value());
  graph.setParameter(trainNode_, "optimizer", optimizer_->currentText().toStdString());
  if (loss_->count() > 0) graph.setParameter(trainNode_, "loss", loss_->currentText().toStdString());
  // The standard validation and batch parameters (a node spec without them, e.g. an older operator, is left alone).
  if (const auto* spec = ops::Registry::global().findSpec(graph.node(trainNode_).operatorId);
      spec && spec->findParameter("validation_fraction")) {
    graph.setParameter(trainNode_, "validation_fraction", validationFraction_->value());
    graph.setParameter(trainNode_, "patience", std::int64_t{patience_->value()});
    graph.setParameter(trainNode_, "min_delta", minDelta_->value());
    graph.setParameter(trainNode_, "restore_best", restoreBest_->isChecked());
    graph.setParameter(trainNode_, "batch_size", std::int64_t{batchSize_->value()});
  }
  graph.setParameter(trainNode_, "resume_from", resumeFrom_.toStdString());
  graph.setParameter(trainNode_, "checkpoint", checkpointFile());
  graph.setParameter(trainNode_, "log", std::string());
  executor_->markStale(graph, trainNode_);  // always train again, even with unchanged settings

  steps_.clear();
  losses_.clear();
  series_.clear();
  totalSteps_ = 0;
  model_.reset();
  traces_->clear();
  metricsTable_->clear();
  metricsTable_->setRowCount(0);
  metricsTable_->setColumnCount(0);
  progress_->setRange(0, 1);
  progress_->setValue(0);
  eta_->clear();
  events_->take();
  cancel_.reset();
  events_->watchStop(&cancel_);
  pause_.resume();
  pauseButton_->setText(tr("Pause"));
  stopRequested_ = false;
  stopLatencyMs_.reset();
  status_->setText(tr("Running the pipeline up to node \"%1\"…").arg(QString::fromStdString(trainNode_)));
  setRunning(true);
  redrawCurves();
  watcher_.setFuture(QtConcurrent::run([this, graph] {
    pipeline::RunSummary summary = executor_->run(graph, cancel_);
    finishedAt_ = std::chrono::steady_clock::now();
    return summary;
  }));
  timer_->start();
  Q_EMIT trainingStarted();
}

void TrainingPanel::togglePause() {
  if (!running_) return;
  if (pause_.paused()) {
    pause_.resume();
    pauseButton_->setText(tr("Pause"));
    status_->setText(tr("Training…"));
  } else {
    pause_.pause();
    pauseButton_->setText(tr("Resume"));
    status_->setText(tr("Paused after the current step."));
  }
}

void TrainingPanel::stop() {
  if (!running_ || stopRequested_) return;
  stopRequested_ = true;
  stopAt_ = std::chrono::steady_clock::now();
  cancel_.cancel();  // a paused trainer notices within 20 ms (PauseGate polls the token)
  status_->setText(tr("Stopping…"));
}

void TrainingPanel::drainEvents() {
  TrainingEventBuffer::Batch batch = events_->take();
  if (batch.start) {
    totalSteps_ = batch.start->totalSteps;
    progress_->setRange(0, int(std::min<std::int64_t>(totalSteps_, std::numeric_limits<int>::max())));
    progress_->setValue(int(batch.start->firstStep));
    traces_->blockSignals(true);
    for (const auto& name : batch.start->traceNames) {
      auto* item = new QListWidgetItem(QString::fromStdString(name), traces_);
      item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
      item->setCheckState(Qt::Unchecked);
    }
    traces_->blockSignals(false);
    if (!pause_.paused()) status_->setText(tr("Training…"));
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& event : batch.steps) {
    const std::size_t row = steps_.size();
    steps_.push_back(double(event.step));
    losses_.push_back(event.loss);
    auto put = [&](const std::string& name, double value) {
      auto& column = series_[name];
      column.resize(row, nan);
      column.push_back(value);
    };
    if (event.components.size() > 1)
      for (const auto& [name, value] : event.components) put(name, value);
    for (const auto& [name, value] : event.metrics) put(kMetricPrefix + name, value);
    for (const auto& [name, value] : event.traces) put(name, value);
    if (event.validationLoss) put("validation", *event.validationLoss);
    for (const auto& [name, value] : event.validationMetrics) {
      const std::string key = kMetricPrefix + ("validation_" + name);
      if (!series_.count(key)) addTraceItem(key, false, int(event.metrics.size()));
      put(key, value);
    }
    if (row == 0) {
      // Metrics are offered as traces too; F1 (or else the first metric) is shown by default.
      const std::string shown = event.metrics.count("f1") ? "f1" : event.metrics.empty() ? "" : event.metrics.begin()->first;
      int position = 0;
      for (const auto& [name, value] : event.metrics) addTraceItem(kMetricPrefix + name, name == shown, position++);
    }
    progress_->setValue(int(event.step));
    eta_->setText(tr("ETA %1").arg(duration(event.etaSeconds)));
    dirty_ = true;
  }
  if (dirty_) redrawCurves();
}

void TrainingPanel::redrawCurves() {
  dirty_ = false;
  ++curveRedraws_;
  plots::LossCurveOptions options;
  options.logY = logScale_->isChecked();
  options.smoothing = smoothing_->value();
  std::vector<plots::LossSeries> loss{{QStringLiteral("loss"), steps_, losses_, {}}};
  for (const auto& [name, values] : series_)
    if (name.rfind(kMetricPrefix, 0) != 0 && !values.empty() &&
        (name == "validation" || name.find('[') == std::string::npos)) {
      std::vector<double> padded = values;
      padded.resize(steps_.size(), std::numeric_limits<double>::quiet_NaN());
      loss.push_back({QString::fromStdString(name), steps_, padded, {}});
    }
  lossView_->setModel(plots::lossCurvePlot(loss, options));

  std::vector<plots::LossSeries> traced;
  for (int i = 0; i < traces_->count(); ++i) {
    const auto* item = traces_->item(i);
    if (item->checkState() != Qt::Checked) continue;
    const auto found = series_.find(item->text().toStdString());
    if (found == series_.end()) continue;
    std::vector<double> padded = found->second;
    padded.resize(steps_.size(), std::numeric_limits<double>::quiet_NaN());
    traced.push_back({item->text(), steps_, padded, {}});
  }
  plots::LossCurveOptions traceOptions;
  traceOptions.yLabel = tr("value");
  traceView_->setModel(plots::lossCurvePlot(traced, traceOptions));
}

void TrainingPanel::addTraceItem(const std::string& name, bool checked, int position) {
  traces_->blockSignals(true);
  auto* item = new QListWidgetItem(QString::fromStdString(name));
  item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
  item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
  traces_->insertItem(position < 0 ? traces_->count() : position, item);
  traces_->blockSignals(false);
}

QStringList TrainingPanel::traceNames() const {
  QStringList names;
  for (int i = 0; i < traces_->count(); ++i) names << traces_->item(i)->text();
  return names;
}

void TrainingPanel::setShownTraces(const QStringList& names) {
  traces_->blockSignals(true);
  for (int i = 0; i < traces_->count(); ++i)
    traces_->item(i)->setCheckState(names.contains(traces_->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
  traces_->blockSignals(false);
  redrawCurves();
}

QString TrainingPanel::statusText() const { return status_->text(); }

void TrainingPanel::runFinished() {
  timer_->stop();
  drainEvents();
  const pipeline::RunSummary summary = watcher_.result();
  if (stopRequested_)
    stopLatencyMs_ = std::chrono::duration<double, std::milli>(finishedAt_ - stopAt_).count();
  QString result;
  if (summary.cancelled) {
    result = tr("cancelled after step %1").arg(steps_.empty() ? 0 : qint64(steps_.back()));
  } else if (!summary.failed.empty()) {
    const auto& id = summary.failed.front();
    result = tr("failed: node \"%1\": %2")
                 .arg(QString::fromStdString(id), QString::fromStdString(executor_->status(id).message));
  } else {
    if (const auto model = executor_->output(trainNode_, "model")) {
      model_ = model->as<train::TrainedModel>();
      result = QString::fromStdString(model_->result.message);
    }
    fillMetrics(executor_->output(trainNode_, "metrics"));
  }
  status_->setText(result + (stopLatencyMs_ ? tr(" (stopped %1 ms after Stop)").arg(*stopLatencyMs_, 0, 'f', 0) : ""));
  setRunning(false);
  Q_EMIT trainingFinished(result);
}

void TrainingPanel::fillMetrics(const ops::ValuePtr& metrics) {
  if (!metrics) return;
  const auto& table = metrics->as<data::Table>();
  metricsTable_->setRowCount(int(table.nRows()));
  metricsTable_->setColumnCount(int(table.nColumns()));
  QStringList headers, rows;
  for (const auto& column : table.columns()) headers << QString::fromStdString(column.name());
  for (const auto& name : table.rowNames()) rows << QString::fromStdString(name);
  metricsTable_->setHorizontalHeaderLabels(headers);
  metricsTable_->setVerticalHeaderLabels(rows);
  for (std::size_t c = 0; c < table.nColumns(); ++c)
    for (std::size_t r = 0; r < table.nRows(); ++r) {
      const double value = table.column(c).floats()[r];
      const QString text = std::isnan(value) ? QStringLiteral("–")
                           : value == std::floor(value) && std::fabs(value) < 1e9
                               ? QString::number(qint64(value))
                               : QString::number(value, 'f', 4);
      metricsTable_->setItem(int(r), int(c), new QTableWidgetItem(text));
    }
}

bool TrainingPanel::saveCheckpoint(const QString& path) {
  QFile source(QString::fromStdString(checkpointFile()));
  if (running_ || !source.open(QIODevice::ReadOnly)) return false;
  QSaveFile target(path);
  if (!target.open(QIODevice::WriteOnly) || target.write(source.readAll()) < 0 || !target.commit()) {
    status_->setText(tr("Could not write %1: %2").arg(path, target.errorString()));
    return false;
  }
  savedCheckpoint_ = path;
  status_->setText(tr("Saved the checkpoint to %1.").arg(path));
  setRunning(false);
  return true;
}

bool TrainingPanel::loadCheckpoint(const QString& path) {
  if (running_ || trainNode_.empty() || !QFile::exists(path)) return false;
  resumeFrom_ = path;
  graph_.setParameter(trainNode_, "resume_from", path.toStdString());
  status_->setText(tr("The next training continues from %1.").arg(path));
  Q_EMIT pipelineChanged(graph_);
  return true;
}

void TrainingPanel::applyTrainedParameters() {
  if (running_ || !model_) return;
  for (const auto& update : model_->updates)
    if (graph_.findNode(update.nodeId)) graph_.setParameter(update.nodeId, update.parameter, update.value);
  if (model_->updates.empty()) {
    // Per-gene tensors are no node parameters: the node starts from its trained state instead (a checkpoint that
    // is already complete trains no further steps and reports the trained results).
    const QString checkpoint = !savedCheckpoint_.isEmpty() ? savedCheckpoint_ : QString::fromStdString(checkpointFile());
    resumeFrom_ = checkpoint;
    graph_.setParameter(trainNode_, "resume_from", checkpoint.toStdString());
  }
  status_->setText(tr("Applied the trained parameters to the pipeline."));
  Q_EMIT pipelineChanged(graph_);
}

}  // namespace diffbio::widgets

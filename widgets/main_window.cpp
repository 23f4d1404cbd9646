#include "widgets/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollArea>
#include <QActionGroup>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QToolButton>
#include <QUndoStack>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>

#include "core/ops/registry.h"
#include "core/util/threads.h"
#include "widgets/theme.h"
#include "widgets/canvas/pipeline_scene.h"
#include "widgets/canvas/pipeline_view.h"
#include "widgets/data/data_preview_dialog.h"
#include "widgets/document/pipeline_document.h"
#include "widgets/inspector/inspector.h"
#include "widgets/palette/operator_palette.h"
#include "widgets/resources_path.h"
#include "widgets/results/plots_panel.h"
#include "widgets/results/results_panel.h"
#include "widgets/singlecell/cell_view_panel.h"
#include "widgets/training/training_panel.h"

namespace diffbio::widgets {

namespace {

constexpr int kMaxRecent = 10;

QString defaultOutputFolder() {
  return QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation)).filePath("DiffBio Studio");
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), document_(new PipelineDocument(this)), runner_(new JobRunner(ops::Registry::global(), this)),
      scene_(new PipelineScene(document_, this)), view_(new PipelineView(document_, scene_, this)) {
  setObjectName("MainWindow");
  setWindowIcon(QIcon::fromTheme("diffbio-studio"));
  setAcceptDrops(true);
  setDockNestingEnabled(true);
  setCentralWidget(view_);

  buildDocks();
  buildActions();
  buildMenus();
  buildStatusBar();

  autoRunTimer_.setSingleShot(true);
  autoRunTimer_.setInterval(120);  // one run for a burst of edits (typing, slider drags)
  connect(&autoRunTimer_, &QTimer::timeout, this, &MainWindow::runPipeline);

  connect(document_, &PipelineDocument::nodesInvalidated, this, &MainWindow::scheduleAutoRun);
  connect(document_, &PipelineDocument::structureChanged, this, [this] { results_->refresh(document_->graph(), *runner_); });
  connect(document_, &PipelineDocument::fileChanged, this, [this](const QString& path) {
    runner_->setPipelineFolder(path.isEmpty() ? QString() : QFileInfo(path).absolutePath());
    updateTitle();
  });
  connect(document_->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
  connect(scene_, &PipelineScene::currentNodeChanged, inspector_, &Inspector::showNode);
  connect(view_, &PipelineView::filesDropped, this, &MainWindow::openData);
  connect(view_, &PipelineView::message, this, &MainWindow::log);
  connect(palette_, &OperatorPalette::operatorActivated, this, [this](const QString& id) {
    const QPointF centre = view_->mapToScene(view_->viewport()->rect().center());
    scene_->selectNodes({document_->addNode(id.toStdString(), centre)});
  });
  connect(runner_, &JobRunner::nodeStatusChanged, this, &MainWindow::onNodeStatus);
  connect(runner_, &JobRunner::runFinished, this, &MainWindow::onRunFinished);
  connect(runner_, &JobRunner::runStarted, this, [this](quint64 generation, int nodes) {
    runStatus_.clear();
    statusLabel_->setText(tr("Running (%n node(s))...", nullptr, nodes));
    Q_UNUSED(generation);
    updateProgress();
  });
  connect(runner_, &JobRunner::busyChanged, this, [this](bool busy) {
    progress_->setVisible(busy);
    cancelButton_->setVisible(busy);
    cancelAction_->setEnabled(busy);
  });
  connect(&dataWatcher_, &QFutureWatcher<DataInspection>::finished, this, [this] {
    const DataInspection inspection = dataWatcher_.result();
    if (!inspection.error.isEmpty()) log(tr("Could not read: %1").arg(inspection.error));
    if (!inspection.description.isEmpty()) log(inspection.description);
    const bool ok = inspection.error.isEmpty() && !inspection.files.isEmpty();
    if (!dataPreview_) {
      placeLoaders(inspection, false);
      Q_EMIT dataOpened(ok);
      return;
    }
    auto* dialog = new DataPreviewDialog(inspection, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, [this, dialog, inspection, ok](int result) {
      if (result == QDialog::Accepted) placeLoaders(inspection, dialog->samplesAsRows());
      else statusLabel_->setText(tr("Nothing added"));
      Q_EMIT dataOpened(ok && result == QDialog::Accepted);
    });
    dialog->open();
  });

  restoreSettings();
  updateTitle();
}

MainWindow::~MainWindow() { dataWatcher_.waitForFinished(); }

// ---- construction ----

void MainWindow::buildDocks() {
  auto dock = [this](const QString& title, const QString& name, QWidget* content, Qt::DockWidgetArea area) {
    auto* widget = new QDockWidget(title, this);
    widget->setObjectName(name);  // saveState/restoreState find docks by name
    widget->setWidget(content);
    widget->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    addDockWidget(area, widget);
    return widget;
  };
  palette_ = new OperatorPalette(ops::Registry::global(), this);
  dock(tr("Operators"), "paletteDock", palette_, Qt::LeftDockWidgetArea);
  inspector_ = new Inspector(document_, this);
  dock(tr("Inspector"), "inspectorDock", inspector_, Qt::RightDockWidgetArea);
  results_ = new ResultsPanel(this);
  auto* resultsDock = dock(tr("Results"), "resultsDock", results_, Qt::BottomDockWidgetArea);
  results_->plots()->show();
  auto* plotsDock = dock(tr("Plots"), "plotsDock", results_->plots(), Qt::BottomDockWidgetArea);
  splitDockWidget(resultsDock, plotsDock, Qt::Horizontal);
  // The cells of a single-cell run (embedding, lasso -> markers) beside the plots; raised when cells arrive.
  cells_ = new CellViewPanel(this);
  auto* cellsDock = dock(tr("Cells"), "cellsDock", cells_, Qt::BottomDockWidgetArea);
  tabifyDockWidget(plotsDock, cellsDock);
  plotsDock->raise();
  connect(cells_, &CellViewPanel::cellsReady, cellsDock, [this, resultsDock, cellsDock] {
    cellsDock->raise();
    // The embedding, the marker plots and their table need more room than the tables beside them.
    resizeDocks({resultsDock, cellsDock}, {width() * 35 / 100, width() * 65 / 100}, Qt::Horizontal);
  });
  log_ = new QPlainTextEdit(this);
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);
  log_->setPlaceholderText(tr("Messages: runs, errors, what was read"));
  auto* logDock = dock(tr("Messages"), "logDock", log_, Qt::BottomDockWidgetArea);
  tabifyDockWidget(resultsDock, logDock);
  resultsDock->raise();
  resizeDocks({resultsDock, plotsDock}, {3, 2}, Qt::Horizontal);
  resizeDocks({resultsDock}, {330}, Qt::Vertical);
  resizeDocks({findChild<QDockWidget*>("paletteDock"), findChild<QDockWidget*>("inspectorDock")}, {230, 330},
              Qt::Horizontal);
  // The training panel (widgets/training/) trains the pipeline's training node on its own executor; it sees every
  // edit of the document.
  training_ = new TrainingPanel(this);
  // Scrollable, so the panel's many controls never force the window or the right dock column to grow.
  auto* trainingScroll = new QScrollArea(this);
  trainingScroll->setWidget(training_);
  trainingScroll->setWidgetResizable(true);
  trainingScroll->setFrameShape(QFrame::NoFrame);
  auto* trainingDock = dock(tr("Training"), "trainingDock", trainingScroll, Qt::RightDockWidgetArea);
  tabifyDockWidget(findChild<QDockWidget*>("inspectorDock"), trainingDock);
  findChild<QDockWidget*>("inspectorDock")->raise();
  auto updateTraining = [this] { training_->setPipeline(document_->graph(), document_->folder()); };
  connect(document_, &PipelineDocument::structureChanged, training_, updateTraining);
  connect(document_, &PipelineDocument::parameterChanged, training_, updateTraining);
  connect(document_, &PipelineDocument::trainableChanged, training_, updateTraining);
}

void MainWindow::buildActions() {
  runAction_ = new QAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Run"), this);
  runAction_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  runAction_->setToolTip(tr("Run the nodes whose results are out of date (Ctrl+R)"));
  connect(runAction_, &QAction::triggered, this, &MainWindow::runPipeline);
  autoRunAction_ = new QAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("&Auto-run"), this);
  autoRunAction_->setCheckable(true);
  autoRunAction_->setToolTip(tr("Re-run the affected nodes after every edit"));
  connect(autoRunAction_, &QAction::toggled, this, [this](bool on) {
    QSettings().setValue("run/auto", on);
    runAction_->setEnabled(!on);
    if (on) scheduleAutoRun();
  });
  cancelAction_ = new QAction(style()->standardIcon(QStyle::SP_MediaStop), tr("&Cancel"), this);
  cancelAction_->setShortcut(QKeySequence(Qt::Key_Escape));
  cancelAction_->setEnabled(false);
  connect(cancelAction_, &QAction::triggered, this, &MainWindow::cancelRun);
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  file->addAction(tr("&New pipeline"), QKeySequence::New, this, [this] {
    if (confirmDiscard()) document_->replaceGraph({}, {});
  });
  templateMenu_ = file->addMenu(tr("New from &template"));
  for (const QFileInfo& entry : QDir(resourcesDir() + "/pipelines").entryInfoList({"*.json"}, QDir::Files, QDir::Name)) {
    const QString path = entry.absoluteFilePath();
    templateMenu_->addAction(entry.completeBaseName().replace('_', ' '), this, [this, path] {
      if (confirmDiscard()) openTemplate(path);
    });
  }
  templateMenu_->addAction(tr("Demo: bulk DE on pasilla"), this, [this] {
    if (confirmDiscard()) openDemo();
  });
  file->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open pipeline..."), QKeySequence::Open, this, [this] {
    if (!confirmDiscard()) return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open pipeline"), QString(), tr("Pipelines (*.json)"));
    if (!path.isEmpty()) openPipeline(path);
  });
  file->addAction(tr("Open &data..."), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this, [this] {
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open data"), QString(),
        tr("Data (*.tsv *.csv *.txt *.gz *.sf *.mtx *.h5 *.h5ad);;All files (*)"));
    if (!paths.isEmpty()) openData(paths);
  });
  recentMenu_ = file->addMenu(tr("Open &recent"));
  rebuildRecentMenu();
  file->addSeparator();
  file->addAction(style()->standardIcon(QStyle::SP_DialogSaveButton), tr("&Save pipeline"), QKeySequence::Save, this, [this] {
    if (!document_->filePath().isEmpty()) {
      savePipeline(document_->filePath());
      return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Save pipeline"), QString(), tr("Pipelines (*.json)"));
    if (!path.isEmpty()) savePipeline(path);
  });
  file->addAction(tr("Save pipeline &as..."), QKeySequence::SaveAs, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save pipeline"), document_->filePath(), tr("Pipelines (*.json)"));
    if (!path.isEmpty()) savePipeline(path);
  });
  file->addSeparator();
  file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = document_->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setShortcut(QKeySequence::Undo);
  QAction* redo = document_->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setShortcut(QKeySequence::Redo);
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();
  // Canvas shortcuts act while the canvas has focus, so Ctrl+C in a table still copies cells.
  auto canvasAction = [&](const QString& text, QKeySequence key, auto slot) {
    QAction* action = edit->addAction(text, view_, slot);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    view_->addAction(action);
    return action;
  };
  canvasAction(tr("Cu&t"), QKeySequence::Cut, &PipelineView::cutSelection);
  canvasAction(tr("&Copy"), QKeySequence::Copy, &PipelineView::copySelection);
  canvasAction(tr("&Paste"), QKeySequence::Paste, &PipelineView::paste);
  canvasAction(tr("&Delete"), QKeySequence::Delete, &PipelineView::deleteSelection);
  canvasAction(tr("Select &all"), QKeySequence::SelectAll, [this] {
    std::vector<std::string> ids;
    for (const auto& node : document_->graph().nodes()) ids.push_back(node.id);
    scene_->selectNodes(ids);
  });

  QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
  QAction* fit = viewMenu->addAction(tr("&Fit pipeline"), view_, &PipelineView::fitToView);
  fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
  viewMenu->addAction(tr("&Arrange automatically"), this, [this] {
    document_->autoLayout();
    view_->fitToView();
  });
  viewMenu->addAction(tr("Zoom &in"), QKeySequence::ZoomIn, this, [this] { view_->scale(1.2, 1.2); });
  viewMenu->addAction(tr("Zoom &out"), QKeySequence::ZoomOut, this, [this] { view_->scale(1 / 1.2, 1 / 1.2); });
  viewMenu->addSeparator();
  for (auto* dock : findChildren<QDockWidget*>()) viewMenu->addAction(dock->toggleViewAction());

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  run->addAction(runAction_);
  run->addAction(autoRunAction_);
  run->addAction(cancelAction_);
  run->addSeparator();
  run->addAction(tr("&Output folder..."), this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Where pipelines write their files"), runner_->outputFolder());
    if (!folder.isEmpty()) setOutputFolder(folder);
  });

  QMenu* settings = menuBar()->addMenu(tr("&Settings"));
  settings->addAction(tr("&Threads..."), this, [this] {
    bool ok = false;
    const int threads = QInputDialog::getInt(this, tr("Threads"), tr("Threads for computation (0 = all cores); applies at the next start:"),
                                             QSettings().value("threads", 0).toInt(), 0, 256, 1, &ok);
    if (ok) QSettings().setValue("threads", threads);
  });
  QMenu* themes = settings->addMenu(tr("&Theme"));
  auto* themeGroup = new QActionGroup(this);
  for (const Theme theme : {Theme::System, Theme::Light, Theme::Dark}) {
    QAction* action = themes->addAction(themeDisplayName(theme));
    action->setCheckable(true);
    action->setChecked(theme == savedTheme());
    action->setData(themeId(theme));
    themeGroup->addAction(action);
    connect(action, &QAction::triggered, this, [theme] {
      applyTheme(theme);
      saveTheme(theme);
    });
  }

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About DiffBio Studio"), this, [this] {
    QMessageBox::about(this, tr("About DiffBio Studio"),
                       tr("<b>DiffBio Studio</b> %1<br>Differentiable bioinformatics pipelines on the desktop.")
                           .arg(QApplication::applicationVersion()));
  });

  QToolBar* tools = addToolBar(tr("Pipeline"));
  tools->setObjectName("pipelineToolBar");
  tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  tools->addAction(runAction_);
  tools->addAction(autoRunAction_);
  tools->addAction(cancelAction_);
  tools->addSeparator();
  tools->addAction(undo);
  tools->addAction(redo);
  tools->addSeparator();
  tools->addAction(fit);
}

void MainWindow::buildStatusBar() {
  statusLabel_ = new QLabel(tr("Ready"), this);
  progress_ = new QProgressBar(this);
  progress_->setRange(0, 1000);
  progress_->setMaximumWidth(220);
  progress_->setTextVisible(true);
  progress_->hide();
  cancelButton_ = new QToolButton(this);
  cancelButton_->setText(tr("Cancel"));
  cancelButton_->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
  cancelButton_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
  cancelButton_->setAutoRaise(true);
  cancelButton_->hide();
  connect(cancelButton_, &QToolButton::clicked, this, &MainWindow::cancelRun);
  statusBar()->addWidget(statusLabel_, 1);
  statusBar()->addPermanentWidget(progress_);
  statusBar()->addPermanentWidget(cancelButton_);
}

void MainWindow::restoreSettings() {
  QSettings settings;
  if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1360, 860);
  layoutRestored_ = restoreState(settings.value("window/state").toByteArray());
  setOutputFolder(settings.value("run/outputFolder", defaultOutputFolder()).toString());
  autoRunAction_->setChecked(settings.value("run/auto", true).toBool());
  runAction_->setEnabled(!autoRunAction_->isChecked());
}

// ---- documents ----

bool MainWindow::openPipeline(const QString& path) {
  try {
    document_->load(path);
  } catch (const std::exception& error) {
    log(QString::fromUtf8(error.what()));
    statusLabel_->setText(tr("Could not open %1").arg(QFileInfo(path).fileName()));
    return false;
  }
  runStatus_.clear();
  rememberRecent(QFileInfo(path).absoluteFilePath());
  log(tr("Opened %1").arg(path));
  QTimer::singleShot(0, view_, &PipelineView::fitToView);
  view_->fitToView();
  return true;
}

bool MainWindow::openTemplate(const QString& path) {
  try {
    document_->loadTemplate(path);
  } catch (const std::exception& error) {
    log(QString::fromUtf8(error.what()));
    return false;
  }
  log(tr("New pipeline from the template %1").arg(QFileInfo(path).completeBaseName()));
  QTimer::singleShot(0, view_, &PipelineView::fitToView);
  view_->fitToView();
  return true;
}

void MainWindow::openDemo() { openTemplate(resourcesDir() + "/pipelines/bulk_de.json"); }

bool MainWindow::savePipeline(const QString& path) {
  try {
    document_->save(path);
  } catch (const std::exception& error) {
    log(QString::fromUtf8(error.what()));
    QMessageBox::warning(this, tr("Not saved"), QString::fromUtf8(error.what()));
    return false;
  }
  rememberRecent(QFileInfo(path).absoluteFilePath());
  statusLabel_->setText(tr("Saved %1").arg(path));
  return true;
}

void MainWindow::openData(const QStringList& paths) {
  if (paths.isEmpty() || dataWatcher_.isRunning()) return;
  statusLabel_->setText(tr("Reading %1 ...").arg(paths.join(", ")));
  dataWatcher_.setFuture(QtConcurrent::run(inspectData, paths));
}

void MainWindow::placeLoaders(const DataInspection& inspection, bool samplesAsRows) {
  // New loader nodes go in a column left of everything on the canvas.
  double left = 0, top = 0;
  bool first = true;
  for (const auto& node : document_->graph().nodes()) {
    left = first ? node.position.x : std::min(left, node.position.x);
    top = first ? node.position.y : std::min(top, node.position.y);
    first = false;
  }
  QPointF at(first ? 0 : left - 300, top);
  std::vector<std::string> added;
  document_->undoStack()->beginMacro(tr("Open data"));
  for (const QString& path : inspection.countFiles()) {
    ops::ParameterValues parameters{{"path", path.toStdString()}};
    if (samplesAsRows) parameters.set("samples_as_rows", true);
    added.push_back(document_->addNode("io.load_counts", at, parameters));
    at += QPointF(0, 130);
  }
  for (const QString& path : inspection.sampleSheets()) {
    added.push_back(document_->addNode("io.load_samples", at, {{"path", path.toStdString()}}));
    at += QPointF(0, 130);
  }
  document_->undoStack()->endMacro();
  scene_->selectNodes(added);
  for (const QString& path : inspection.countFiles() + inspection.sampleSheets()) rememberRecent("data:" + path);
  statusLabel_->setText(added.empty() ? tr("Nothing could be read") : tr("Added %n loader node(s)", nullptr, static_cast<int>(added.size())));
}

bool MainWindow::confirmDiscard() {
  if (document_->undoStack()->isClean() || !isVisible()) return true;
  return QMessageBox::question(this, tr("Discard changes?"), tr("The pipeline has unsaved changes. Discard them?")) ==
         QMessageBox::Yes;
}

// ---- running ----

void MainWindow::setAutoRun(bool on) { autoRunAction_->setChecked(on); }
bool MainWindow::autoRun() const { return autoRunAction_->isChecked(); }

void MainWindow::setOutputFolder(const QString& folder) {
  runner_->setOutputFolder(folder);
  QSettings().setValue("run/outputFolder", folder);
}

void MainWindow::scheduleAutoRun() {
  if (autoRun()) autoRunTimer_.start();
}

void MainWindow::runPipeline() {
  autoRunTimer_.stop();
  if (document_->graph().nodes().empty()) return;
  QString why;
  if (!runner_->run(document_->graph(), &why)) {
    statusLabel_->setText(tr("The pipeline is not complete yet: hover the nodes marked ! for details"));
    if (!autoRun()) log(tr("Not run:\n%1").arg(why));
  }
}

void MainWindow::cancelRun() {
  if (!runner_->isBusy()) return;
  runner_->cancel();
  statusLabel_->setText(tr("Cancelling..."));
}

void MainWindow::onNodeStatus(const QString& nodeId, const pipeline::NodeStatus& status) {
  const std::string id = nodeId.toStdString();
  runStatus_[id] = status;
  scene_->setNodeStatus(id, status);
  if (status.state == pipeline::NodeState::Failed) log(tr("%1 failed: %2").arg(nodeId, QString::fromStdString(status.message)));
  if (status.state == pipeline::NodeState::Done) results_->refresh(document_->graph(), *runner_);
  if (status.state == pipeline::NodeState::Running) statusLabel_->setText(tr("Running %1...").arg(nodeId));
  updateProgress();
}

void MainWindow::updateProgress() {
  if (runStatus_.empty()) {
    progress_->setValue(0);
    return;
  }
  double done = 0;
  for (const auto& [id, status] : runStatus_) {
    if (status.state == pipeline::NodeState::Done || status.state == pipeline::NodeState::Failed) done += 1;
    if (status.state == pipeline::NodeState::Running) done += status.progress;
  }
  progress_->setValue(static_cast<int>(1000 * done / static_cast<double>(runStatus_.size())));
}

void MainWindow::onRunFinished(const RunOutcome& outcome) {
  results_->refresh(document_->graph(), *runner_);
  cells_->refresh(document_->graph(), *runner_);
  QString text;
  if (!outcome.error.isEmpty()) {
    text = tr("Run failed: %1").arg(outcome.error);
  } else if (outcome.summary.cancelled) {
    text = tr("Cancelled after %1 s").arg(outcome.seconds, 0, 'f', 2);
  } else {
    text = tr("Run finished in %1 s: %2 node(s) ran, %3 reused")
               .arg(outcome.seconds, 0, 'f', 2)
               .arg(outcome.summary.executed)
               .arg(outcome.summary.reused);
    if (!outcome.summary.failed.empty()) text += tr(", %1 failed").arg(outcome.summary.failed.size());
  }
  statusLabel_->setText(text);
  log(text);
  Q_EMIT runCompleted(outcome);
}

// ---- log, title, recent files ----

void MainWindow::log(const QString& message) {
  log_->appendPlainText(QDateTime::currentDateTime().toString("HH:mm:ss  ") + message);
}

QString MainWindow::logText() const { return log_->toPlainText(); }

void MainWindow::updateTitle() {
  const QString name = document_->filePath().isEmpty() ? tr("untitled") : QFileInfo(document_->filePath()).fileName();
  setWindowTitle(tr("%1%2 — DiffBio Studio").arg(name, document_->undoStack()->isClean() ? "" : " *"));
}

void MainWindow::rememberRecent(const QString& entry) {
  QSettings settings;
  QStringList recent = settings.value("recentFiles").toStringList();
  recent.removeAll(entry);
  recent.prepend(entry);
  while (recent.size() > kMaxRecent) recent.removeLast();
  settings.setValue("recentFiles", recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  recentMenu_->clear();
  const QStringList recent = QSettings().value("recentFiles").toStringList();
  for (const QString& entry : recent) {
    if (entry.startsWith("data:")) {
      const QString path = entry.mid(5);
      recentMenu_->addAction(tr("%1 (data)").arg(path), this, [this, path] { openData({path}); });
    } else {
      recentMenu_->addAction(entry, this, [this, entry] {
        if (confirmDiscard()) openPipeline(entry);
      });
    }
  }
  recentMenu_->setEnabled(!recent.isEmpty());
}

// ---- drops and closing ----

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList data;
  for (const QUrl& url : event->mimeData()->urls()) {
    if (!url.isLocalFile()) continue;
    const QString path = url.toLocalFile();
    if (path.endsWith(".json", Qt::CaseInsensitive)) {
      if (confirmDiscard()) openPipeline(path);
      return;
    }
    data << path;
  }
  openData(data);
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  // Frame the pipeline once the docks have taken their places.
  if (event->spontaneous()) return;
  if (!layoutRestored_) {
    // First start: tables get most of the bottom row; the docks know their real sizes only now.
    layoutRestored_ = true;
    auto* resultsDock = findChild<QDockWidget*>("resultsDock");
    auto* plotsDock = findChild<QDockWidget*>("plotsDock");
    resizeDocks({resultsDock, plotsDock}, {width() * 55 / 100, width() * 45 / 100}, Qt::Horizontal);
  }
  QTimer::singleShot(0, view_, &PipelineView::fitToView);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!confirmDiscard()) {
    event->ignore();
    return;
  }
  runner_->cancel();
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  if (!document_->filePath().isEmpty()) settings.setValue("session/lastPipeline", document_->filePath());
  QMainWindow::closeEvent(event);
}

}  // namespace diffbio::widgets

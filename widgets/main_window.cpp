#include "widgets/main_window.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

#include "core/io/data_summary.h"

namespace diffbio::widgets {

namespace {

constexpr int kMaxRecent = 8;

DataDescription describeOnWorker(const QStringList& paths) {
  DataDescription result;
  result.paths = paths;
  std::vector<std::string> files;
  for (const auto& p : paths) files.push_back(p.toStdString());
  try {
    result.text = QString::fromStdString(io::describeData(files));
    result.ok = true;
  } catch (const std::exception& error) {
    result.text = QString::fromUtf8(error.what());
  }
  return result;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("DiffBio Studio"));
  setAcceptDrops(true);

  view_ = new QPlainTextEdit(this);
  view_->setReadOnly(true);
  view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  view_->setPlaceholderText(tr("Open a count table, a 10x folder or .h5, an .h5ad, or FASTQ reads "
                               "(File > Open, or drop files here)."));
  setCentralWidget(view_);

  statusLabel_ = new QLabel(tr("Ready"), this);
  busyBar_ = new QProgressBar(this);
  busyBar_->setRange(0, 0);  // reading has no meaningful percentage; show activity
  busyBar_->setMaximumWidth(160);
  busyBar_->hide();
  statusBar()->addWidget(statusLabel_, 1);
  statusBar()->addPermanentWidget(busyBar_);

  buildMenus();
  connect(&watcher_, &QFutureWatcher<DataDescription>::finished, this, &MainWindow::showDescription);

  QSettings settings;
  restoreGeometry(settings.value("window/geometry").toByteArray());
  if (!settings.contains("window/geometry")) resize(960, 640);
}

MainWindow::~MainWindow() { watcher_.waitForFinished(); }

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open data file..."), this, [this] {
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open data"), QString(),
        tr("Data (*.tsv *.csv *.txt *.gz *.sf *.mtx *.h5 *.h5ad *.fq *.fastq);;All files (*)"));
    if (!paths.isEmpty()) openData(paths.mid(0, 2));
  });
  open->setShortcut(QKeySequence::Open);
  file->addAction(tr("Open 10x &folder..."), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a Cell Ranger matrix folder"));
    if (!dir.isEmpty()) openData({dir});
  });
  recentMenu_ = file->addMenu(tr("Open &recent"));
  rebuildRecentMenu();
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
  quit->setShortcut(QKeySequence::Quit);
}

void MainWindow::openData(const QStringList& paths) {
  if (paths.isEmpty() || isBusy()) return;
  QStringList names;
  for (const auto& p : paths) names << QFileInfo(p).fileName();
  statusLabel_->setText(tr("Reading %1 ...").arg(names.join(" + ")));
  busyBar_->show();
  watcher_.setFuture(QtConcurrent::run(describeOnWorker, paths));
}

bool MainWindow::isBusy() const { return watcher_.isRunning(); }

QString MainWindow::descriptionText() const { return view_->toPlainText(); }

void MainWindow::showDescription() {
  const DataDescription result = watcher_.result();
  busyBar_->hide();
  view_->setPlainText(result.text);
  if (result.ok) {
    statusLabel_->setText(tr("Read %1").arg(result.paths.join(" + ")));
    rememberRecent(result.paths);
  } else {
    statusLabel_->setText(tr("Could not read %1").arg(result.paths.join(" + ")));
  }
  Q_EMIT finished(result.ok);
}

void MainWindow::rememberRecent(const QStringList& paths) {
  QSettings settings;
  QStringList recent = settings.value("recentFiles").toStringList();
  const QString entry = paths.join('\n');
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
    const QStringList paths = entry.split('\n');
    recentMenu_->addAction(paths.join(" + "), this, [this, paths] { openData(paths); });
  }
  recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList paths;
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile()) paths << url.toLocalFile();
  if (!paths.isEmpty()) openData(paths.mid(0, 2));
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings().setValue("window/geometry", saveGeometry());
  QMainWindow::closeEvent(event);
}

}  // namespace diffbio::widgets

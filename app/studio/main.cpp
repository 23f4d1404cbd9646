// `diffbio-studio`: the desktop application.
//   diffbio-studio [DATA ...] [--open PIPELINE.json] [--run] [--out DIR] [--screenshot FILE.png] [--exit]
// Without --open it reopens the last saved pipeline, or on first start the demo (the bulk DE template with the
// bundled pasilla data). DATA files become loader nodes. --run runs the pipeline; --screenshot saves the window
// once it is shown (after the run and its plots with --run); --exit quits then. With QT_QPA_PLATFORM=offscreen
// this checks the window headless. Exit status: 0, 1 when the run failed or the screenshot could not be saved,
// 2 when the pipeline or data could not be opened.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>

#include <cstdio>

#include "core/util/heap_reuse.h"
#include "core/util/threads.h"
#include "core/ops/registry.h"
#include "plots/plot_operators.h"
#include "widgets/canvas/pipeline_scene.h"
#include "widgets/canvas/pipeline_view.h"
#include "widgets/document/pipeline_document.h"
#include "widgets/main_window.h"
#include "widgets/theme.h"
#include "widgets/results/plots_panel.h"
#include "widgets/results/results_panel.h"
#include "widgets/singlecell/cell_view_panel.h"

using diffbio::widgets::MainWindow;

int main(int argc, char** argv) {
  QApplication::setHighDpiScaleFactorRoundingPolicy(Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
  QApplication app(argc, argv);
  QApplication::setOrganizationName("DiffBio");
  QApplication::setApplicationName("DiffBio Studio");
  QApplication::setApplicationVersion(DIFFBIO_VERSION);
  QApplication::setDesktopFileName("diffbio-studio");

  QCommandLineParser parser;
  parser.setApplicationDescription("DiffBio Studio: differentiable bioinformatics on the desktop");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("data", "data files to add as loader nodes (count tables, sample sheets)");
  QCommandLineOption open("open", "open this pipeline file", "pipeline.json");
  QCommandLineOption run("run", "run the pipeline once it is open");
  QCommandLineOption out("out", "folder the pipeline's output nodes write into", "dir");
  QCommandLineOption screenshot("screenshot", "save a PNG of the window once it is shown (after the run)", "file");
  QCommandLineOption exitAfter("exit", "quit once shown (and run, and the screenshot saved)");
  parser.addOptions({open, run, out, screenshot, exitAfter});
  parser.process(app);

  diffbio::configureThreads(QSettings().value("threads", 0).toInt());
  diffbio::keepLargeBuffersForReuse();  // each run's large matrices reuse the last run's (core/util/heap_reuse.h)
  diffbio::configureTensorThreads();
  diffbio::widgets::applyTheme(diffbio::widgets::savedTheme());
  diffbio::plots::registerPlotOperators(diffbio::ops::Registry::global());  // figure nodes (plot.*)

  MainWindow window;
  if (parser.isSet(run) || parser.isSet(exitAfter)) window.setAutoRun(false);  // one explicit run, no surprises
  if (parser.isSet(out)) window.setOutputFolder(QFileInfo(parser.value(out)).absoluteFilePath());
  window.show();

  int exitCode = 0;
  bool opened = true;
  const QString lastPipeline = QSettings().value("session/lastPipeline").toString();
  if (parser.isSet(open))
    opened = window.openPipeline(parser.value(open));
  else if (!lastPipeline.isEmpty() && QFileInfo::exists(lastPipeline) && !parser.isSet(exitAfter))
    opened = window.openPipeline(lastPipeline);
  else
    window.openDemo();
  if (!opened) exitCode = 2;
  if (!parser.positionalArguments().isEmpty()) window.openData(parser.positionalArguments());

  bool finished = false;
  auto finish = [&] {
    if (finished) return;
    finished = true;
    if (parser.isSet(screenshot)) {
      window.view()->fitToView();  // the docks have their final sizes now
      const QString file = parser.value(screenshot);
      if (!window.grab().save(file)) {
        std::fprintf(stderr, "diffbio-studio: cannot save the screenshot to %s\n", qPrintable(file));
        exitCode = 1;
      }
    }
    if (parser.isSet(exitAfter)) QTimer::singleShot(0, &app, [&] { app.exit(exitCode); });
  };

  if (parser.isSet(run) && opened) {
    QObject::connect(&window, &MainWindow::runCompleted, &app, [&](const diffbio::widgets::RunOutcome& outcome) {
      if (!outcome.error.isEmpty() || !outcome.summary.ok()) {
        std::fprintf(stderr, "diffbio-studio: the run did not finish: %s\n",
                     qPrintable(outcome.error.isEmpty() ? window.logText().section('\n', -1) : outcome.error));
        exitCode = 1;
      }
      // Show what a user would look at: the results node in the inspector, the DE table, the volcano plot.
      for (const auto& node : window.document()->graph().nodes())
        if (node.operatorId == "de.results") window.scene()->selectNodes({node.id});
      auto* plots = window.results()->plots();
      if (plots->hasPlots() || !outcome.summary.ok()) {
        QTimer::singleShot(300, &app, finish);
      } else {
        // DE results and read QC end in the Plots dock, a single-cell run in the Cells dock.
        QObject::connect(plots, &diffbio::widgets::PlotsPanel::plotsReady, &app, [&] { QTimer::singleShot(300, &app, finish); });
        QObject::connect(window.cells(), &diffbio::widgets::CellViewPanel::cellsReady, &app,
                         [&] { QTimer::singleShot(500, &app, finish); });
        QTimer::singleShot(20000, &app, finish);  // no DE results in this pipeline: do not wait for plots
      }
    });
    QTimer::singleShot(0, &window, &MainWindow::runPipeline);
  } else if (parser.isSet(screenshot) || parser.isSet(exitAfter)) {
    QTimer::singleShot(500, &app, finish);
  }
  const int status = app.exec();
  return status != 0 ? status : exitCode;
}

// `diffbio-studio`: the desktop application.
//   diffbio-studio [DATA ...] [--screenshot FILE.png] [--exit]
// With no data it opens the bundled demo. --screenshot saves the window once the data is shown; --exit quits then
// (used to check the window headless with QT_QPA_PLATFORM=offscreen).
#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTimer>

#include <cstdio>

#include "core/util/threads.h"
#include "widgets/main_window.h"
#include "widgets/resources_path.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("DiffBio");
  QApplication::setApplicationName("DiffBio Studio");
  QApplication::setApplicationVersion(DIFFBIO_VERSION);

  QCommandLineParser parser;
  parser.setApplicationDescription("DiffBio Studio: differentiable bioinformatics on the desktop");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument("data", "data files to open (two FASTQ files for a pair)");
  QCommandLineOption screenshot("screenshot", "save a PNG of the window once the data is shown", "file");
  QCommandLineOption exitAfter("exit", "quit once the data is shown (and the screenshot saved)");
  parser.addOption(screenshot);
  parser.addOption(exitAfter);
  parser.process(app);

  diffbio::configureThreads(QSettings().value("threads", 0).toInt());

  diffbio::widgets::MainWindow window;
  window.show();

  QStringList data = parser.positionalArguments();
  if (data.isEmpty()) data << diffbio::widgets::demoCountsPath();

  int exitCode = 0;
  QObject::connect(&window, &diffbio::widgets::MainWindow::finished, &app, [&](bool ok) {
    if (!ok) exitCode = 2;
    if (parser.isSet(screenshot)) {
      const QString file = parser.value(screenshot);
      if (!window.grab().save(file)) {
        std::fprintf(stderr, "diffbio-studio: cannot save the screenshot to %s\n", qPrintable(file));
        exitCode = 1;
      }
    }
    if (parser.isSet(exitAfter)) QTimer::singleShot(0, &app, [&] { app.exit(exitCode); });
  });
  window.openData(data);
  const int status = app.exec();
  return status != 0 ? status : exitCode;
}

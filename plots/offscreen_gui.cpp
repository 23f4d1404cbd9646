#include "plots/offscreen_gui.h"

#include <QGuiApplication>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace diffbio::plots {

void ensureGuiApplication() {
  if (QCoreApplication::instance()) {
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
      throw std::logic_error("figures need a QGuiApplication, but a QCoreApplication is running");
    return;
  }
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  // Without a desktop session Qt warns that XDG_RUNTIME_DIR is unset; give it a private folder of our own instead.
  if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
    const QByteArray runtime = QByteArray("/tmp/diffbio-runtime-") + QByteArray::number(::getuid());
    if (::mkdir(runtime.constData(), 0700) == 0 || errno == EEXIST) qputenv("XDG_RUNTIME_DIR", runtime);
  }
  static int argc = 1;
  static char name[] = "diffbio";
  static char* argv[] = {name, nullptr};
  static QGuiApplication* app = new QGuiApplication(argc, argv);  // lives until exit, like the process's fonts
  (void)app;
}

}  // namespace diffbio::plots

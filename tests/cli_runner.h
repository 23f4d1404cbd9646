#pragma once
// Running the real `diffbio` binary from the app tests: its exit code and what it printed.
#include <QProcess>
#include <QString>
#include <QStringList>

namespace diffbio::test {

inline QString diffbioBinary() { return QString(DIFFBIO_BUILD_DIR) + "/app/diffbio"; }

struct CliRun {
  int exitCode = -1;
  QString out, err;
};

inline CliRun runDiffbio(const QStringList& args, int timeoutMs = 600000) {
  QProcess process;
  process.start(diffbioBinary(), args);
  process.waitForFinished(timeoutMs);
  return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
          QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace diffbio::test

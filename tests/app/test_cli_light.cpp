// The light `diffbio` front end: it must not depend on LibTorch (that is its whole point: ~0.7 s saved on every
// `diffbio de`, `info` and `plot`), and it must hand every other command to diffbio-engine transparently.
#include <QFile>
#include <QtTest>

#include "cli_runner.h"

using diffbio::test::runDiffbio;

namespace {

// The DT_NEEDED entries of an ELF file, read with readelf (binutils, present wherever the project builds).
QStringList neededLibraries(const QString& binary) {
  QProcess readelf;
  readelf.start("readelf", {"-d", binary});
  if (!readelf.waitForFinished(30000)) return {"<readelf failed>"};
  QStringList needed;
  const QStringList lines = QString::fromUtf8(readelf.readAllStandardOutput()).split('\n');
  for (const QString& line : lines) {
    const int open = line.indexOf("Shared library: [");
    if (open < 0) continue;
    const int start = open + static_cast<int>(qstrlen("Shared library: ["));
    needed << line.mid(start, line.indexOf(']', start) - start);
  }
  return needed;
}

}  // namespace

class TestCliLight : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void lightBinaryDoesNotLoadLibTorch() {
    const QStringList needed = neededLibraries(diffbio::test::diffbioBinary());
    QVERIFY2(needed.contains("libc.so.6"), qPrintable("readelf listed: " + needed.join(", ")));
    for (const QString& library : needed) {
      QVERIFY2(!library.startsWith("libtorch") && !library.startsWith("libc10"),
               qPrintable("the light diffbio depends on " + library +
                          ": a command in commands_light.cpp pulls LibTorch code in"));
    }
    // The engine is the one that does.
    const QStringList engine = neededLibraries(QString(DIFFBIO_BUILD_DIR) + "/app/diffbio-engine");
    QVERIFY(engine.contains("libtorch_cpu.so.1.13") || engine.join(' ').contains("libtorch"));
  }

  void engineCommandsAreForwarded() {
    // `ops` lives only in the engine: its listing must come through the light binary unchanged.
    const auto ops = runDiffbio({"ops"});
    QCOMPARE(ops.exitCode, 0);
    QVERIFY2(ops.out.contains("de.wald"), qPrintable(ops.out.left(400)));
    // Global options travel with the command.
    const auto threaded = runDiffbio({"--threads", "1", "ops"});
    QCOMPARE(threaded.exitCode, 0);
    QCOMPARE(threaded.out, ops.out);
  }

  void helpListsEveryCommandAndSaysDiffbio() {
    const auto help = runDiffbio({"--help"});
    QCOMPARE(help.exitCode, 0);
    for (const char* command : {"info", "de", "plot", "reads", "sc", "run", "ops", "train"})
      QVERIFY2(help.out.contains(QString("  ") + command + "\t"), qPrintable(help.out));
    QVERIFY(help.out.contains("usage: diffbio "));
    QVERIFY(!help.out.contains("diffbio-engine"));
  }

  void unknownCommandIsStillAUsageError() {
    const auto unknown = runDiffbio({"no-such-command"});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains("unknown command 'no-such-command'"));
  }
};

QTEST_GUILESS_MAIN(TestCliLight)
#include "test_cli_light.moc"

// The window reads data on a worker thread and shows what it found; errors are shown, not fatal.
#include "test_support.h"

#include <QSignalSpy>

#include "widgets/main_window.h"
#include "widgets/resources_path.h"

using diffbio::widgets::MainWindow;

class MainWindowTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("DiffBioTests");  // keep the user's settings untouched
  }

  void showsTheDemoWithoutBlockingTheGuiThread() {
    MainWindow window;
    window.show();
    QSignalSpy done(&window, &MainWindow::finished);
    window.openData({diffbio::widgets::demoCountsPath()});
    QVERIFY(window.isBusy() || done.count() == 1);  // reading runs on a worker; openData returned at once
    QVERIFY(done.wait(60000) || done.count() == 1);
    QCOMPARE(done.first().first().toBool(), true);
    QVERIFY2(window.descriptionText().contains("14599 genes x 7 samples"), qPrintable(window.descriptionText()));

    // The window is painted: a screenshot is not a single flat colour.
    const QImage shot = window.grab().toImage();
    QVERIFY(!shot.isNull());
    QSet<QRgb> colours;
    for (int y = 0; y < shot.height(); y += 7)
      for (int x = 0; x < shot.width(); x += 7) colours.insert(shot.pixel(x, y));
    QVERIFY(colours.size() > 3);
  }

  void showsAnErrorForBadInput() {
    MainWindow window;
    QSignalSpy done(&window, &MainWindow::finished);
    window.openData({"/nonexistent/file.tsv"});
    QVERIFY(done.wait(60000) || done.count() == 1);
    QCOMPARE(done.first().first().toBool(), false);
    QVERIFY(window.descriptionText().contains("/nonexistent/file.tsv"));
    QVERIFY(window.descriptionText().contains("no such file"));
  }
};

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"

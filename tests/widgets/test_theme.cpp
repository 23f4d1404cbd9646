// The colour theme: Dark and Light replace the palette on the Fusion style, System gives the desktop's look back
// exactly, and the choice persists in QSettings and shows checked in the Settings menu of a new window.
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>
#include <QStyle>
#include <QtTest>

#include "widgets/main_window.h"
#include "widgets/theme.h"

using namespace diffbio::widgets;

class ThemeTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QCoreApplication::setOrganizationName("DiffBioTests");  // keep the user's settings untouched
    QCoreApplication::setApplicationName("theme");
    QSettings().clear();
  }

  void idsRoundTrip() {
    for (const Theme theme : {Theme::System, Theme::Light, Theme::Dark}) QCOMPARE(themeFromId(themeId(theme)), theme);
    QCOMPARE(themeFromId("no-such-theme"), Theme::System);
  }

  void darkLightAndBackToSystem() {
    const QString desktopStyle = QApplication::style()->name();
    const QPalette desktop = QApplication::palette();

    applyTheme(Theme::Dark);
    QCOMPARE(QApplication::style()->name().toLower(), QString("fusion"));
    const QPalette dark = QApplication::palette();
    QVERIFY(dark.color(QPalette::Window).lightness() < 80);
    QVERIFY(dark.color(QPalette::WindowText).lightness() > 200);
    QVERIFY(dark.color(QPalette::Base).lightness() < dark.color(QPalette::Text).lightness());

    applyTheme(Theme::Light);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 200);
    QVERIFY(QApplication::palette().color(QPalette::Text).lightness() < 60);

    applyTheme(Theme::System);
    QCOMPARE(QApplication::style()->name(), desktopStyle);
    QCOMPARE(QApplication::palette().color(QPalette::Window), desktop.color(QPalette::Window));
    QCOMPARE(QApplication::palette().color(QPalette::Text), desktop.color(QPalette::Text));
  }

  void choicePersistsAndTheMenuShowsIt() {
    saveTheme(Theme::Dark);
    QCOMPARE(savedTheme(), Theme::Dark);
    MainWindow window;
    QAction* dark = nullptr;
    for (QAction* top : window.menuBar()->actions()) {
      if (!top->menu()) continue;
      for (QAction* item : top->menu()->actions()) {
        if (!item->menu()) continue;
        for (QAction* choice : item->menu()->actions())
          if (choice->data().toString() == "dark") dark = choice;
      }
    }
    QVERIFY2(dark, "Settings > Theme > Dark is missing");
    QVERIFY(dark->isChecked());
    // Choosing Light from the menu applies and saves it.
    for (QAction* sibling : dark->actionGroup()->actions())
      if (sibling->data().toString() == "light") sibling->trigger();
    QCOMPARE(savedTheme(), Theme::Light);
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 200);
    applyTheme(Theme::System);
    QSettings().clear();
  }
};

QTEST_MAIN(ThemeTest)
#include "test_theme.moc"

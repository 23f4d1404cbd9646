#include "widgets/theme.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace diffbio::widgets {

namespace {

struct DesktopLook {
  QString style;
  QPalette palette;
};

const DesktopLook& desktopLook() {
  static const DesktopLook look{QApplication::style()->name(), QApplication::palette()};
  return look;
}

QPalette lightPalette() {
  QPalette p;
  p.setColor(QPalette::Window, QColor(239, 240, 242));
  p.setColor(QPalette::WindowText, QColor(25, 25, 28));
  p.setColor(QPalette::Base, Qt::white);
  p.setColor(QPalette::AlternateBase, QColor(245, 246, 248));
  p.setColor(QPalette::Text, QColor(25, 25, 28));
  p.setColor(QPalette::Button, QColor(232, 233, 236));
  p.setColor(QPalette::ButtonText, QColor(25, 25, 28));
  p.setColor(QPalette::ToolTipBase, QColor(255, 255, 225));
  p.setColor(QPalette::ToolTipText, Qt::black);
  p.setColor(QPalette::Highlight, QColor(38, 110, 200));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, QColor(20, 90, 180));
  p.setColor(QPalette::PlaceholderText, QColor(120, 120, 125));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor(150, 150, 155));
  p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(150, 150, 155));
  p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(150, 150, 155));
  return p;
}

QPalette darkPalette() {
  QPalette p;
  p.setColor(QPalette::Window, QColor(45, 47, 51));
  p.setColor(QPalette::WindowText, QColor(232, 232, 235));
  p.setColor(QPalette::Base, QColor(30, 31, 34));
  p.setColor(QPalette::AlternateBase, QColor(40, 42, 46));
  p.setColor(QPalette::Text, QColor(232, 232, 235));
  p.setColor(QPalette::Button, QColor(55, 57, 62));
  p.setColor(QPalette::ButtonText, QColor(232, 232, 235));
  p.setColor(QPalette::ToolTipBase, QColor(60, 62, 68));
  p.setColor(QPalette::ToolTipText, QColor(240, 240, 240));
  p.setColor(QPalette::Highlight, QColor(64, 140, 230));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, QColor(110, 170, 250));
  p.setColor(QPalette::BrightText, QColor(255, 120, 120));
  p.setColor(QPalette::PlaceholderText, QColor(140, 140, 145));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 125));
  p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 120, 125));
  p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 125));
  return p;
}

}  // namespace

QString themeId(Theme theme) {
  switch (theme) {
    case Theme::Light: return "light";
    case Theme::Dark: return "dark";
    case Theme::System: break;
  }
  return "system";
}

Theme themeFromId(const QString& id) {
  if (id == "light") return Theme::Light;
  if (id == "dark") return Theme::Dark;
  return Theme::System;
}

QString themeDisplayName(Theme theme) {
  switch (theme) {
    case Theme::Light: return QObject::tr("Light");
    case Theme::Dark: return QObject::tr("Dark");
    case Theme::System: break;
  }
  return QObject::tr("System");
}

void applyTheme(Theme theme) {
  const DesktopLook& desktop = desktopLook();  // captured before the first change
  if (theme == Theme::System) {
    QApplication::setStyle(QStyleFactory::create(desktop.style));
    QApplication::setPalette(desktop.palette);
    return;
  }
  // Fusion draws every control from the palette, so a fixed palette looks the same on every desktop.
  QApplication::setStyle(QStyleFactory::create("Fusion"));
  QApplication::setPalette(theme == Theme::Dark ? darkPalette() : lightPalette());
}

Theme savedTheme() { return themeFromId(QSettings().value("appearance/theme", "system").toString()); }

void saveTheme(Theme theme) { QSettings().setValue("appearance/theme", themeId(theme)); }

}  // namespace diffbio::widgets

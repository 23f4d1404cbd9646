#pragma once
// The window's colour theme: the desktop's own (System), or a fixed Light or Dark palette on the Fusion style, for
// desktops whose theme makes tables or plots hard to read. Saved in QSettings ("appearance/theme") and applied at
// start-up. Plots keep their white, publication-style page in every theme: what is on screen is what is exported.
#include <QString>
#include <QStringList>

namespace diffbio::widgets {

enum class Theme { System, Light, Dark };

QString themeId(Theme theme);                       // "system", "light", "dark" (as saved)
Theme themeFromId(const QString& id);               // unknown ids -> System
QString themeDisplayName(Theme theme);

// Applies to the whole application. The first call remembers the desktop's style and palette so System restores
// them exactly.
void applyTheme(Theme theme);
Theme savedTheme();
void saveTheme(Theme theme);

}  // namespace diffbio::widgets

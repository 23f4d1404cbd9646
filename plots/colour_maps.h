#pragma once
// Colour scales for plots: perceptually uniform continuous maps (viridis and friends, readable in greyscale and with
// colour-vision deficiencies) and categorical palettes (Okabe-Ito for few groups, a 20-colour palette for clusters,
// evenly spaced hues beyond that). Users can edit palettes; these are the defaults and the named choices.
#include <QColor>
#include <QString>
#include <QStringList>
#include <vector>

namespace diffbio::plots {

enum class ColourMap { Viridis, Magma, Inferno, Plasma, Cividis, Greys };

// "viridis", "magma", "inferno", "plasma", "cividis", "greys" (case-insensitive); an unknown name returns false
// and leaves `map` alone.
bool colourMapFromName(const QString& name, ColourMap& map);
QString colourMapName(ColourMap map);
QStringList colourMapNames();

// The colour at t in [0, 1] (clamped; NaN gives grey).
QColor colourAt(ColourMap map, double t);
// `steps` colours evenly spaced from 0 to 1.
std::vector<QColor> sampleColourMap(ColourMap map, int steps);

// `count` distinct colours for categories: Okabe-Ito up to 8, a 20-colour palette up to 20, then golden-angle hues.
std::vector<QColor> categoricalPalette(std::size_t count);
// The colour for values that are missing (NA).
inline QColor missingColour() { return QColor(200, 200, 200); }

}  // namespace diffbio::plots

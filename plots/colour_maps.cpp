#include "plots/colour_maps.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace diffbio::plots {

namespace {

// Anchor colours of each map at evenly spaced positions (the 9- or 10-colour samples of the published maps),
// interpolated linearly: neighbouring anchors are close enough that the result is indistinguishable by eye.
struct Anchors {
  const char* name;
  std::vector<QRgb> colours;
};

const std::array<Anchors, 6>& anchors() {
  static const std::array<Anchors, 6> maps = {{
      {"viridis", {0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21908C, 0x27AD81, 0x5DC863, 0xAADC32, 0xFDE725}},
      {"magma", {0x000004, 0x1D1147, 0x51127C, 0x822681, 0xB63679, 0xE65164, 0xFB8861, 0xFEC287, 0xFCFDBF}},
      {"inferno", {0x000004, 0x1B0C42, 0x4B0C6B, 0x781C6D, 0xA52C60, 0xCF4446, 0xED6925, 0xFB9A06, 0xFCFFA4}},
      {"plasma", {0x0D0887, 0x47039F, 0x7301A8, 0x9C179E, 0xBD3786, 0xD8576B, 0xED7953, 0xFA9E3B, 0xF0F921}},
      {"cividis",
       {0x00204D, 0x00336F, 0x39486B, 0x575C6D, 0x707173, 0x8A8779, 0xA69D75, 0xC4B56C, 0xE4CF5B, 0xFFEA46}},
      {"greys", {0xF0F0F0, 0x252525}},
  }};
  return maps;
}

}  // namespace

bool colourMapFromName(const QString& name, ColourMap& map) {
  const QString lower = name.trimmed().toLower();
  for (std::size_t i = 0; i < anchors().size(); ++i)
    if (lower == QLatin1String(anchors()[i].name)) {
      map = ColourMap(i);
      return true;
    }
  return false;
}

QString colourMapName(ColourMap map) { return QLatin1String(anchors().at(std::size_t(map)).name); }

QStringList colourMapNames() {
  QStringList names;
  for (const auto& a : anchors()) names << QLatin1String(a.name);
  return names;
}

QColor colourAt(ColourMap map, double t) {
  if (!(t == t)) return missingColour();
  const auto& colours = anchors().at(std::size_t(map)).colours;
  const double position = std::clamp(t, 0.0, 1.0) * double(colours.size() - 1);
  const std::size_t low = std::min(std::size_t(position), colours.size() - 2);
  const double f = position - double(low);
  const QColor a(colours[low]), b(colours[low + 1]);
  auto mix = [f](int u, int v) { return int(std::lround(u + (v - u) * f)); };
  return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

std::vector<QColor> sampleColourMap(ColourMap map, int steps) {
  std::vector<QColor> colours;
  for (int i = 0; i < steps; ++i) colours.push_back(colourAt(map, steps > 1 ? double(i) / (steps - 1) : 0.5));
  return colours;
}

std::vector<QColor> categoricalPalette(std::size_t count) {
  // Okabe & Ito (2008), without black (it reads as "selected" or as text).
  static const QRgb okabeIto[] = {0xE69F00, 0x56B4E9, 0x009E73, 0xF0E442, 0x0072B2, 0xD55E00, 0xCC79A7, 0x999999};
  // Ten saturated colours, then their light partners: clusters 1-10 stay well apart.
  static const QRgb twenty[] = {0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2,
                                0x7F7F7F, 0xBCBD22, 0x17BECF, 0xAEC7E8, 0xFFBB78, 0x98DF8A, 0xFF9896,
                                0xC5B0D5, 0xC49C94, 0xF7B6D2, 0xC7C7C7, 0xDBDB8D, 0x9EDAE5};
  std::vector<QColor> colours;
  if (count <= 8) {
    for (std::size_t i = 0; i < count; ++i) colours.emplace_back(okabeIto[i]);
  } else if (count <= 20) {
    for (std::size_t i = 0; i < count; ++i) colours.emplace_back(twenty[i]);
  } else {
    // Golden-angle hues with alternating lightness: neighbours in the list never look alike.
    for (std::size_t i = 0; i < count; ++i) {
      const double hue = std::fmod(double(i) * 137.508, 360.0);
      colours.push_back(QColor::fromHslF(float(hue / 360.0), 0.65f, i % 3 == 0 ? 0.45f : i % 3 == 1 ? 0.6f : 0.72f));
    }
  }
  return colours;
}

}  // namespace diffbio::plots

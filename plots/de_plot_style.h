#pragma once
// Colours shared by the DE plots (Okabe-Ito: distinguishable with the common colour-vision deficiencies).
#include "plots/plot_model.h"

namespace diffbio::plots {

inline std::vector<PointCategory> deCategories() {
  return {{QStringLiteral("not significant"), QColor(187, 187, 187)},
          {QStringLiteral("down"), QColor(0, 114, 178)},
          {QStringLiteral("up"), QColor(213, 94, 0)}};
}

}  // namespace diffbio::plots

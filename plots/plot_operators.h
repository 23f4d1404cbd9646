#pragma once
// Figure nodes for pipelines: volcano, MA, Q-Q, p-value histogram, dispersion, sample PCA, count distribution, one
// gene's counts, library sizes, embedding (by labels, an annotation/QC column or a gene), marker dot plot, violin and
// the training comparison. Each takes tables (or the dispersions, counts, an embedding) and writes one figure file
// (PNG, SVG or PDF by the name's suffix) into the run's output folder, so `diffbio run` leaves figures next to the
// tables. They live in the plots layer because painting needs Qt; the core has none, so the applications register
// them at start-up.
namespace diffbio::ops {
class Registry;
}

namespace diffbio::plots {

// Adds the plot.* operators. Registering into a registry that already has them does nothing.
void registerPlotOperators(ops::Registry& registry);

}  // namespace diffbio::plots

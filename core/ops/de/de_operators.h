#pragma once
// The differential-expression family: de.design, de.size_factors, de.dispersions, de.wald, de.results,
// de.normalized_counts, de.vst, and the seed-000 simulator sim.seed_de.
namespace diffbio::ops {
class Registry;
void registerDeOperators(Registry& registry);
}  // namespace diffbio::ops

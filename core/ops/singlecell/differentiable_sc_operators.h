#pragma once
// The differentiable single-cell nodes of seeds 001/004 (modules in differentiable_sc_modules.h):
//   sc.soft_hvg     soft highly-variable-gene weights and the weighted expression (soft_hvg_operator.cpp);
//   sc.soft_kmeans  soft k-means trained through the trainer, a Training node (soft_kmeans_operator.cpp).
namespace diffbio::ops {

class Registry;
void registerSoftHvgOperator(Registry& registry);
void registerSoftKMeansOperator(Registry& registry);
void registerDifferentiableSingleCellOperators(Registry& registry);

}  // namespace diffbio::ops

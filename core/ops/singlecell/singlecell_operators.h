#pragma once
// The single-cell spine (core/singlecell) as pipeline nodes: QC and filters, normalisation, highly variable genes,
// PCA, neighbours, Leiden, UMAP, Wilcoxon markers and the Splatter-like simulator.
namespace diffbio::ops {

class Registry;
void registerSingleCellOperators(Registry& registry);

}  // namespace diffbio::ops

#include "core/ops/singlecell/differentiable_sc_operators.h"

namespace diffbio::ops {

void registerDifferentiableSingleCellOperators(Registry& registry) {
  registerSoftHvgOperator(registry);
  registerSoftKMeansOperator(registry);
}

}  // namespace diffbio::ops

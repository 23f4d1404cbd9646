#include "core/ops/builtin_operators.h"

#include "core/ops/de/de_operators.h"
#include "core/ops/io/io_operators.h"
#include "core/ops/preprocessing/preprocessing_operators.h"
#include "core/ops/singlecell/differentiable_sc_operators.h"
#include "core/ops/singlecell/parametric_umap.h"
#include "core/ops/singlecell/singlecell_operators.h"
#include "core/ops/train/training_operators.h"

namespace diffbio::ops {

void registerBuiltinOperators(Registry& registry) {
  registerIoOperators(registry);
  registerDeOperators(registry);
  registerSingleCellOperators(registry);
  registerParametricUmapOperators(registry);
  registerDifferentiableSingleCellOperators(registry);
  registerTrainingOperators(registry);
  registerPreprocessingOperators(registry);
}

}  // namespace diffbio::ops

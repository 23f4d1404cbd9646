#include "core/ops/train/training_operators.h"

#include "core/ops/registry.h"
#include "core/ops/train/de_label_training.h"

namespace diffbio::ops {

void registerTrainingOperators(Registry& registry) { registerDeLabelTraining(registry); }

}  // namespace diffbio::ops

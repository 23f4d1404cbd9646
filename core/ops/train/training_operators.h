#pragma once
// Training nodes (the convention is in core/train/training_operator.h). One family registration, called from
// builtin_operators.cpp.
namespace diffbio::ops {

class Registry;
void registerTrainingOperators(Registry& registry);

}  // namespace diffbio::ops

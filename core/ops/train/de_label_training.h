#pragma once
// train.de_labels: the seed-000 DE training experiment as a pipeline node (see de_label_training.cpp).
namespace diffbio::ops {

class Registry;
void registerDeLabelTraining(Registry& registry);

}  // namespace diffbio::ops

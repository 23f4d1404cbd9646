#pragma once
// The training demos as graphs, built in code so `diffbio train --demo de` needs no resource folder. The bundled
// template resources/pipelines/de_training_demo.json is the same graph (tests/core/train/test_training_node.cpp
// checks that they are equal), so the GUI's template and the CLI's demo cannot drift apart.
#include "core/pipeline/graph.h"

namespace diffbio::train {

// Seed 000: simulation (2,000 genes, 50 control vs 50 treatment, the first 200 genes up 2-fold, seed 42) -> design
// ~ condition -> size factors (auto) -> dispersions -> GLM and Wald test -> results; and the training node
// "train" (train.de_labels: the seed's label loss, Adam, learning rate 0.01, 100 epochs) fed by all of them, writing
// checkpoint.pt and training_log.tsv, and its trained results written to trained_results.tsv.
pipeline::Graph deTrainingDemoPipeline();

}  // namespace diffbio::train

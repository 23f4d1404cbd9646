#include "core/train/demo_pipelines.h"

namespace diffbio::train {

pipeline::Graph deTrainingDemoPipeline() {
  pipeline::Graph g;
  g.addNode("simulation", "sim.seed_de",
            {{"genes", 2000}, {"samples", 100}, {"de_genes", 200}, {"fold_change", 2.0}, {"seed", 42}}, {0, 80});
  g.addNode("design", "de.design", {{"formula", "~ condition"}, {"contrast", "condition,treatment,control"}},
            {240, 80});
  g.addNode("size_factors", "de.size_factors", {{"method", "auto"}}, {480, 0});
  g.addNode("dispersions", "de.dispersions", {}, {720, 0});
  g.addNode("wald", "de.wald", {}, {960, 80});
  g.addNode("results", "de.results", {}, {1200, 160});
  g.addNode("train", "train.de_labels",
            {{"loss", "labels"},
             {"threshold", 0.05},
             {"optimizer", "adam"},
             {"learning_rate", 0.01},
             {"epochs", 100},
             {"seed", 42},
             {"checkpoint", "checkpoint.pt"},
             {"log", "training_log.tsv"}},
            {1440, 80});
  g.addNode("write_trained_results", "io.write_table", {{"path", "trained_results.tsv"}}, {1680, 80});
  auto connect = [&](const char* from, const char* output, const char* to, const char* input) {
    g.connect({from, output, to, input});
  };
  connect("simulation", "counts", "design", "counts");
  connect("simulation", "samples", "design", "samples");
  connect("design", "design", "size_factors", "design");
  connect("design", "design", "dispersions", "design");
  connect("size_factors", "size_factors", "dispersions", "size_factors");
  connect("design", "design", "wald", "design");
  connect("size_factors", "size_factors", "wald", "size_factors");
  connect("dispersions", "dispersions", "wald", "dispersions");
  connect("design", "design", "results", "design");
  connect("wald", "fit", "results", "fit");
  connect("design", "design", "train", "design");
  connect("size_factors", "size_factors", "train", "size_factors");
  connect("dispersions", "dispersions", "train", "dispersions");
  connect("wald", "fit", "train", "fit");
  connect("simulation", "truth", "train", "labels");
  connect("results", "results", "train", "results");
  connect("train", "results", "write_trained_results", "table");
  return g;
}

}  // namespace diffbio::train

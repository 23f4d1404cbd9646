#include "app/cli/commands.h"

namespace diffbio::cli {

const std::vector<Command>& allCommands() {
  static const std::vector<Command> commands = {
      {"info", "describe a data file: format, shape, density, integer-ness, names, annotations", runInfo},
      {"de", "differential expression (DESeq2's method) from counts and a sample sheet", runDe},
      {"run", "run a pipeline file headless: outputs into a folder, timing per node", runRun},
      {"ops", "list the operators with their ports and parameters (--markdown for docs/operators.md)", runOps},
      {"plot", "volcano, MA, Q-Q or p-value histogram of a results table as PNG/SVG/PDF", runPlot},
      {"train", "train a differentiable model (--demo de: the seed's DE training experiment)", runTrain},
      {"reads", "read preprocessing: exact adapter and quality trimming (cutadapt's semantics)", runReads},
      {"sc", "single-cell analysis: QC, normalisation, HVG, PCA, neighbours, Leiden, UMAP, Wilcoxon markers", runSc},
  };
  return commands;
}

}  // namespace diffbio::cli

// The commands of the light `diffbio` binary: those whose code needs no LibTorch (readers, the exact statistics,
// figures). Loading LibTorch and the ~280 libraries it depends on costs ~0.7 s per process, more than `diffbio de`
// needs for a whole bulk study, so these run without it. Every other command (and --help) is handed to
// `diffbio-engine` (engine_forward.cpp), which has the full table in commands.cpp.
//
// A command listed here must be in the light source list of app/CMakeLists.txt, and must not pull LibTorch in:
// tests/app/test_cli_light.cpp fails when the light binary depends on it.
#include "app/cli/commands.h"

namespace diffbio::cli {

const std::vector<Command>& allCommands() {
  static const std::vector<Command> commands = {
      {"info", "describe a data file: format, shape, density, integer-ness, names, annotations", runInfo},
      {"de", "differential expression (DESeq2's method) from counts and a sample sheet", runDe},
      {"plot", "volcano, MA, Q-Q or p-value histogram of a results table as PNG/SVG/PDF", runPlot},
  };
  return commands;
}

}  // namespace diffbio::cli

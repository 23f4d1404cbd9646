// The commands of the light `diffbio` binary: those whose code needs no LibTorch (readers, the exact statistics,
// read trimming, the single-cell spine, figures). Loading LibTorch and the ~280 libraries it depends on costs ~0.5 s
// per process, more than `diffbio de` needs for a whole bulk study, so these run without it. Every other command
// (and --help, which lists them all with their summaries from commands.cpp) is handed to `diffbio-engine`
// (engine_forward.cpp).
//
// A command listed here must be in the light source list of app/CMakeLists.txt, and must not pull LibTorch in:
// tests/app/test_cli_light.cpp fails when the light binary depends on it.
#include "app/cli/commands.h"

namespace diffbio::cli {

const std::vector<Command>& allCommands() {
  static const std::vector<Command> commands = {
      {"info", "", runInfo}, {"de", "", runDe}, {"plot", "", runPlot}, {"reads", "", runReads}, {"sc", "", runSc},
  };
  return commands;
}

}  // namespace diffbio::cli

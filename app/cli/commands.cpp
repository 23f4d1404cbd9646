#include "app/cli/commands.h"

namespace diffbio::cli {

const std::vector<Command>& allCommands() {
  static const std::vector<Command> commands = {
      {"info", "describe a data file: format, shape, density, integer-ness, names, annotations", runInfo},
      {"de", "differential expression (DESeq2's method) from counts and a sample sheet", runDe},
  };
  return commands;
}

}  // namespace diffbio::cli

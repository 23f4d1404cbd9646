#pragma once
// The registry of CLI subcommands. Adding one = a command_NAME.cpp file and a line in commands.cpp.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace diffbio::cli {

// Wrong flags or arguments (exit code 2, with a pointer to --help).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Command {
  std::string name;
  std::string summary;
  std::function<int(const std::vector<std::string>&)> run;
};

const std::vector<Command>& allCommands();

int runInfo(const std::vector<std::string>& args);
int runDe(const std::vector<std::string>& args);
int runRun(const std::vector<std::string>& args);
int runOps(const std::vector<std::string>& args);
int runPlot(const std::vector<std::string>& args);
int runTrain(const std::vector<std::string>& args);
int runReads(const std::vector<std::string>& args);
int runSc(const std::vector<std::string>& args);

}  // namespace diffbio::cli

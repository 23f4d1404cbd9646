// `diffbio run PIPELINE.json`: runs a pipeline headless, as the window would, for servers and batch scripts.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "app/cli/pipeline_overrides.h"
#include "core/pipeline/executor.h"
#include "core/pipeline/pipeline_file.h"
#include "core/pipeline/validation.h"
#include "core/util/cancel_token.h"
#include "core/util/error.h"

namespace diffbio::cli {

namespace {

constexpr const char* kHelp =
    "usage: diffbio run PIPELINE.json [--out DIR] [--set NODE.PARAM=VALUE ...] [--input NODE=PATH ...]\n\n"
    "Runs a pipeline made in DiffBio Studio (or a template from resources/pipelines) without a window, and prints\n"
    "one line per node: id, operator, state, seconds, and whether a cached result was reused.\n\n"
    "  --out DIR                 where sinks write their relative output paths (default: the current folder;\n"
    "                            created when needed). Input paths in the file are relative to the file.\n"
    "  --set NODE.PARAM=VALUE    change a parameter; VALUE is read by the parameter's type: 12, 0.05, true,\n"
    "                            a choice, text, a path, or comma-separated gene names. Repeatable.\n"
    "  --input NODE=PATH         the input file of a loader node (its one input-path parameter). Repeatable.\n\n"
    "Exit status: 0 done; 1 a node failed (its message is printed); 2 a bad option or an invalid pipeline;\n"
    "130 interrupted (Ctrl-C stops the running node; files are written whole or not at all).\n";

// Arguments keeps one value per option; --set and --input repeat, so they are taken out first.
std::vector<std::string> takeRepeated(std::vector<std::string>& args, const std::string& name) {
  std::vector<std::string> values, rest;
  const std::string flag = "--" + name, prefix = flag + "=";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == flag) {
      if (i + 1 == args.size()) throw UsageError("option " + flag + " needs a value");
      values.push_back(args[++i]);
    } else if (args[i].rfind(prefix, 0) == 0) {
      values.push_back(args[i].substr(prefix.size()));
    } else {
      rest.push_back(args[i]);
    }
  }
  args = std::move(rest);
  return values;
}

// Read without a folder, so relative paths stay relative: inputs are then resolved against the pipeline's folder
// (Executor::setPipelineFolder) and outputs against --out (readPipelineFile would pin outputs beside the file).
pipeline::Graph readPipeline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError({path}, "cannot open the pipeline file", "check the path");
  std::ostringstream text;
  text << in.rdbuf();
  return pipeline::parsePipeline(text.str(), {}, path);
}

// Ctrl-C raises the token; the running operator stops at its next checkCancelled() and its AtomicOutputFile
// removes the half-written file. A second Ctrl-C falls back to the default (kill), for a stuck operator.
CancelToken interruptToken;
void onInterrupt(int) {
  interruptToken.cancel();
  std::signal(SIGINT, SIG_DFL);
}

// One line per node as it settles (done, failed, or not run), so a long run shows where it is.
class NodeLinePrinter : public pipeline::ExecutionListener {
 public:
  NodeLinePrinter(const pipeline::Graph& graph, std::ostream& out) : graph_(graph), out_(out) {
    for (const auto& node : graph.nodes()) {
      idWidth_ = std::max(idWidth_, node.id.size());
      operatorWidth_ = std::max(operatorWidth_, node.operatorId.size());
    }
    out_ << pad("node", idWidth_) << "  " << pad("operator", operatorWidth_) << "  state    seconds  result\n";
  }

  void nodeStatusChanged(const std::string& nodeId, const pipeline::NodeStatus& status) override {
    using pipeline::NodeState;
    if (status.state != NodeState::Done && status.state != NodeState::Failed && status.state != NodeState::Stale)
      return;
    const bool ran = status.state != NodeState::Stale && !status.reused;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%7.3f", status.seconds);
    out_ << pad(nodeId, idWidth_) << "  " << pad(graph_.node(nodeId).operatorId, operatorWidth_) << "  "
         << pad(pipeline::nodeStateName(status.state), 7) << "  " << (ran ? seconds : "      -") << "  "
         << (status.reused ? "reused" : ran ? "ran" : "not run") << "\n"
         << std::flush;
  }

 private:
  static std::string pad(const std::string& text, std::size_t width) {
    return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
  }
  const pipeline::Graph& graph_;
  std::ostream& out_;
  std::size_t idWidth_ = 4, operatorWidth_ = 8;
};

}  // namespace

int runRun(const std::vector<std::string>& givenArgs) {
  std::vector<std::string> args = givenArgs;
  const auto sets = takeRepeated(args, "set");
  const auto inputs = takeRepeated(args, "input");
  const Arguments parsed(args, {"out"}, {"help"});
  if (parsed.flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  if (parsed.positional().size() != 1) throw UsageError("give one pipeline file");
  const std::string file = parsed.positional().front();

  pipeline::Graph graph = readPipeline(file);
  for (const auto& assignment : inputs) applyInput(graph, assignment);
  for (const auto& assignment : sets) applySet(graph, assignment);
  pipeline::throwIfInvalid(graph, file);  // exit 2 listing every problem, before anything runs

  pipeline::Executor executor;
  executor.setPipelineFolder(std::filesystem::absolute(file).lexically_normal().parent_path());
  const std::string out = parsed.value("out", ".");
  executor.setOutputFolder(out);

  NodeLinePrinter printer(graph, std::cout);
  interruptToken.reset();
  const auto previous = std::signal(SIGINT, onInterrupt);
  const pipeline::RunSummary summary = executor.run(graph, interruptToken, &printer);
  std::signal(SIGINT, previous);

  if (summary.cancelled) {
    std::cerr << "interrupted: the run was cancelled; no partial output files were left\n";
    return 130;
  }
  for (const auto& id : summary.failed) {
    std::cerr << "error: node \"" << id << "\" (" << graph.node(id).operatorId
              << ") failed: " << executor.status(id).message << "\n";
  }
  if (!summary.failed.empty()) return 1;
  std::cout << "done: " << summary.executed << " nodes ran; outputs in " << out << "\n";
  return 0;
}

}  // namespace diffbio::cli

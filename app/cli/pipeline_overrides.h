#pragma once
// Command-line changes to a pipeline before it runs: `--set NODE.PARAM=VALUE` and `--input NODE=PATH`. Every
// mistake is a UsageError naming the node and the parameter, with a "did you mean" for typos, so a batch script
// fails at once instead of running an analysis with a setting silently ignored.
#include <string>

#include "core/ops/registry.h"
#include "core/pipeline/graph.h"

namespace diffbio::cli {

// `assignment` is "NODE.PARAM=VALUE"; VALUE is read according to the parameter's type (parameter_text.h).
void applySet(pipeline::Graph& graph, const std::string& assignment,
              const ops::Registry& registry = ops::Registry::global());

// `assignment` is "NODE=PATH": sets the one input-file parameter of a loader node.
void applyInput(pipeline::Graph& graph, const std::string& assignment,
                const ops::Registry& registry = ops::Registry::global());

}  // namespace diffbio::cli

#pragma once
// A layered ("Sugiyama-style") layout for pipelines: each node goes into the column of its longest path from a
// source, nodes in a column are ordered by the mean row of their inputs (fewer crossings), and stacked by their
// real heights. Used for templates and View > Arrange.
#include <map>
#include <string>

#include "core/ops/registry.h"
#include "core/pipeline/graph.h"

namespace diffbio::widgets {

std::map<std::string, pipeline::Position> layeredLayout(const pipeline::Graph& graph, const ops::Registry& registry);

}  // namespace diffbio::widgets

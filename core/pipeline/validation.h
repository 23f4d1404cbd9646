#pragma once
// What is wrong with a pipeline, in words a biologist understands, each naming the node and the port or parameter
// so the canvas can put a badge on it. Checked: unknown operators, connections to missing nodes or ports, port
// types that do not fit, an input connected twice, a required input left open, loops, unknown parameters, and
// values of the wrong kind, out of range or not among the choices.
#include <string>
#include <vector>

#include "core/ops/registry.h"
#include "core/pipeline/graph.h"

namespace diffbio::pipeline {

struct Problem {
  std::string node;       // the node the problem is about
  std::string port;       // the input or output concerned, if any
  std::string parameter;  // the parameter concerned, if any
  std::string message;    // a full sentence
};

std::vector<Problem> validate(const Graph& graph, const ops::Registry& registry = ops::Registry::global());

// Throws InputError listing every problem (file = `source`, e.g. the pipeline file) when there is any.
void throwIfInvalid(const Graph& graph, const std::string& source = {},
                    const ops::Registry& registry = ops::Registry::global());

}  // namespace diffbio::pipeline

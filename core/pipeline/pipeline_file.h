#pragma once
// Pipeline files: versioned JSON ("format": "diffbio-pipeline", "version": 1) with node ids, operator ids,
// parameter values, canvas positions and edges. Path parameters are stored relative to the file, so a pipeline and
// its data can move together; in memory they are absolute after reading. Writing what was read gives the same
// bytes (keys in a fixed order, numbers in shortest round-trip form).
//
// Reading rejects, with the node and a "did you mean", unknown operators and parameters and values of the wrong
// kind; connections and ranges are left to validation.h, so a half-finished pipeline can still be opened and fixed.
#include <filesystem>
#include <string>

#include "core/ops/registry.h"
#include "core/pipeline/graph.h"

namespace diffbio::pipeline {

// Throws InputError naming the file (with line and column for malformed JSON).
Graph readPipelineFile(const std::filesystem::path& file, const ops::Registry& registry = ops::Registry::global());
// Written atomically: a failed save never leaves a truncated pipeline behind.
void writePipelineFile(const Graph& graph, const std::filesystem::path& file,
                       const ops::Registry& registry = ops::Registry::global());

// The same on text. `folder` is the pipeline file's folder (relative paths are resolved against it and written
// relative to it; empty = leave paths as they are); `source` names the file in messages.
Graph parsePipeline(const std::string& text, const std::filesystem::path& folder, const std::string& source,
                    const ops::Registry& registry = ops::Registry::global());
std::string formatPipeline(const Graph& graph, const std::filesystem::path& folder,
                           const ops::Registry& registry = ops::Registry::global());

}  // namespace diffbio::pipeline

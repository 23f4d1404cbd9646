#pragma once
// Pipeline files carry a format version. When the format changes, the reader upgrades older documents one version
// at a time before reading them, so old pipelines keep opening: add a MigrationStep for the old version, bump
// kPipelineFormatVersion, and the reader does the rest.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace diffbio::pipeline {

constexpr int kPipelineFormatVersion = 1;

struct MigrationStep {
  int from = 0;  // upgrades a document of this version to from + 1
  std::function<void(nlohmann::ordered_json& document)> apply;
};

// The steps this build knows (none yet: version 1 is the first format).
const std::vector<MigrationStep>& pipelineMigrations();

// Brings `document` from `version` to `targetVersion` with `steps`, updating its "version" field. Throws InputError
// (file = `source`) for a document newer than this build or older than any step can upgrade.
void migratePipeline(nlohmann::ordered_json& document, int version, int targetVersion,
                     const std::vector<MigrationStep>& steps, const std::string& source);

}  // namespace diffbio::pipeline

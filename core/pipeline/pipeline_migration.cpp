#include "core/pipeline/pipeline_migration.h"

#include <nlohmann/json.hpp>

#include "core/util/error.h"

namespace diffbio::pipeline {

const std::vector<MigrationStep>& pipelineMigrations() {
  static const std::vector<MigrationStep> steps;
  return steps;
}

void migratePipeline(nlohmann::ordered_json& document, int version, int targetVersion,
                     const std::vector<MigrationStep>& steps, const std::string& source) {
  if (version > targetVersion)
    throw InputError({source},
                     "this pipeline was saved by a newer DiffBio Studio (format version " + std::to_string(version) +
                         "; this version reads up to " + std::to_string(targetVersion) + ")",
                     "update DiffBio Studio to open it");
  while (version < targetVersion) {
    const MigrationStep* step = nullptr;
    for (const auto& candidate : steps)
      if (candidate.from == version) step = &candidate;
    if (!step)
      throw InputError({source}, "pipeline format version " + std::to_string(version) + " is not supported",
                       "re-create the pipeline in this version of DiffBio Studio");
    step->apply(document);
    ++version;
    document["version"] = version;
  }
}

}  // namespace diffbio::pipeline

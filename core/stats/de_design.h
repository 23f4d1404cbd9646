#pragma once
// Turning loaded counts, a sample sheet, a formula and a contrast into the experiment the DE engine tests. One
// implementation shared by `diffbio de` and the pipeline's `de.design` node, so both give identical results.
#include <string>
#include <vector>

#include "core/data/table.h"
#include "core/io/loaded_counts.h"
#include "core/stats/deseq_steps.h"

namespace diffbio::stats {

struct DeDesignRequest {
  std::string formula = "~ condition";
  std::string contrast = "condition,treated,untreated";  // factor,numerator,denominator
  std::string reducedFormula;                            // set: a likelihood-ratio test against it
  bool roundCounts = false;                              // round estimated counts instead of refusing them
  std::string countsPath, samplesPath;                   // for error messages
};

struct DeDesign {
  DeExperiment experiment;
  std::vector<std::string> sampleMapping;  // "sheet name -> count column" when the containment rule matched them
  std::vector<std::string> notes;          // e.g. that counts were rounded
};

// Pairs the sheet with the count columns (io::matchSamples), sets the contrast's denominator as the reference
// level, builds the model matrix (data::Design) and the contrast. InputError for non-integer counts (unless
// roundCounts), NaN or negative counts, and every design problem Design reports.
DeDesign buildDeDesign(const io::LoadedCounts& counts, const data::Table& sheet, const DeDesignRequest& request);

}  // namespace diffbio::stats

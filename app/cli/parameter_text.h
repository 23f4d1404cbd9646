#pragma once
// Parameter values typed on the command line (`--set NODE.PARAM=VALUE`), read according to the parameter's spec:
// the spec says whether "5" is a whole number, a float or text, so the same words work for every operator.
#include <string>

#include "core/ops/operator.h"

namespace diffbio::cli {

// The value `text` spells for `spec`, checked against its range and choices. Throws UsageError with a sentence
// that names the parameter as `what` (e.g. `results.alpha`) and says what was expected.
//   int: 12, -3          float: 0.05, 1e-3        bool: true/false, yes/no, on/off, 1/0
//   enum, string: as typed                        path: as typed; input paths are made absolute (see below)
//   gene list: comma-separated names ("" = none)
// Relative input paths are taken relative to the working directory, where the user typed them (the pipeline
// folder would surprise); relative output paths stay relative and land in the run's output folder.
ops::ParameterValue parseParameterText(const ops::ParameterSpec& spec, const std::string& text,
                                       const std::string& what);

}  // namespace diffbio::cli

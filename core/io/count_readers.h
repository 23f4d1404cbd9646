#pragma once
// One entry point for every count-matrix format: sniffs the format and calls the reader for it.
#include <string>

#include "core/io/loaded_counts.h"

namespace diffbio::io {

LoadedCounts readCounts(const std::string& path, const CountReadOptions& options = {});

}  // namespace diffbio::io

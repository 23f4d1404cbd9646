#pragma once
// Loaders and writers: io.load_counts, io.load_samples, io.write_table.
namespace diffbio::ops {
class Registry;
void registerIoOperators(Registry& registry);
}  // namespace diffbio::ops

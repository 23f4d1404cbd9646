#pragma once
// Seeded synthetic reads whose truth is known, for the threshold-learning experiments of the adapter and duplicate
// stages (train.adapter_threshold, train.duplicate_threshold). The truth travels with the reads in ReadTensors
// (trueAdapterStart, duplicateFamily), so a training node can build its loss from the labels.
#include <cstdint>
#include <string>

#include "core/ops/preprocessing/read_tensors.h"

namespace diffbio::ops {

struct AdapterSimulation {
  std::int64_t reads = 400;
  std::int64_t length = 60;
  std::string adapter = "AGATCGGAAGAGC";
  double adapterFraction = 0.5;   // share of reads that carry the adapter
  int minAdapterBases = 10;       // an adapter starts at most length - minAdapterBases (at least this much is visible)
  int maxMismatches = 1;          // each adapter copy has 0..maxMismatches substitutions in its visible part
  std::uint64_t seed = 7;
};

// Random inserts (uniform bases, Phred 35); in a read with the adapter, the adapter starts at a uniformly drawn
// position in [0, length - minAdapterBases] and runs to its end or the read's (random bases after it). Truth:
// trueAdapterStart = that position, or `length` for reads without the adapter.
ReadTensors simulateAdapterReads(const AdapterSimulation& options);

struct DuplicateSimulation {
  std::int64_t families = 150;   // distinct molecules
  std::int64_t length = 50;
  int maxCopies = 4;             // a family has 1..maxCopies reads (uniform)
  int maxCopyErrors = 1;         // each copy after the first has 0..maxCopyErrors substitutions (sequencing errors)
  double siblingFraction = 0.3;  // share of families made from another family's molecule with `siblingDifferences`
  int siblingDifferences = 8;    //   substitutions: similar but distinct molecules (paralogs)
  int prefix = 12;               // errors and differences fall after the first `prefix` bases (as the soft mode's
                                 //   grouping assumes), so a family and its siblings share their prefix
  std::uint64_t seed = 11;
};

// Reads in a shuffled order; truth: duplicateFamily (the family index of each read). Phred 35 everywhere.
ReadTensors simulateDuplicateReads(const DuplicateSimulation& options);

}  // namespace diffbio::ops

#pragma once
// The read-preprocessing family (seed 003): reads.load_fastq, reads.simulate_seed, reads.quality_filter,
// reads.adapter_removal, reads.duplicate_weighting, reads.error_correction, reads.summary, and the training node
// train.quality_threshold (the seed's threshold-learning experiment).
namespace diffbio::ops {
class Registry;
void registerPreprocessingOperators(Registry& registry);
void registerQualityThresholdTraining(Registry& registry);    // quality_threshold_training.cpp
void registerAdapterThresholdTraining(Registry& registry);    // adapter_threshold_training.cpp
void registerDuplicateThresholdTraining(Registry& registry);  // duplicate_threshold_training.cpp
}  // namespace diffbio::ops

#pragma once
// The QC figures of a read-preprocessing pipeline (seed 003's quality filter -> adapter removal -> duplicate
// weighting -> error correction), for the Plots dock. They come from two node outputs: the reads as loaded (the
// node with a Reads output and no Reads input: load_fastq, simulate_seed) and the reads after the last stage. No
// LibTorch here: the tensors are read in read_qc_figures_tensor.cpp.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ops/operator.h"
#include "core/pipeline/graph.h"
#include "widgets/results/plots_panel.h"

namespace diffbio::widgets {

class JobRunner;

struct ReadQcSources {
  ops::ValuePtr input;   // the loaded reads
  ops::ValuePtr output;  // what the summary node reads, else the last stage (not a training node); may equal input
  std::string inputNode, outputNode;
  // From the adapter-removal node (empty: none in the pipeline, or disabled): adapter content is then searched
  // with the exact trimmer's aligner (cutadapt's semantics, error rate 0.1) and this minimum overlap.
  std::string adapter;
  int minOverlap = 3;
  double qualityThreshold = 0;  // the quality filter's threshold, drawn on the quality plot (0: none)
  // Changes whenever a figure would change.
  std::string key() const;
};

// The sources of the finished run, or nothing when the pipeline has no finished Reads outputs.
std::optional<ReadQcSources> findReadQcSources(const pipeline::Graph& graph, const JobRunner& runner);

// Per-position quality (mean +- sd) of the loaded reads, retention (read weights and base weights summed), the
// read-weight histogram, adapter content by position, retained bases per read and duplication levels (exact
// sequences). Runs on a worker; throws InputError when a value is not reads.
std::vector<Figure> readQcFigures(const ReadQcSources& sources);

}  // namespace diffbio::widgets

#pragma once
// Quality heatmap: reads x positions, each cell the base's Phred score (FastQC-style overview of where quality
// falls). A file may hold millions of reads, so the rows are a uniform sample (reservoir sampling in one streaming
// pass, seeded: the same picture on every run) sorted by mean quality, best at the top. The cells are one raster
// image layer (one pixel per base, drawn unsmoothed), so even 10^4 x 300 cells stay cheap in PNG, SVG and PDF.
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/read_batch.h"
#include "plots/colour_maps.h"
#include "plots/plot_model.h"

namespace diffbio::plots {

struct QualitySample {
  std::vector<std::vector<std::uint8_t>> phred;  // one row per sampled read, Phred scores (offset removed)
  std::vector<std::string> names;                // read identifiers, parallel to phred
  std::uint64_t readsSeen = 0;                   // reads in the whole input
};

// A uniform sample of at most `maxReads` reads of a FASTQ file (plain or gzip), in one pass at constant memory.
// Throws InputError for unreadable or malformed input (as the FASTQ reader does).
QualitySample sampleQualities(const std::string& fastqPath, std::size_t maxReads = 2000, std::uint64_t seed = 1);
// The same from reads in memory (every read when there are at most maxReads).
QualitySample sampleQualities(const data::ReadBatch& reads, std::size_t maxReads = 2000, std::uint64_t seed = 1);

struct QualityHeatmapOptions {
  QString title;
  ColourMap colourMap = ColourMap::Viridis;
  int maxPhred = 41;  // top of the colour scale (higher scores take its top colour)
};

// Rows sorted by mean quality (best at the top; ties by name), positions 1..longest read on x, bases beyond a read's
// end left white. The CSV export gives the mean and sd of quality per position over the sampled reads.
PlotModel qualityHeatmap(const QualitySample& sample, const QualityHeatmapOptions& options = {});

// The row order qualityHeatmap draws (indices into sample.phred, top row first).
std::vector<std::size_t> qualityHeatmapOrder(const QualitySample& sample);

}  // namespace diffbio::plots

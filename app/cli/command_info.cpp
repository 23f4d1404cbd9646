// `diffbio info PATH [PATH2]`: what DiffBio sees in a data file.
#include <iostream>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "core/io/data_summary.h"

namespace diffbio::cli {

namespace {
constexpr const char* kHelp =
    "usage: diffbio info PATH [MATE.fq]  [--samples-as-rows] [--genome NAME] [--matrix auto|X|raw/X|layers/NAME]\n"
    "                                    [--mtx-rows-are-cells]\n\n"
    "Describes a count table (CSV/TSV, featureCounts, salmon quant.sf), a MatrixMarket file, a 10x Genomics folder\n"
    "or .h5 file, an AnnData .h5ad, or FASTQ reads (give both files of a pair to check them together).\n\n"
    "  --samples-as-rows     a delimited table has one row per sample (default: one row per gene)\n"
    "  --genome NAME         10x v2 .h5 with several genomes: which one\n"
    "  --matrix WHICH        h5ad: which matrix (default auto: layers/counts, then raw/X, then X)\n"
    "  --mtx-rows-are-cells  a lone .mtx file is cells x genes (default: genes x cells, as 10x writes it)\n";
}

int runInfo(const std::vector<std::string>& args) {
  const Arguments parsed(args, {"genome", "matrix"}, {"samples-as-rows", "mtx-rows-are-cells", "help"});
  if (parsed.flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  if (parsed.positional().empty() || parsed.positional().size() > 2)
    throw UsageError("give one data file or folder (or the two files of a FASTQ pair)");
  io::CountReadOptions options;
  options.samplesAsRows = parsed.flag("samples-as-rows");
  options.genome = parsed.value("genome", "");
  options.h5adMatrix = parsed.value("matrix", "auto");
  options.mtxRowsAreObs = parsed.flag("mtx-rows-are-cells");
  std::cout << io::describeData(parsed.positional(), options);
  return 0;
}

}  // namespace diffbio::cli

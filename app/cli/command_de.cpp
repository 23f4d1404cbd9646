// `diffbio de`: exact differential expression (DESeq2's DESeq + results) from a count table and a sample sheet.
#include <chrono>
#include <iostream>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "core/stats/de_design.h"
#include "core/io/table_writer.h"
#include "core/stats/deseq.h"
#include "core/stats/deseq_steps.h"
#include "core/util/error.h"
#include "core/util/heap_reuse.h"

namespace diffbio::cli {

namespace {

constexpr const char* kHelp =
    "usage: diffbio de --counts FILE --samples FILE --design \"~ type + condition\"\n"
    "                  --contrast condition,treated,untreated [options]\n\n"
    "Differential expression with DESeq2's method: size factors, dispersions (gene-wise, trend, MAP), negative\n"
    "binomial GLM, Wald test (or a likelihood-ratio test with --reduced), Cook's outliers, independent filtering\n"
    "and Benjamini-Hochberg. Counts are genes x samples unless --samples-as-rows.\n\n"
    "  --alpha A               FDR level for independent filtering and the summary (default 0.1)\n"
    "  --lfc-threshold T       test |log2 fold change| > T instead of != 0 (default 0)\n"
    "  --size-factors M        auto (default) | ratio | poscounts | mode | tmm | upperquartile\n"
    "                          auto = median-of-ratios as DESeq2, unless asymmetric differential expression biases\n"
    "                          it; then the mode of ratios, with a note saying why\n"
    "  --preset deseq2         every default exactly as DESeq2's (size factors: ratio)\n"
    "  --reduced \"~ type\"      likelihood-ratio test of the design against this reduced design\n"
    "  --out FILE              results table (default results.tsv; .csv for comma-separated)\n"
    "  --size-factors-out F    also write the size factors\n"
    "  --dispersions-out F     also write the dispersion estimates (gene-wise, trend, MAP, final)\n"
    "  --normalized-out F      also write the normalised counts (genes x samples)\n"
    "  --vst-out F             also write the variance-stabilised values (blind, parametric; for sample PCA)\n"
    "  --round                 round non-integer counts (e.g. salmon estimates) instead of refusing them\n"
    "  --samples-as-rows       the count table has one row per sample\n";

data::Table sizeFactorTable(const std::vector<std::string>& samples, const Eigen::VectorXd& factors) {
  data::Table table(samples);
  table.indexName = "sample";
  table.addColumn(data::Column("sizeFactor", std::vector<double>(factors.data(), factors.data() + factors.size())));
  return table;
}

data::Table dispersionTable(const std::vector<std::string>& genes, const stats::DeseqRun& run) {
  auto column = [](const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); };
  const auto& d = run.dispersions;
  data::Table table(genes);
  table.indexName = "gene_id";
  table.addColumn(data::Column("baseMean", column(d.baseMean())));
  table.addColumn(data::Column("dispGeneEst", column(d.dispGeneEst())));
  table.addColumn(data::Column("dispFit", column(d.dispFit)));
  table.addColumn(data::Column("dispMAP", column(d.dispMAP())));
  table.addColumn(data::Column("dispersion", column(run.finalDispersion)));
  std::vector<std::uint8_t> outlier(d.map.dispOutlier.begin(), d.map.dispOutlier.end());
  table.addColumn(data::Column::boolean("dispOutlier", std::move(outlier)));
  return table;
}

void printSummary(const stats::DeseqRun& run, double alpha, std::ostream& out) {
  const auto& table = run.results.table;
  const auto& padj = table.column("padj").floats();
  const auto& lfc = table.column("log2FoldChange").floats();
  long up = 0, down = 0;
  for (std::size_t i = 0; i < padj.size(); ++i) {
    if (!(padj[i] < alpha)) continue;
    (lfc[i] > 0 ? up : down)++;
  }
  out << "genes with padj < " << alpha << ": " << up + down << " (" << up << " up, " << down << " down) of "
      << table.nRows() << "\n"
      << "all-zero genes: " << run.results.allZeroGenes << "; Cook's outliers: " << run.results.cooksOutliers
      << "; low counts (independent filtering): " << run.results.lowCountGenes << "\n";
  for (const auto& note : run.notes) out << "note: " << note << "\n";
}

}  // namespace

int runDe(const std::vector<std::string>& args) {
  const Arguments parsed(args,
                         {"counts", "samples", "design", "contrast", "alpha", "lfc-threshold", "size-factors",
                          "preset", "reduced", "out", "size-factors-out", "dispersions-out", "normalized-out",
                          "vst-out"},
                         {"round", "samples-as-rows", "help"});
  if (parsed.flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  for (const char* required : {"counts", "samples", "design", "contrast"})
    if (!parsed.has(required)) throw UsageError(std::string("--") + required + " is required");
  if (!parsed.positional().empty()) throw UsageError("unexpected argument '" + parsed.positional().front() + "'");

  // Before reading: the loaded matrix and the reader's buffers, once freed, hold the fit's 16 MB matrices instead of
  // fresh pages (core/util/heap_reuse.h).
  keepLargeBuffersForReuse();
  const auto started = std::chrono::steady_clock::now();
  const std::string countsPath = *parsed.value("counts"), samplesPath = *parsed.value("samples");
  io::CountReadOptions readOptions;
  readOptions.samplesAsRows = parsed.flag("samples-as-rows");
  io::LoadedCounts loaded = io::readCounts(countsPath, readOptions);
  for (const auto& note : loaded.notes) std::cerr << "note: " << note << "\n";

  stats::DeDesignRequest request;
  request.formula = *parsed.value("design");
  request.contrast = *parsed.value("contrast");
  request.reducedFormula = parsed.value("reduced", "");
  request.roundCounts = parsed.flag("round");
  request.countsPath = countsPath;
  request.samplesPath = samplesPath;
  const stats::DeDesign design = stats::buildDeDesign(loaded, io::readSampleSheet(samplesPath), request);
  for (const auto& note : design.notes) std::cerr << "warning: " << note << " (--round)\n";
  if (!design.sampleMapping.empty()) {
    std::cerr << "matched sample sheet rows to count columns by name containment:\n";
    for (const auto& line : design.sampleMapping) std::cerr << "  " << line << "\n";
  }
  const stats::DeExperiment& experiment = design.experiment;
  const data::CountMatrix::Dense& counts = experiment.counts;
  // The design holds its own copy of the counts: release the loaded matrix (16 MB for 20,000 genes x 100 samples)
  // before the analysis, keeping only the names the outputs need.
  const std::vector<std::string> sampleNames = loaded.matrix.obsNames(), geneNames = loaded.matrix.geneNames();
  loaded.matrix = data::CountMatrix();

  stats::DeseqOptions options;
  const std::string preset = parsed.value("preset", "");
  if (!preset.empty() && preset != "deseq2") throw UsageError("--preset knows only 'deseq2'");
  options.sizeFactors = preset == "deseq2" ? "ratio" : parsed.value("size-factors", "auto");
  if (preset == "deseq2" && parsed.has("size-factors") && *parsed.value("size-factors") != "ratio")
    throw UsageError("--preset deseq2 fixes --size-factors to ratio");
  try {
    options.results.alpha = std::stod(parsed.value("alpha", "0.1"));
    options.results.lfcThreshold = std::stod(parsed.value("lfc-threshold", "0"));
  } catch (const std::exception&) {
    throw UsageError("--alpha and --lfc-threshold take numbers");
  }
  if (!(options.results.alpha > 0 && options.results.alpha < 1)) throw UsageError("--alpha must be between 0 and 1");

  const auto computeStart = std::chrono::steady_clock::now();
  const stats::DeseqRun run = [&] {
    try {
      return stats::runDeseq(experiment, options);
    } catch (const InputError& error) {
      if (!error.where().file.empty()) throw;
      throw InputError({countsPath}, error.problem(), error.fix());  // the analysis' errors are about these counts
    }
  }();
  const double computeSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - computeStart).count();

  data::Table results = run.results.table;
  results.indexName = "gene_id";
  const std::string out = parsed.value("out", "results.tsv");
  io::writeTable(results, out);
  if (const auto path = parsed.value("size-factors-out"))
    io::writeTable(sizeFactorTable(sampleNames, run.sizeFactors), *path);
  if (const auto path = parsed.value("dispersions-out"))
    io::writeTable(dispersionTable(geneNames, run), *path);

  // Per-sample matrices are written genes x samples, the layout of DESeq2's counts(dds, normalized = TRUE).
  auto writeSampleMatrix = [&](const Eigen::MatrixXd& values, const std::string& path) {
    io::writeCountTable(data::CountMatrix::fromDense(values, sampleNames, geneNames), path);
  };
  if (const auto path = parsed.value("normalized-out"))
    writeSampleMatrix(counts.array().colwise() / run.sizeFactors.array(), *path);
  if (const auto path = parsed.value("vst-out"))
    writeSampleMatrix(stats::blindVarianceStabilizingTransformation(counts, run.sizeFactors).values, *path);

  printSummary(run, options.results.alpha, std::cout);
  const double totalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "wrote " << out << " (" << (experiment.reducedModelMatrix ? "LRT" : "Wald") << " test; compute "
            << computeSeconds << " s, total " << totalSeconds << " s)\n";
  return 0;
}

}  // namespace diffbio::cli

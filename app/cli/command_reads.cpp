// `diffbio reads`: read preprocessing. `trim` is the exact trimmer (cutadapt's semantics, multi-threaded, streaming).

#include <chrono>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "app/cli/arguments.h"
#include "app/cli/commands.h"
#include "core/reads/trim_report.h"
#include "core/reads/trim_runner.h"
#include "core/util/error.h"
#include "plots/figure_export.h"
#include "plots/offscreen_gui.h"
#include "plots/quality_heatmap.h"
#include "plots/reads_qc_plots.h"

namespace diffbio::cli {

namespace {

constexpr const char* kHelp =
    "usage: diffbio reads trim --in R1.fq[.gz] [--in2 R2.fq[.gz]] --out OUT.fq[.gz] [--out2 OUT2.fq[.gz]] [options]\n\n"
    "Exact read trimming with cutadapt's semantics, in cutadapt's order: quality trimming (BWA's algorithm), then\n"
    "the 3' adapter (semi-global alignment within the error rate, partial adapters at the read end; the adapter and\n"
    "everything after it are removed), then the length filters. Pairs stay together: a pair is dropped when either\n"
    "mate fails a filter. Output is gzip-compressed when its name ends in .gz. Defaults are cutadapt's (except the\n"
    "gzip level: 1 here, 4 in cutadapt).\n\n"
    "  --quality [F,]B        quality cutoff for the 3' end (and F for the 5' end), e.g. 20 (default: none)\n"
    "  --quality-base B       33 (default, as cutadapt), 64, or auto (detect from the first reads)\n"
    "  --adapter SEQ          3' adapter of read 1 (NAME=SEQ allowed; IUPAC wildcards allowed)\n"
    "  --adapter2 SEQ         3' adapter of read 2\n"
    "  --error-rate E         maximum error rate (default 0.1); E >= 1 is a number of errors\n"
    "  --min-overlap N        minimum adapter bases that must match at the read end (default 3)\n"
    "  --min-length N         drop reads (pairs) shorter than N after trimming (default 0)\n"
    "  --max-length N         drop reads (pairs) longer than N after trimming\n"
    "  --threads N            worker threads (default 1; plus a reader and a writer thread)\n"
    "  --compression-level L  gzip level 0-12 for .gz outputs (default 1, fast; cutadapt -Z)\n"
    "  --report FILE          JSON report: reads/bases in and out, quality-trimmed bases, adapter hits by length,\n"
    "                         per-position quality before and after\n"
    "  --qc-dir DIR           QC plots as PNG: per-position quality before/after, lengths after trimming, adapter\n"
    "                         content by position, retention\n";

constexpr const char* kUsage =
    "usage: diffbio reads trim ...   exact adapter and quality trimming (see `diffbio reads trim --help`)\n";

long parseInteger(const std::string& option, const std::string& text, long lowest) {
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || value < lowest)
    throw UsageError("--" + option + " takes a whole number of at least " + std::to_string(lowest));
  return value;
}

double parseNumber(const std::string& option, const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(value >= 0)) throw UsageError("--" + option + " takes a number >= 0");
  return value;
}

std::optional<reads::AdapterSequence> adapterOption(const Arguments& parsed, const std::string& option) {
  const auto text = parsed.value(option);
  if (!text) return std::nullopt;
  try {
    return reads::parseAdapter(*text);
  } catch (const std::invalid_argument& error) {
    throw UsageError("--" + option + ": " + error.what());
  }
}

// The QC plots of a run as PNG files in `folder` (created if needed); painting needs a QGuiApplication, offscreen.
void writeQcPlots(const std::string& folder, const reads::TrimJob& job, const reads::TrimStatistics& s) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) throw InputError({folder}, "cannot create the QC folder: " + error.message(), "check the path");
  plots::ensureGuiApplication();  // fonts for painting text; offscreen without a display
  const auto path = [&](const std::string& file) { return (std::filesystem::path(folder) / file).string(); };
  for (int mate = 1; mate <= (s.paired ? 2 : 1); ++mate) {
    const reads::MateStatistics& m = mate == 1 ? s.first : s.second;
    const std::string suffix = s.paired ? "_r" + std::to_string(mate) : "";
    const QString label = s.paired ? QStringLiteral(" (read %1)").arg(mate) : QString();
    plots::exportFigure(plots::perPositionQualityPlot(m.qualityIn, "Quality before trimming" + label,
                                                      job.qualityCutoffBack),
                        path("quality_before" + suffix + ".png"));
    plots::exportFigure(plots::perPositionQualityPlot(m.qualityOut, "Quality after trimming" + label,
                                                      job.qualityCutoffBack),
                        path("quality_after" + suffix + ".png"));
    plots::exportFigure(plots::lengthDistributionPlot(m.lengthsOut, "Read lengths after trimming" + label),
                        path("lengths" + suffix + ".png"));
    plots::exportFigure(plots::adapterContentPlot(m.adapterStarts, m.readsIn, m.qualityIn.positions(),
                                                  "Adapter content" + label),
                        path("adapter_content" + suffix + ".png"));
    // A seeded sample of 1,000 reads of the input, one row per read (plots/quality_heatmap.h).
    plots::exportFigure(plots::qualityHeatmap(plots::sampleQualities(mate == 1 ? job.input1 : job.input2, 1000),
                                              {QStringLiteral("Base quality per read") + label}),
                        path("quality_heatmap" + suffix + ".png"));
  }
  plots::exportFigure(plots::retentionPlot(s), path("retention.png"));
}

int runTrim(const std::vector<std::string>& args) {
  const Arguments parsed(args,
                         {"in", "in2", "out", "out2", "quality", "quality-base", "adapter", "adapter2", "error-rate",
                          "min-overlap", "min-length", "max-length", "threads", "compression-level", "report", "qc-dir"},
                         {"help"});
  if (parsed.flag("help")) {
    std::cout << kHelp;
    return 0;
  }
  if (!parsed.positional().empty()) throw UsageError("unexpected argument '" + parsed.positional().front() + "'");
  for (const char* required : {"in", "out"})
    if (!parsed.has(required)) throw UsageError(std::string("--") + required + " is required");
  if (parsed.has("in2") != parsed.has("out2")) throw UsageError("paired input needs both --in2 and --out2");
  if (parsed.has("adapter2") && !parsed.has("in2")) throw UsageError("--adapter2 is for read 2: give --in2");

  reads::TrimJob job;
  job.input1 = *parsed.value("in");
  job.input2 = parsed.value("in2", "");
  job.output1 = *parsed.value("out");
  job.output2 = parsed.value("out2", "");
  if (const auto quality = parsed.value("quality")) {
    const auto comma = quality->find(',');
    if (comma == std::string::npos) {
      job.qualityCutoffBack = static_cast<int>(parseInteger("quality", *quality, 0));
    } else {
      job.qualityCutoffFront = static_cast<int>(parseInteger("quality", quality->substr(0, comma), 0));
      job.qualityCutoffBack = static_cast<int>(parseInteger("quality", quality->substr(comma + 1), 0));
    }
  }
  const std::string base = parsed.value("quality-base", "33");
  if (base == "33") job.encoding = data::QualityEncoding::Phred33;
  else if (base == "64") job.encoding = data::QualityEncoding::Phred64;
  else if (base == "auto") job.encoding.reset();
  else throw UsageError("--quality-base is 33, 64 or auto");
  job.adapter1 = adapterOption(parsed, "adapter");
  job.adapter2 = adapterOption(parsed, "adapter2");
  job.maxErrors = parseNumber("error-rate", parsed.value("error-rate", "0.1"));
  job.minOverlap = static_cast<int>(parseInteger("min-overlap", parsed.value("min-overlap", "3"), 1));
  job.minLength = static_cast<std::size_t>(parseInteger("min-length", parsed.value("min-length", "0"), 0));
  if (const auto max = parsed.value("max-length"))
    job.maxLength = static_cast<std::size_t>(parseInteger("max-length", *max, 0));
  job.threads = static_cast<int>(parseInteger("threads", parsed.value("threads", "1"), 1));
  job.compressionLevel = static_cast<int>(parseInteger("compression-level", parsed.value("compression-level", "1"), 0));
  if (job.compressionLevel > 12) throw UsageError("--compression-level is 0 to 12");
  for (const auto* adapter : {&job.adapter1, &job.adapter2}) {
    if (!*adapter) continue;
    try {
      reads::AdapterAligner check((*adapter)->sequence, job.maxErrors, job.minOverlap);
    } catch (const std::invalid_argument& error) {
      throw UsageError(error.what());
    }
  }

  const auto started = std::chrono::steady_clock::now();
  const reads::TrimStatistics statistics = reads::runTrim(job);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (const auto report = parsed.value("report")) reads::writeTrimReport(*report, job, statistics, seconds);
  if (const auto qc = parsed.value("qc-dir")) writeQcPlots(*qc, job, statistics);
  reads::printTrimSummary(std::cout, job, statistics, seconds);
  return 0;
}

}  // namespace

int runReads(const std::vector<std::string>& args) {
  if (args.empty() || args.front() == "--help" || args.front() == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string sub = args.front();
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "trim") return runTrim(rest);
  throw UsageError("unknown `reads` command '" + sub + "'");
}

}  // namespace diffbio::cli

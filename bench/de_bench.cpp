// Benchmark of the exact DE engine (`runDeseq`) and of the whole `diffbio de` process (not a test; prints figures).
//
// Datasets:
//   pasilla    the real pasilla counts (~14.6k genes x 7 samples), design ~ type + condition
//   64k x 8    seeded NB simulation, 64,000 genes, 4 vs 4
//   20k x 100  seeded NB simulation, 20,000 genes, 50 vs 50
// The simulations draw log-normal gene means, dispersions around the trend 0.05 + 1/mean (log-normal scatter),
// sample size factors around one and a few per cent of genes differentially expressed between two groups; counts
// are gamma-Poisson draws. Each is written (counts TSV + sample sheet CSV) to a temporary folder.
//
// For each dataset: runDeseq in this process (median of --runs runs, with size factors `ratio` and the default
// `auto`, after loading the files through the same readers as the CLI, with the allocator set as the CLI and the
// Studio set it: core/util/heap_reuse.h), then the real `diffbio de` binary as a
// child process (median wall time of --runs runs; peak RSS of the child from wait4's rusage.ru_maxrss). The table
// puts the goals of the performance issue and the speed-up against DESeq2 1.38 in R on this machine next to them.
//
// Usage: de_bench [--shared-data DIR] [--diffbio PATH] [--threads N] [--runs N] [--keep DIR] [--only NAME]
//   --shared-data  the reference data folder (default: ../shared/data beside the source tree)
//   --diffbio      the CLI binary (default: ../app/diffbio next to this program's build folder)
//   --only         pasilla | 64k | 20k: run one dataset

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench/child_process.h"
#include "core/data/design.h"
#include "core/io/count_readers.h"
#include "core/io/sample_sheet.h"
#include "core/stats/deseq.h"
#include "core/stats/deseq_steps.h"
#include "core/util/heap_reuse.h"
#include "core/util/parallel.h"
#include "core/util/threads.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace diffbio;

namespace {

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double medianOf(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

fs::path defaultSharedData() {
#ifdef DIFFBIO_SHARED_DATA
  return DIFFBIO_SHARED_DATA;
#else
  // This file is bench/de_bench.cpp in the source tree; the data lives in ../shared/data beside the checkout.
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "shared" / "data";
#endif
}

struct Dataset {
  std::string name;          // short name for --only
  std::string label;         // for the table
  fs::path counts, samples;
  std::string design, contrast;
  double rSeconds;           // DESeq2 1.38 in R on this machine, compute only
  double computeGoal;        // seconds
  double processGoal;        // seconds; 0 = none
};

struct Simulation {
  long genes;
  int perGroup;
  double logMeanCentre, logMeanSpread;  // log-normal gene means (natural log)
  double deFraction;
  std::uint64_t seed;
};

// Writes counts (genes x samples TSV) and a sample sheet (CSV) for a seeded NB simulation.
void simulate(const Simulation& s, const fs::path& countsPath, const fs::path& samplesPath) {
  std::mt19937_64 rng(s.seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::exponential_distribution<double> exponential(1.0);
  const int n = 2 * s.perGroup;
  std::vector<double> sizeFactor(static_cast<std::size_t>(n));
  for (double& f : sizeFactor) f = std::exp(0.25 * normal(rng));

  {
    std::ofstream sheet(samplesPath);
    sheet << "sample,condition\n";
    for (int j = 0; j < n; ++j) sheet << "S" << j + 1 << "," << (j < s.perGroup ? "control" : "treated") << "\n";
  }
  std::ofstream out(countsPath);
  out << "gene_id";
  for (int j = 0; j < n; ++j) out << "\tS" << j + 1;
  out << "\n";
  std::string line;
  for (long g = 0; g < s.genes; ++g) {
    const double mean = std::exp(s.logMeanCentre + s.logMeanSpread * normal(rng));
    const double dispersion = (0.05 + 1.0 / mean) * std::exp(0.5 * normal(rng));
    double log2Fold = 0;
    if (uniform(rng) < s.deFraction) log2Fold = (uniform(rng) < 0.5 ? -1 : 1) * (0.5 + exponential(rng));
    line = "G" + std::to_string(g + 1);
    for (int j = 0; j < n; ++j) {
      const double mu = sizeFactor[j] * mean * (j < s.perGroup ? 1.0 : std::exp2(log2Fold));
      // Gamma-Poisson: NB with mean mu and variance mu + dispersion * mu^2.
      std::gamma_distribution<double> gamma(1.0 / dispersion, mu * dispersion);
      const double rate = gamma(rng);
      long count = 0;
      if (rate > 0) {
        std::poisson_distribution<long> poisson(rate);
        count = poisson(rng);
      }
      line += '\t';
      line += std::to_string(count);
    }
    line += '\n';
    out << line;
  }
}

struct Loaded {
  io::LoadedCounts counts;
  data::Table sheet;
};

Loaded load(const Dataset& d) {
  Loaded l;
  l.counts = io::readCounts(d.counts.string());
  l.sheet = io::matchSamples(io::readSampleSheet(d.samples.string()), l.counts.matrix.obsNames(), d.samples.string())
                .sheet;
  return l;
}

struct Timing {
  double median = NAN, best = NAN;
};

// Median and best seconds of `runs` runDeseq calls with the given size-factor method.
Timing timeInProcess(const Dataset& d, const Loaded& l, const std::string& sizeFactors, int runs, std::string& note) {
  const auto comma = d.contrast.find(',');
  const std::string factor = d.contrast.substr(0, comma);
  const std::string rest = d.contrast.substr(comma + 1);
  const std::string denominator = rest.substr(rest.find(',') + 1);
  data::DesignOptions designOptions;
  designOptions.references[factor] = denominator;
  const data::Design design(d.design, l.sheet, designOptions);
  const Eigen::VectorXd contrast = design.contrast(d.contrast);
  // The experiment is assembled once, as `diffbio de` does before it starts its compute clock.
  stats::DeExperiment experiment;
  experiment.counts = l.counts.matrix.isSparse() ? l.counts.matrix.toDense().dense() : l.counts.matrix.dense();
  experiment.geneNames = l.counts.matrix.geneNames();
  experiment.modelMatrix = design.modelMatrix();
  experiment.contrast = contrast;
  stats::DeseqOptions options;
  options.sizeFactors = sizeFactors;
  std::vector<double> seconds;
  for (int r = 0; r < runs; ++r) {
    const auto start = Clock::now();
    const stats::DeseqRun run = stats::runDeseq(experiment, options);
    seconds.push_back(secondsSince(start));
    if (r == 0 && !run.notes.empty()) note = run.notes.front();
  }
  return {medianOf(seconds), *std::min_element(seconds.begin(), seconds.end())};
}

struct ProcessFigures {
  double wallSeconds = NAN;      // median
  double bestWallSeconds = NAN;
  double computeSeconds = NAN;   // median of what the CLI printed ("compute X s")
  long peakRssKb = 0;            // largest ru_maxrss over the runs
  int exitCode = 0;
};

ProcessFigures runProcess(const fs::path& diffbio, const Dataset& d, const fs::path& work, int runs, int threads) {
  ProcessFigures f;
  std::vector<double> walls, computes;
  const fs::path outFile = work / (d.name + "_results.tsv");
  const fs::path logFile = work / (d.name + "_stdout.txt");
  for (int r = 0; r < runs; ++r) {
    std::vector<std::string> args = {diffbio.string(),  "de",
                                     "--counts",        d.counts.string(),
                                     "--samples",       d.samples.string(),
                                     "--design",        d.design,
                                     "--contrast",      d.contrast,
                                     "--out",           outFile.string()};
    if (threads > 0) {
      args.insert(args.begin() + 1, std::to_string(threads));
      args.insert(args.begin() + 1, "--threads");
    }
    const bench::ChildRun run = bench::runChild(args, logFile);
    walls.push_back(run.seconds);
    f.peakRssKb = std::max(f.peakRssKb, run.peakRssKb);
    f.exitCode = run.exitCode;
    if (f.exitCode != 0) {
      std::fprintf(stderr, "diffbio de failed on %s (exit %d); its output is in %s\n", d.label.c_str(), f.exitCode,
                   logFile.c_str());
      break;
    }
    std::ifstream log(logFile);
    std::string line;
    while (std::getline(log, line)) {
      const auto at = line.find("compute ");
      if (at != std::string::npos) computes.push_back(std::atof(line.c_str() + at + 8));
    }
  }
  f.wallSeconds = medianOf(walls);
  if (!walls.empty()) f.bestWallSeconds = *std::min_element(walls.begin(), walls.end());
  f.computeSeconds = medianOf(computes);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  diffbio::keepLargeBuffersForReuse();  // as `diffbio de` and the Studio do
  fs::path shared = defaultSharedData(), diffbioPath = bench::diffbioOfThisBuild(), keep;
  int threads = 0, runs = 3;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--shared-data") shared = next();
    else if (a == "--diffbio") diffbioPath = next();
    else if (a == "--threads") threads = std::atoi(next().c_str());
    else if (a == "--runs") runs = std::max(1, std::atoi(next().c_str()));
    else if (a == "--keep") keep = next();
    else if (a == "--only") only = next();
    else {
      std::fprintf(stderr,
                   "usage: de_bench [--shared-data DIR] [--diffbio PATH] [--threads N] [--runs N] [--keep DIR] "
                   "[--only pasilla|64k|20k]\n");
      return 2;
    }
  }
  const int threadsInForce = configureThreads(threads);

  fs::path work = keep;
  if (work.empty()) {
    char pattern[] = "/tmp/de_bench.XXXXXX";
    if (!mkdtemp(pattern)) {
      std::perror("mkdtemp");
      return 1;
    }
    work = pattern;
  }
  fs::create_directories(work);

  std::vector<Dataset> datasets;
  datasets.push_back({"pasilla", "pasilla 14.6k x 7", shared / "pasilla" / "pasilla_gene_counts.tsv",
                      shared / "pasilla" / "pasilla_sample_annotation.csv", "~ type + condition",
                      "condition,treated,untreated", 2.5, 0.10, 0});
  datasets.push_back({"64k", "sim 64k x 8", work / "sim_64k_x_8_counts.tsv", work / "sim_64k_x_8_samples.csv",
                      "~ condition", "condition,treated,control", 14.5, 0.4, 0});
  datasets.push_back({"20k", "sim 20k x 100", work / "sim_20k_x_100_counts.tsv", work / "sim_20k_x_100_samples.csv",
                      "~ condition", "condition,treated,control", 20.2, 0.3, 0.8});
  if (!only.empty()) {
    datasets.erase(std::remove_if(datasets.begin(), datasets.end(), [&](const Dataset& d) { return d.name != only; }),
                   datasets.end());
    if (datasets.empty()) {
      std::fprintf(stderr, "--only takes pasilla, 64k or 20k\n");
      return 2;
    }
  }

  std::printf("de_bench: %d threads (parallelThreads() = %d), %d run(s) each; data in %s\n",
              threadsInForce, parallelThreads(), runs, work.c_str());
  std::printf("diffbio: %s\n", diffbioPath.c_str());
  for (const Dataset& d : datasets) {
    if (d.name == "64k" && !fs::exists(d.counts)) simulate({64000, 4, 1.5, 2.2, 0.03, 64008}, d.counts, d.samples);
    if (d.name == "20k" && !fs::exists(d.counts)) simulate({20000, 50, 3.0, 1.8, 0.05, 20100}, d.counts, d.samples);
  }

  struct Row {
    const Dataset* d;
    Timing ratio, automatic;
    ProcessFigures process;
    std::string note;
  };
  std::vector<Row> rows;
  for (const Dataset& d : datasets) {
    std::fprintf(stderr, "%s: in process...\n", d.label.c_str());
    const Loaded l = load(d);
    Row row{&d, {}, {}, {}, {}};
    std::string ignored;
    row.ratio = timeInProcess(d, l, "ratio", runs, ignored);
    row.automatic = timeInProcess(d, l, "auto", runs, row.note);
    std::fprintf(stderr, "%s: diffbio de...\n", d.label.c_str());
    row.process = runProcess(diffbioPath, d, work, runs, threads);
    rows.push_back(row);
  }

  std::printf("\n%-18s %7s %7s %7s %6s %6s %7s | %7s %7s %9s %6s %7s %7s %5s\n", "dataset", "ratio s", "auto s",
              "best", "goal", "R s", "R/auto", "proc s", "best", "(compute)", "goal", "R/proc", "peak MB", "goal");
  for (const Row& r : rows) {
    const Dataset& d = *r.d;
    char processGoal[16] = "-";
    if (d.processGoal > 0) std::snprintf(processGoal, sizeof processGoal, "%.2f", d.processGoal);
    std::printf("%-18s %7.3f %7.3f %7.3f %6.2f %6.1f %6.1fx | %7.3f %7.3f %9.3f %6s %6.1fx %7.0f %5d\n", d.label.c_str(),
                r.ratio.median, r.automatic.median, r.automatic.best, d.computeGoal, d.rSeconds,
                d.rSeconds / r.automatic.median, r.process.wallSeconds, r.process.bestWallSeconds,
                r.process.computeSeconds, processGoal, d.rSeconds / r.process.wallSeconds,
                static_cast<double>(r.process.peakRssKb) / 1024.0, 500);
  }
  std::printf("\nratio s / auto s: runDeseq in this process with --size-factors ratio / auto (the default), median of %d "
              "runs; best: the fastest auto run.\nproc s: the whole `diffbio de` child process (default options), wall "
              "time, median (best) of %d runs, with the compute time it printed in brackets; peak MB: the child's "
              "ru_maxrss.\nR s: DESeq2 1.38 in R on this machine, compute only, library loaded. The machine may be "
              "shared: compare medians with bests.\n",
              runs, runs);
  for (const Row& r : rows)
    if (!r.note.empty()) std::printf("%s: %s\n", r.d->label.c_str(), r.note.c_str());
  if (keep.empty()) fs::remove_all(work);
  return 0;
}

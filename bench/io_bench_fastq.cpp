// FASTQ reading speed on one core: generates Illumina-like reads (150 bp by default), writes them plain and gzipped
// with FastqWriter into a temporary folder, and times FastqReader on both, next to the raw TextSource speed (lines and
// blocks) so that a slow figure can be traced to parsing or to decompression. Prints its figures; not a test.
//
//   io_bench_fastq [--reads N] [--length L] [--gzip-level K] [--dir PATH] [--keep]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <sys/resource.h>

#include "core/io/fastq.h"
#include "core/io/text_source.h"

namespace fs = std::filesystem;
using diffbio::io::FastqReader;
using diffbio::io::FastqWriter;
using diffbio::io::ReadBatch;
using diffbio::io::TextSource;

namespace {

struct Options {
  std::uint64_t reads = 2'000'000;
  std::size_t length = 150;
  int gzipLevel = 6;
  std::string dir;
  bool keep = false;
};

Options parseArguments(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--reads" && hasValue) options.reads = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--length" && hasValue) options.length = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--gzip-level" && hasValue) options.gzipLevel = std::atoi(argv[++i]);
    else if (arg == "--dir" && hasValue) options.dir = argv[++i];
    else if (arg == "--keep") options.keep = true;
    else {
      std::fprintf(stderr, "usage: %s [--reads N] [--length L] [--gzip-level K] [--dir PATH] [--keep]\n", argv[0]);
      std::exit(2);
    }
  }
  return options;
}

// xorshift64*: fast and reproducible, so every run benchmarks the same bytes.
struct Random {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  std::uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1Dull;
  }
};

// Illumina-like reads: random bases with a rare N, qualities high at the start and drifting down along the read with
// noise, so the gzip ratio resembles real data (~3.5x) rather than that of constant or uniform text.
void makeReads(ReadBatch& batch, std::uint64_t firstRead, std::size_t count, std::size_t length, Random& random) {
  batch.clear();
  std::string name, bases(length, 'A'), quality(length, 'I');
  for (std::size_t r = 0; r < count; ++r) {
    const std::uint64_t id = firstRead + r;
    name = "BENCH:1:HXXXXXX:1:" + std::to_string(1101 + id % 16) + ":" + std::to_string(id / 16 % 30000) + ":" +
           std::to_string(id % 29989) + " 1:N:0:ACGTACGT";
    for (std::size_t j = 0; j < length; ++j) {
      const std::uint64_t x = random.next();
      bases[j] = (x & 0x3FF) == 0 ? 'N' : "ACGT"[(x >> 10) & 3];
      const int decline = static_cast<int>(j * 12 / length);
      const int noise = static_cast<int>((x >> 20) % 9);
      const int phred = bases[j] == 'N' ? 2 : std::max(2, 40 - decline - (noise > 6 ? noise * 2 : noise / 3));
      quality[j] = static_cast<char>(33 + phred);
    }
    batch.append(name, bases, quality);
  }
}

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void report(const char* what, double elapsed, std::uint64_t reads, std::uint64_t bytes) {
  std::printf("  %-34s %7.2f s  %8.0f k reads/s  %7.1f MB/s (uncompressed)\n", what, elapsed, reads / elapsed / 1e3,
              bytes / elapsed / 1e6);
}

void writeFile(const std::string& path, const Options& options) {
  const auto start = std::chrono::steady_clock::now();
  FastqWriter writer(path, options.gzipLevel);
  ReadBatch batch;
  Random random;
  constexpr std::size_t kChunk = 10000;
  for (std::uint64_t first = 0; first < options.reads; first += kChunk) {
    const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, options.reads - first));
    makeReads(batch, first, count, options.length, random);
    writer.write(batch);
  }
  writer.commit();
  std::printf("  wrote %-28s %7.2f s  %8.1f MB on disk\n", fs::path(path).filename().c_str(), seconds(start),
              fs::file_size(path) / 1e6);
}

void timeReader(const std::string& path, const char* label, std::uint64_t uncompressedBytes) {
  const auto start = std::chrono::steady_clock::now();
  FastqReader reader(path);
  ReadBatch batch;
  std::uint64_t reads = 0;
  while (reader.next(batch, 10000)) reads += batch.size();
  report(label, seconds(start), reads, uncompressedBytes);
}

void timeTextSourceLines(const std::string& path, const char* label) {
  const auto start = std::chrono::steady_clock::now();
  TextSource source(path);
  std::string_view line;
  std::uint64_t lines = 0;
  while (source.nextLine(line)) ++lines;
  report(label, seconds(start), lines / 4, source.bytesConsumed());
}

void timeTextSourceBlocks(const std::string& path, const char* label) {
  const auto start = std::chrono::steady_clock::now();
  TextSource source(path);
  std::uint64_t bytes = 0;
  for (std::string_view block = source.nextBlock(); !block.empty(); block = source.nextBlock()) bytes += block.size();
  report(label, seconds(start), 0, bytes);
}

double peakResidentMB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parseArguments(argc, argv);
  const double residentAtStart = peakResidentMB();  // mostly the shared libraries the core links
  fs::path dir = options.dir;
  if (dir.empty()) {
    std::string pattern = (fs::temp_directory_path() / "io_bench_fastq-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = pattern;
  }
  fs::create_directories(dir);
  const std::string plain = (dir / "bench.fastq").string();
  const std::string gzipped = (dir / "bench.fastq.gz").string();

  std::printf("io_bench_fastq: %llu reads x %zu bp, gzip level %d, in %s (one thread)\n",
              static_cast<unsigned long long>(options.reads), options.length, options.gzipLevel, dir.c_str());
  try {
    writeFile(plain, options);
    writeFile(gzipped, options);
    const std::uint64_t bytes = fs::file_size(plain);
    std::printf("reading:\n");
    timeTextSourceBlocks(plain, "TextSource blocks, plain");
    timeTextSourceLines(plain, "TextSource lines, plain");
    timeReader(plain, "FastqReader, plain", bytes);
    timeTextSourceBlocks(gzipped, "TextSource blocks, gzip");
    timeTextSourceLines(gzipped, "TextSource lines, gzip");
    timeReader(gzipped, "FastqReader, gzip", bytes);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "io_bench_fastq: %s\n", error.what());
    return 1;
  }
  std::printf("peak resident memory: %.1f MB, of which %.1f MB before any FASTQ work (chunks of 10,000 reads)\n",
              peakResidentMB(), residentAtStart);
  if (!options.keep) {
    fs::remove(plain);
    fs::remove(gzipped);
    if (options.dir.empty()) fs::remove(dir);
  }
  return 0;
}

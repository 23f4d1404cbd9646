// Benchmark of the single-cell matrix readers (not a test; prints its figures).
//
// Generates a seeded sparse matrix (default 50,000 cells x 20,000 genes at 3 % density, small integer counts),
// writes it as a 10x-style column-sorted MatrixMarket file (plain) and as an h5ad (CSR) into a temporary folder, then
// times the MatrixMarket parse (entries/s) and the h5ad read (seconds), and reports the parse's peak memory relative
// to nnz x 8 bytes (the size of the CSR it builds).
//
// How peak memory is measured: each read runs in a fresh child process (this program re-executed with --measure-*),
// so nothing from the generator is resident. The child resets its high-water mark (writing "5" to
// /proc/self/clear_refs, Linux >= 4.0), notes VmRSS just before reading, reads, and reports VmHWM; the peak
// attributable to the read is VmHWM - VmRSS(before). Page-cache pages of the input file are not part of RSS.
//
// Usage: io_bench_matrix [--cells N] [--genes N] [--density D] [--keep DIR]
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/io/h5ad.h"
#include "core/io/matrix_market.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long statusKilobytes(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::size_t length = std::strlen(field);
  while (std::getline(status, line)) {
    if (line.compare(0, length, field) == 0) return std::atol(line.c_str() + length + 1);
  }
  return -1;
}

bool resetPeak() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

// Cells x genes CSR with a seeded Bernoulli(density) pattern (geometric gaps) and counts 1 + Geometric(0.5).
diffbio::data::CountMatrix generate(std::int64_t cells, std::int64_t genes, double density) {
  std::mt19937_64 rng(20240607);
  std::geometric_distribution<std::int64_t> gap(density);
  std::geometric_distribution<int> extra(0.5);
  diffbio::data::CsrStorage csr;
  const auto expected = static_cast<std::size_t>(static_cast<double>(cells) * static_cast<double>(genes) * density);
  csr.indices.reserve(expected);
  csr.values.reserve(expected);
  csr.indptr.reserve(static_cast<std::size_t>(cells) + 1);
  csr.indptr.push_back(0);
  for (std::int64_t c = 0; c < cells; ++c) {
    for (std::int64_t g = gap(rng); g < genes; g += 1 + gap(rng)) {
      csr.indices.push_back(static_cast<std::int32_t>(g));
      csr.values.push_back(static_cast<float>(1 + extra(rng)));
    }
    csr.indptr.push_back(static_cast<std::int64_t>(csr.indices.size()));
  }
  std::vector<std::string> cellNames, geneNames;
  for (std::int64_t c = 0; c < cells; ++c) cellNames.push_back("cell" + std::to_string(c + 1));
  for (std::int64_t g = 0; g < genes; ++g) geneNames.push_back("gene" + std::to_string(g + 1));
  return diffbio::data::CountMatrix::fromCsr(cells, genes, std::move(csr), std::move(cellNames), std::move(geneNames));
}

// Child mode: read one file and print "nnz seconds rss_before_kb hwm_kb peak_reset(0/1)".
int measure(const std::string& mode, const std::string& path) {
  const bool reset = resetPeak();
  const long before = statusKilobytes("VmRSS:");
  const auto start = Clock::now();
  const auto loaded = mode == "--measure-mtx" ? diffbio::io::readMatrixMarket(path) : diffbio::io::readH5ad(path);
  const double seconds = secondsSince(start);
  const long peak = statusKilobytes("VmHWM:");
  std::printf("%lld %.6f %ld %ld %d\n", static_cast<long long>(loaded.matrix.nnz()), seconds, before, peak,
              reset ? 1 : 0);
  return 0;
}

struct Measurement {
  long long nnz = 0;
  double seconds = 0;
  long beforeKb = 0;
  long peakKb = 0;
  bool reset = false;
};

Measurement runChild(const std::string& self, const std::string& mode, const std::string& path) {
  const std::string command = "'" + self + "' " + mode + " '" + path + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  Measurement m;
  int reset = 0;
  if (!pipe || std::fscanf(pipe, "%lld %lf %ld %ld %d", &m.nnz, &m.seconds, &m.beforeKb, &m.peakKb, &reset) != 5) {
    std::fprintf(stderr, "measurement %s failed\n", mode.c_str());
    std::exit(1);
  }
  m.reset = reset != 0;
  ::pclose(pipe);
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && (std::strcmp(argv[1], "--measure-mtx") == 0 || std::strcmp(argv[1], "--measure-h5ad") == 0)) {
    return measure(argv[1], argv[2]);
  }
  std::int64_t cells = 50000, genes = 20000;
  double density = 0.03;
  std::string keep;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--cells") cells = std::atoll(argv[i + 1]);
    else if (flag == "--genes") genes = std::atoll(argv[i + 1]);
    else if (flag == "--density") density = std::atof(argv[i + 1]);
    else if (flag == "--keep") keep = argv[i + 1];
  }
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  const fs::path dir = keep.empty() ? fs::temp_directory_path() / ("diffbio_io_bench_" + std::to_string(::getpid()))
                                    : fs::path(keep);
  fs::create_directories(dir);
  const std::string mtxPath = (dir / "matrix.mtx").string();
  const std::string h5adPath = (dir / "matrix.h5ad").string();

  {
    auto start = Clock::now();
    diffbio::io::LoadedCounts data;
    data.matrix = generate(cells, genes, density);
    std::printf("generated %lld cells x %lld genes, %lld entries (%.2f %% dense) in %.2f s\n",
                static_cast<long long>(cells), static_cast<long long>(genes),
                static_cast<long long>(data.matrix.nnz()), 100.0 * data.matrix.density(), secondsSince(start));
    start = Clock::now();
    diffbio::io::writeMatrixMarket(data.matrix, mtxPath);
    std::printf("wrote %s (%.0f MB) in %.2f s\n", mtxPath.c_str(), fs::file_size(mtxPath) / 1e6, secondsSince(start));
    start = Clock::now();
    diffbio::io::writeH5ad(data, h5adPath);
    std::printf("wrote %s (%.0f MB) in %.2f s\n", h5adPath.c_str(), fs::file_size(h5adPath) / 1e6, secondsSince(start));
  }

  // Warm the page cache once so that both timings measure parsing, not the disk.
  for (const auto& path : {mtxPath, h5adPath}) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> buffer(1 << 20);
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()))) {
    }
  }

  const Measurement mtx = runChild(self, "--measure-mtx", mtxPath);
  const Measurement h5ad = runChild(self, "--measure-h5ad", h5adPath);
  const double csrBytes = static_cast<double>(mtx.nnz) * 8.0;
  const double mtxPeak = (mtx.peakKb - mtx.beforeKb) * 1024.0;
  const double h5adPeak = (h5ad.peakKb - h5ad.beforeKb) * 1024.0;
  std::printf("\nMatrixMarket parse: %lld entries in %.3f s = %.1f M entries/s (%.0f MB/s)   goal >= 15 M/s\n",
              mtx.nnz, mtx.seconds, mtx.nnz / mtx.seconds / 1e6, fs::file_size(mtxPath) / mtx.seconds / 1e6);
  std::printf("MatrixMarket peak memory: %.1f MB = %.3f x nnz x 8 bytes (%.1f MB)   goal <= 1.3%s\n", mtxPeak / 1e6,
              mtxPeak / csrBytes, csrBytes / 1e6, mtx.reset ? "" : "  [peak not reset: fresh-process figure]");
  std::printf("h5ad CSR read: %.3f s   goal <= 2 s   (peak %.1f MB = %.3f x nnz x 8 bytes)\n", h5ad.seconds,
              h5adPeak / 1e6, h5adPeak / csrBytes);

  if (keep.empty()) fs::remove_all(dir);
  return 0;
}

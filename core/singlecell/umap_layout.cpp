#include "core/singlecell/umap_layout.h"

#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <Spectra/MatOp/SparseSymMatProd.h>
#include <Spectra/SymEigsSolver.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <stdexcept>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "core/util/parallel.h"
#include "core/util/stage_profile.h"

namespace diffbio::sc {

namespace {

// xorshift128+ : small, fast and fully determined by the seed (platform-independent, unlike std distributions).
struct FastRandom {
  std::uint64_t s0, s1;
  explicit FastRandom(std::uint64_t seed) {
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
    auto mix = [&z] {
      z += 0x9E3779B97F4A7C15ULL;
      std::uint64_t x = z;
      x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
      x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
      return x ^ (x >> 31);
    };
    s0 = mix();
    s1 = mix();
  }
  std::uint64_t next() {
    std::uint64_t x = s0;
    const std::uint64_t y = s1;
    s0 = y;
    x ^= x << 23;
    s1 = x ^ y ^ (x >> 17) ^ (y >> 26);
    return s1 + y;
  }
  double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
  double normal() {  // Box-Muller
    const double u1 = std::max(uniform(), 1e-300), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
};

std::vector<std::int32_t> components(const CellGraph& g, int& count) {
  std::vector<std::int32_t> label(g.nCells, -1);
  count = 0;
  std::vector<std::int64_t> stack;
  for (std::int64_t s = 0; s < g.nCells; ++s) {
    if (label[s] >= 0) continue;
    label[s] = count;
    stack.push_back(s);
    while (!stack.empty()) {
      const auto i = stack.back();
      stack.pop_back();
      for (auto p = g.indptr[i]; p < g.indptr[i + 1]; ++p)
        if (label[g.indices[p]] < 0) {
          label[g.indices[p]] = count;
          stack.push_back(g.indices[p]);
        }
    }
    ++count;
  }
  return label;
}

// Spectral coordinates of one connected graph (given as local CSR), or random ones when it is too small or the
// eigensolver does not converge. Scaled so the largest |coordinate| is 10, as umap-learn does.
Eigen::MatrixXd spectralConnected(const std::vector<std::vector<std::pair<int, double>>>& adjacency, int dim,
                                  FastRandom& rng) {
  const int n = static_cast<int>(adjacency.size());
  Eigen::MatrixXd out(n, dim);
  const int nev = dim + 1;
  bool done = false;
  if (n > nev + 1) {
    std::vector<double> degree(n, 0);
    for (int i = 0; i < n; ++i)
      for (const auto& [j, w] : adjacency[i]) degree[i] += w;
    std::vector<Eigen::Triplet<double>> triplets;
    for (int i = 0; i < n; ++i)
      for (const auto& [j, w] : adjacency[i]) triplets.emplace_back(i, j, w / std::sqrt(degree[i] * degree[j]));
    Eigen::SparseMatrix<double> a(n, n);
    a.setFromTriplets(triplets.begin(), triplets.end());
    // The largest eigenvalues of D^-1/2 A D^-1/2 are 1 - the smallest of the normalised Laplacian.
    Spectra::SparseSymMatProd<double> op(a);
    const int ncv = std::min(n, std::max(2 * nev + 1, static_cast<int>(std::sqrt(static_cast<double>(n)))));
    if (ncv > nev) {
      Spectra::SymEigsSolver<Spectra::SparseSymMatProd<double>> solver(op, nev, ncv);
      solver.init();
      solver.compute(Spectra::SortRule::LargestAlge, 5 * n, 1e-4, Spectra::SortRule::LargestAlge);
      if (solver.info() == Spectra::CompInfo::Successful) {
        const Eigen::MatrixXd vectors = solver.eigenvectors();  // by decreasing eigenvalue
        out = vectors.middleCols(1, dim);
        done = true;
      }
    }
  }
  if (!done) {
    for (int i = 0; i < n; ++i)
      for (int d = 0; d < dim; ++d) out(i, d) = rng.uniform() * 20.0 - 10.0;
    return out;
  }
  const double largest = out.cwiseAbs().maxCoeff();
  if (largest > 0) out *= 10.0 / largest;
  return out;
}

}  // namespace

UmapCurve findAbParams(double spread, double minDist) {
  // Levenberg-Marquardt on f(x) = 1 / (1 + a x^(2b)), starting at (1, 1) like curve_fit.
  constexpr int kPoints = 300;
  std::vector<double> x(kPoints), y(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    x[i] = i * (spread * 3.0 / (kPoints - 1));
    y[i] = x[i] < minDist ? 1.0 : std::exp(-(x[i] - minDist) / spread);
  }
  auto residuals = [&](double a, double b, Eigen::VectorXd& r, Eigen::MatrixXd* j) {
    double ss = 0;
    for (int i = 0; i < kPoints; ++i) {
      const double xp = x[i] > 0 ? std::pow(x[i], 2 * b) : 0.0;
      const double denom = 1 + a * xp;
      r[i] = 1 / denom - y[i];
      ss += r[i] * r[i];
      if (j) {
        (*j)(i, 0) = -xp / (denom * denom);
        (*j)(i, 1) = x[i] > 0 ? -a * xp * 2 * std::log(x[i]) / (denom * denom) : 0.0;
      }
    }
    return ss;
  };
  double a = 1, b = 1, lambda = 1e-3;
  Eigen::VectorXd r(kPoints), trial(kPoints);
  Eigen::MatrixXd jac(kPoints, 2);
  double cost = residuals(a, b, r, &jac);
  for (int iteration = 0; iteration < 500; ++iteration) {
    const Eigen::Matrix2d jtj = jac.transpose() * jac;
    const Eigen::Vector2d g = jac.transpose() * r;
    Eigen::Matrix2d damped = jtj;
    damped.diagonal() += lambda * jtj.diagonal();
    const Eigen::Vector2d step = damped.ldlt().solve(-g);
    const double newCost = residuals(a + step[0], b + step[1], trial, nullptr);
    if (newCost < cost) {
      a += step[0];
      b += step[1];
      const double improvement = cost - newCost;
      cost = residuals(a, b, r, &jac);
      lambda = std::max(lambda / 10, 1e-12);
      if (improvement < 1e-15 * std::max(1.0, cost) && step.norm() < 1e-12) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return {a, b};
}

Eigen::MatrixXd spectralLayout(const CellGraph& g, int dim, std::uint64_t seed) {
  FastRandom rng(seed);
  int count = 0;
  const auto label = components(g, count);
  std::vector<std::vector<std::int64_t>> members(count);
  for (std::int64_t i = 0; i < g.nCells; ++i) members[label[i]].push_back(i);
  std::vector<std::int64_t> local(g.nCells);
  Eigen::MatrixXd out(g.nCells, dim);
  for (int c = 0; c < count; ++c) {
    const auto& cells = members[c];
    for (std::size_t l = 0; l < cells.size(); ++l) local[cells[l]] = static_cast<std::int64_t>(l);
    std::vector<std::vector<std::pair<int, double>>> adjacency(cells.size());
    for (std::size_t l = 0; l < cells.size(); ++l)
      for (auto p = g.indptr[cells[l]]; p < g.indptr[cells[l] + 1]; ++p)
        adjacency[l].emplace_back(static_cast<int>(local[g.indices[p]]), g.weights[p]);
    Eigen::MatrixXd coords = spectralConnected(adjacency, dim, rng);
    if (count > 1) {
      // Components side by side on a circle, each shrunk to a tenth of the circle's radius.
      coords *= 0.1;
      const double angle = 6.283185307179586 * c / count;
      for (std::size_t l = 0; l < cells.size(); ++l) {
        coords(l, 0) += 10.0 * std::cos(angle);
        if (dim > 1) coords(l, 1) += 10.0 * std::sin(angle);
      }
    }
    for (std::size_t l = 0; l < cells.size(); ++l) out.row(cells[l]) = coords.row(l);
  }
  return out;
}

namespace {

constexpr int kMaxDimensions = 16;
constexpr std::int64_t kCellsPerChunk = 64;

// The edges kept for the optimisation, in the graph's CSR order (row = head), with umap-learn's sampling schedule:
// an edge of weight w is sampled every max_weight / w epochs, and draws negative_sample_rate negatives per sample.
struct EdgeSchedule {
  std::vector<std::int64_t> rowStart;  // nCells + 1: the kept edges of cell i are [rowStart[i], rowStart[i + 1])
  std::vector<std::int32_t> head, tail;
  std::vector<double> perSample, nextSample, perNegative, nextNegative;
};

EdgeSchedule scheduleEdges(const CellGraph& g, int epochs, int negativeSampleRate) {
  float maxWeight = 0;
  for (float w : g.weights) maxWeight = std::max(maxWeight, w);
  EdgeSchedule s;
  s.rowStart.assign(g.nCells + 1, 0);
  for (std::int64_t i = 0; i < g.nCells; ++i) {
    for (auto p = g.indptr[i]; p < g.indptr[i + 1]; ++p) {
      const double w = g.weights[p];
      if (w < maxWeight / static_cast<double>(epochs) || w <= 0) continue;  // never sampled in `epochs` epochs
      s.head.push_back(static_cast<std::int32_t>(i));
      s.tail.push_back(g.indices[p]);
      s.perSample.push_back(maxWeight / w);  // = n_epochs / (n_epochs * w / max)
    }
    s.rowStart[i + 1] = static_cast<std::int64_t>(s.head.size());
  }
  s.nextSample = s.perSample;
  s.perNegative.resize(s.head.size());
  for (std::size_t e = 0; e < s.head.size(); ++e) s.perNegative[e] = s.perSample[e] / negativeSampleRate;
  s.nextNegative = s.perNegative;
  return s;
}

// The UMAP gradients, in float as umap-learn's float32 embedding (glibc's powf: a polynomial exp2/log2 pair and
// Eigen's vectorised exp/log over a per-cell buffer were both tried here and were slower).
struct UmapGradient {
  float a, b, attract, repulse;
  // Coefficient of (y_i - y_j) for an edge at squared distance d2 > 0: -2ab d^(2(b-1)) / (1 + a d^(2b)).
  float attraction(float d2) const {
    const float pb = powf(d2, b);
    return (attract * pb / d2) / (a * pb + 1.0f);
  }
  // For a negative sample: 2 gamma b / ((0.001 + d^2)(1 + a d^(2b))).
  float repulsion(float d2) const { return repulse / ((0.001f + d2) * (a * powf(d2, b) + 1.0f)); }
};

float clip4(float v) { return std::clamp(v, -4.0f, 4.0f); }

// A uniform cell in [0, n) by multiply-high (Lemire) instead of a 64-bit modulo.
std::int64_t uniformCell(std::uint64_t random, std::int64_t n) {
  return static_cast<std::int64_t>((static_cast<unsigned __int128>(random) * static_cast<std::uint64_t>(n)) >> 64);
}

std::uint64_t mix64(std::uint64_t x) {  // splitmix64's finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// umap-learn's optimize_layout_euclidean, one edge at a time, both ends of an edge moved at once (Hogwild order
// without the threads): single-threaded.
void optimizeSequential(std::vector<float>& emb, std::int64_t n, int dim, int epochs, EdgeSchedule& s,
                        const UmapGradient& grad, double learningRate, std::uint64_t seed) {
  FastRandom rng(seed ^ 0x5DEECE66DULL);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const float alpha = static_cast<float>(learningRate * (1.0 - static_cast<double>(epoch) / epochs));
    for (std::size_t e = 0; e < s.head.size(); ++e) {
      if (s.nextSample[e] > epoch) continue;
      float* current = &emb[static_cast<std::size_t>(s.head[e]) * dim];
      float* other = &emb[static_cast<std::size_t>(s.tail[e]) * dim];
      float d2 = 0;
      for (int d = 0; d < dim; ++d) d2 += (current[d] - other[d]) * (current[d] - other[d]);
      const float coeff = d2 > 0 ? grad.attraction(d2) : 0.0f;
      for (int d = 0; d < dim; ++d) {
        const float step = clip4(coeff * (current[d] - other[d])) * alpha;
        current[d] += step;
        other[d] -= step;
      }
      s.nextSample[e] += s.perSample[e];
      const int negatives = static_cast<int>((epoch - s.nextNegative[e]) / s.perNegative[e]);
      for (int q = 0; q < negatives; ++q) {
        const std::int64_t k = uniformCell(rng.next(), n);
        if (k == s.head[e]) continue;
        other = &emb[static_cast<std::size_t>(k) * dim];
        d2 = 0;
        for (int d = 0; d < dim; ++d) d2 += (current[d] - other[d]) * (current[d] - other[d]);
        if (d2 <= 0) continue;
        const float rep = grad.repulsion(d2);
        for (int d = 0; d < dim; ++d) current[d] += clip4(rep * (current[d] - other[d])) * alpha;
      }
      s.nextNegative[e] += negatives * s.perNegative[e];
    }
  }
}

// A barrier for the threads of one team that spins only briefly, then sleeps. OpenMP's barrier spins for up to
// GOMP_SPINCOUNT (300,000) iterations: on a shared machine, a waiting thread then burns the time slice its
// partner needs to finish, and 500 epochs made the layout 3-7 times slower under load (0.45 s idle, 2.8-3.1 s with
// two other busy processes; OMP_WAIT_POLICY=passive gave 0.9-1.2 s). Spinning for about the time one chunk of
// cells takes keeps the idle case as fast.
class SleepingBarrier {
 public:
  explicit SleepingBarrier(int count) : count_(count) {}
  // `last` runs in the last thread to arrive, before the others go on.
  template <typename Last>
  void wait(const Last& last) {
    const std::uint64_t generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
      last();
      arrived_.store(0, std::memory_order_relaxed);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        generation_.store(generation + 1, std::memory_order_release);
      }
      wake_.notify_all();
      return;
    }
    for (int spin = 0; spin < kSpins; ++spin) {
      if (generation_.load(std::memory_order_acquire) != generation) return;
#if defined(__x86_64__) || defined(__i386__)
      _mm_pause();
#else
      std::this_thread::yield();
#endif
    }
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != generation; });
  }

 private:
  static constexpr int kSpins = 2000;  // ~10-50 microseconds of pause instructions
  const int count_;
  std::atomic<int> arrived_{0};
  std::atomic<std::uint64_t> generation_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
};

// uwot's batch mode: each epoch every cell's update is summed from the positions at the start of the epoch, then
// all cells move at once by Adam (uwot's defaults beta1 0.5, beta2 0.9, eps 1e-7; learning rate decaying
// linearly). A cell gathers its own edges only: the graph is symmetric, so edge (j, i) is sampled in the same
// epochs as (i, j) and pulls i exactly as (i, j) does (umap-learn moves both ends of each of the two) — twice the
// edge's own pull. Negatives come from a counter-based generator keyed by (seed, epoch, edge, draw). Every cell's
// sum is computed in one fixed order by one thread and written to a second buffer, so the layout is the same for
// any number of threads.
// One team runs all epochs, meeting at a SleepingBarrier after each. Within an epoch, cells go out in small chunks
// on demand rather than one half per thread, so a thread that loses its core for a moment does not hold up the
// epoch's end with its whole half.
// `Dim` > 0 fixes the dimension at compile time (2 is by far the commonest): the gradient then lives in registers
// and the per-dimension loops unroll; the arithmetic and its order are the same as with the run-time `dim`.
template <int Dim>
void optimizeBatch(std::vector<float>& emb, std::int64_t n, int dim, int epochs, EdgeSchedule& s,
                   const UmapGradient& grad, double learningRate, std::uint64_t seed) {
  const int D = Dim > 0 ? Dim : dim;
  const std::size_t size = emb.size();
  std::vector<float> next(size), moment1(size, 0.0f), moment2(size, 0.0f);
  constexpr double beta1 = 0.5, beta2 = 0.9, eps = 1e-7;
  const float b1 = static_cast<float>(1 - beta1), b2 = static_cast<float>(1 - beta2);
  const std::uint64_t seedKey = mix64(seed ^ 0xA0761D6478BD642FULL);
  const std::int64_t nChunks = (n + kCellsPerChunk - 1) / kCellsPerChunk;
  const int threads =
      omp_in_parallel() ? 1 : static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(parallelThreads(), nChunks)));
  std::atomic<std::int64_t> claimed{0};
  std::unique_ptr<SleepingBarrier> barrier;
  const std::int32_t* const tails = s.tail.data();
  double* const nextSample = s.nextSample.data();
  double* const nextNegative = s.nextNegative.data();
  const double* const perSample = s.perSample.data();
  const double* const perNegative = s.perNegative.data();
#pragma omp parallel num_threads(threads)
  {
#pragma omp single
    barrier = std::make_unique<SleepingBarrier>(omp_get_num_threads());
    // Every thread keeps the same running products, so all see the same epoch constants.
    double beta1t = 1, beta2t = 1;
    for (int epoch = 0; epoch < epochs; ++epoch) {
      beta1t *= beta1;
      beta2t *= beta2;
      const double alpha = learningRate * (1.0 - static_cast<double>(epoch) / epochs);
      const float scale = static_cast<float>(alpha * std::sqrt(1 - beta2t) / (1 - beta1t));
      const float epsScaled = static_cast<float>(eps * std::sqrt(1 - beta2t));
      const std::uint64_t epochKey = mix64(seedKey + static_cast<std::uint64_t>(epoch));
      const double epochValue = epoch;
      // The positions alternate between the two buffers: read one, write the other.
      const float* const base = (epoch % 2 == 0 ? emb : next).data();
      float* const out = (epoch % 2 == 0 ? next : emb).data();
      for (std::int64_t chunk = claimed.fetch_add(1, std::memory_order_relaxed); chunk < nChunks;
           chunk = claimed.fetch_add(1, std::memory_order_relaxed)) {
        const std::int64_t first = chunk * kCellsPerChunk, last = std::min(n, first + kCellsPerChunk);
        for (std::int64_t i = first; i < last; ++i) {
          float g[Dim > 0 ? Dim : kMaxDimensions];
          const float* current = base + static_cast<std::size_t>(i) * D;
          for (int d = 0; d < D; ++d) g[d] = 0;
          for (std::int64_t e = s.rowStart[i]; e < s.rowStart[i + 1]; ++e) {
            if (nextSample[e] > epochValue) continue;
            const float* other = base + static_cast<std::size_t>(tails[e]) * D;
            float d2 = 0;
            for (int d = 0; d < D; ++d) d2 += (current[d] - other[d]) * (current[d] - other[d]);
            const float coeff = d2 > 0 ? grad.attraction(d2) : 0.0f;
            for (int d = 0; d < D; ++d) g[d] += 2.0f * clip4(coeff * (current[d] - other[d]));
            nextSample[e] += perSample[e];
            const int negatives = static_cast<int>((epochValue - nextNegative[e]) / perNegative[e]);
            const std::uint64_t edgeKey = mix64(epochKey ^ (static_cast<std::uint64_t>(e) * 0xD6E8FEB86659FD93ULL));
            for (int q = 0; q < negatives; ++q) {
              const std::int64_t k = uniformCell(mix64(edgeKey + static_cast<std::uint64_t>(q)), n);
              if (k == i) continue;
              other = base + static_cast<std::size_t>(k) * D;
              d2 = 0;
              for (int d = 0; d < D; ++d) d2 += (current[d] - other[d]) * (current[d] - other[d]);
              if (d2 <= 0) continue;
              const float rep = grad.repulsion(d2);
              for (int d = 0; d < D; ++d) g[d] += clip4(rep * (current[d] - other[d]));
            }
            nextNegative[e] += negatives * perNegative[e];
          }
          for (int d = 0; d < D; ++d) {
            const std::size_t p = static_cast<std::size_t>(i) * D + d;
            moment1[p] += b1 * (g[d] - moment1[p]);
            moment2[p] += b2 * (g[d] * g[d] - moment2[p]);
            out[p] = current[d] + scale * moment1[p] / (std::sqrt(moment2[p]) + epsScaled);
          }
        }
      }
      barrier->wait([&] { claimed.store(0, std::memory_order_relaxed); });
    }
  }
  if (epochs % 2 == 1) emb.swap(next);  // the last epoch wrote `next`
}

}  // namespace

Eigen::MatrixXd umapLayout(const CellGraph& g, const UmapOptions& o) {
  const std::int64_t n = g.nCells;
  const int dim = o.dimensions;
  if (dim < 1 || dim > kMaxDimensions)
    throw std::invalid_argument("umapLayout: 1 to " + std::to_string(kMaxDimensions) + " dimensions");
  const int epochs = o.epochs > 0 ? o.epochs : (n <= 10000 ? 500 : 200);
  const UmapCurve curve = findAbParams(o.spread, o.minDist);
  FastRandom rng(o.seed);

  Eigen::MatrixXd init;
  if (o.spectralInit && n > 1) {
    const ScopedStage stage("umap: spectral initialisation");
    init = spectralLayout(g, dim, o.seed);
    for (Eigen::Index i = 0; i < init.size(); ++i) init.data()[i] += 1e-4 * rng.normal();
  } else {
    init.resize(n, dim);
    for (Eigen::Index i = 0; i < init.size(); ++i) init.data()[i] = rng.uniform() * 20 - 10;
  }
  // Each axis to [0, 10].
  for (int d = 0; d < dim; ++d) {
    const double lo = init.col(d).minCoeff(), hi = init.col(d).maxCoeff();
    if (hi > lo) init.col(d) = 10.0 * (init.col(d).array() - lo) / (hi - lo);
  }
  if (n < 2) return init;

  EdgeSchedule schedule = scheduleEdges(g, epochs, o.negativeSampleRate);
  std::vector<float> emb(init.size());
  for (std::int64_t i = 0; i < n; ++i)
    for (int d = 0; d < dim; ++d) emb[i * dim + d] = static_cast<float>(init(i, d));
  UmapGradient grad;
  grad.a = static_cast<float>(curve.a);
  grad.b = static_cast<float>(curve.b);
  grad.attract = -2.0f * grad.a * grad.b;
  grad.repulse = static_cast<float>(2.0 * o.repulsionStrength * curve.b);
  const ScopedStage stage("umap: optimisation");
  if (o.optimizer == UmapOptimizer::Batch && dim == 2)
    optimizeBatch<2>(emb, n, dim, epochs, schedule, grad, o.learningRate, o.seed);
  else if (o.optimizer == UmapOptimizer::Batch)
    optimizeBatch<0>(emb, n, dim, epochs, schedule, grad, o.learningRate, o.seed);
  else
    optimizeSequential(emb, n, dim, epochs, schedule, grad, o.learningRate, rng.next());
  Eigen::MatrixXd out(n, dim);
  for (std::int64_t i = 0; i < n; ++i)
    for (int d = 0; d < dim; ++d) out(i, d) = emb[i * dim + d];
  return out;
}

}  // namespace diffbio::sc

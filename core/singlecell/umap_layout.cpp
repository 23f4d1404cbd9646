#include "core/singlecell/umap_layout.h"

#include <Eigen/Dense>
#include <Eigen/Sparse>
#include <Spectra/MatOp/SparseSymMatProd.h>
#include <Spectra/SymEigsSolver.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

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

Eigen::MatrixXd umapLayout(const CellGraph& g, const UmapOptions& o) {
  const std::int64_t n = g.nCells;
  const int dim = o.dimensions;
  const int epochs = o.epochs > 0 ? o.epochs : (n <= 10000 ? 500 : 200);
  const UmapCurve curve = findAbParams(o.spread, o.minDist);
  const double a = curve.a, b = curve.b;
  FastRandom rng(o.seed);

  Eigen::MatrixXd init;
  if (o.spectralInit && n > 1) {
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

  // Edges with their sampling schedule.
  float maxWeight = 0;
  for (float w : g.weights) maxWeight = std::max(maxWeight, w);
  std::vector<std::int32_t> head, tail;
  std::vector<double> epochsPerSample;
  for (std::int64_t i = 0; i < n; ++i)
    for (auto p = g.indptr[i]; p < g.indptr[i + 1]; ++p) {
      const double w = g.weights[p];
      if (w < maxWeight / static_cast<double>(epochs) || w <= 0) continue;
      head.push_back(static_cast<std::int32_t>(i));
      tail.push_back(g.indices[p]);
      epochsPerSample.push_back(maxWeight / w);  // = n_epochs / (n_epochs * w / max)
    }
  const std::size_t nEdges = head.size();
  std::vector<double> nextSample = epochsPerSample;
  std::vector<double> perNegative(nEdges), nextNegative(nEdges);
  for (std::size_t e = 0; e < nEdges; ++e) {
    perNegative[e] = epochsPerSample[e] / o.negativeSampleRate;
    nextNegative[e] = perNegative[e];
  }

  // The optimisation runs in float (as umap-learn's float32 embedding does), with powf: it is the hot loop.
  std::vector<float> emb(init.size());
  for (std::int64_t i = 0; i < n; ++i)
    for (int d = 0; d < dim; ++d) emb[i * dim + d] = static_cast<float>(init(i, d));
  auto clip = [](float v) { return std::clamp(v, -4.0f, 4.0f); };
  const float af = static_cast<float>(a), bf = static_cast<float>(b);
  const float attract = -2.0f * af * bf, repulse = static_cast<float>(2.0 * o.repulsionStrength * b);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const float alpha = static_cast<float>(o.learningRate * (1.0 - static_cast<double>(epoch) / epochs));
    for (std::size_t e = 0; e < nEdges; ++e) {
      if (nextSample[e] > epoch) continue;
      float* current = &emb[static_cast<std::size_t>(head[e]) * dim];
      float* other = &emb[static_cast<std::size_t>(tail[e]) * dim];
      float d2 = 0;
      for (int d = 0; d < dim; ++d) d2 += (current[d] - other[d]) * (current[d] - other[d]);
      float coeff = 0;
      if (d2 > 0) {
        const float pb = powf(d2, bf);
        coeff = (attract * pb / d2) / (af * pb + 1.0f);
      }
      for (int d = 0; d < dim; ++d) {
        const float grad = clip(coeff * (current[d] - other[d]));
        current[d] += grad * alpha;
        other[d] -= grad * alpha;
      }
      nextSample[e] += epochsPerSample[e];
      const int negatives = static_cast<int>((epoch - nextNegative[e]) / perNegative[e]);
      for (int s = 0; s < negatives; ++s) {
        // A uniform cell by multiply-high (Lemire) instead of a 64-bit modulo: the hot loop's costliest operation.
        const auto k = static_cast<std::int64_t>(
            (static_cast<unsigned __int128>(rng.next()) * static_cast<std::uint64_t>(n)) >> 64);
        if (k == head[e]) continue;
        other = &emb[static_cast<std::size_t>(k) * dim];
        d2 = 0;
        for (int d = 0; d < dim; ++d) d2 += (current[d] - other[d]) * (current[d] - other[d]);
        if (d2 <= 0) continue;
        const float rep = repulse / ((0.001f + d2) * (af * powf(d2, bf) + 1.0f));
        for (int d = 0; d < dim; ++d) current[d] += clip(rep * (current[d] - other[d])) * alpha;
      }
      nextNegative[e] += negatives * perNegative[e];
    }
  }
  Eigen::MatrixXd out(n, dim);
  for (std::int64_t i = 0; i < n; ++i)
    for (int d = 0; d < dim; ++d) out(i, d) = emb[i * dim + d];
  return out;
}

}  // namespace diffbio::sc

#include "core/singlecell/fuzzy_graph.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace diffbio::sc {

namespace {
constexpr double kSmoothKTolerance = 1e-5;
constexpr double kMinKDistScale = 1e-3;
}  // namespace

SmoothKnn smoothKnnDistances(const KnnGraph& knn, double localConnectivity, double bandwidth) {
  const std::int64_t n = knn.nCells;
  const int k = knn.k;
  const double target = std::log2(static_cast<double>(k)) * bandwidth;
  double meanAll = 0;
  for (float d : knn.distances) meanAll += d;
  meanAll /= static_cast<double>(knn.distances.size());
  SmoothKnn out;
  out.rho.assign(n, 0);
  out.sigma.assign(n, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    const float* d = &knn.distances[i * k];
    std::vector<double> nonZero;
    for (int j = 0; j < k; ++j)
      if (d[j] > 0) nonZero.push_back(d[j]);
    double rho = 0;
    if (static_cast<double>(nonZero.size()) >= localConnectivity) {
      const int index = static_cast<int>(std::floor(localConnectivity));
      const double interpolation = localConnectivity - index;
      if (index > 0) {
        rho = nonZero[index - 1];
        if (interpolation > kSmoothKTolerance) rho += interpolation * (nonZero[index] - nonZero[index - 1]);
      } else {
        rho = interpolation * nonZero[0];
      }
    } else if (!nonZero.empty()) {
      rho = *std::max_element(nonZero.begin(), nonZero.end());
    }
    double lo = 0, hi = std::numeric_limits<double>::infinity(), mid = 1;
    for (int step = 0; step < 64; ++step) {
      double psum = 0;
      for (int j = 1; j < k; ++j) {
        const double delta = d[j] - rho;
        psum += delta > 0 ? std::exp(-(delta / mid)) : 1.0;
      }
      if (std::abs(psum - target) < kSmoothKTolerance) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = std::isinf(hi) ? mid * 2 : (lo + hi) / 2;
      }
    }
    double meanRow = 0;
    for (int j = 0; j < k; ++j) meanRow += d[j];
    meanRow /= k;
    const double floor = kMinKDistScale * (rho > 0 ? meanRow : meanAll);
    out.rho[i] = rho;
    out.sigma[i] = std::max(mid, floor);
  }
  return out;
}

CellGraph fuzzySimplicialSet(const KnnGraph& knn) {
  const SmoothKnn smooth = smoothKnnDistances(knn);
  const std::int64_t n = knn.nCells;
  const int k = knn.k;
  // Directed memberships per row (a neighbour listed twice keeps the larger weight).
  std::vector<std::vector<std::pair<std::int32_t, double>>> rows(n);
  for (std::int64_t i = 0; i < n; ++i) {
    auto& row = rows[i];
    for (int j = 0; j < k; ++j) {
      const std::int32_t other = knn.index(i, j);
      if (other == i || other < 0) continue;
      const double delta = knn.distance(i, j) - smooth.rho[i];
      const double w = (delta <= 0 || smooth.sigma[i] == 0) ? 1.0 : std::exp(-(delta / smooth.sigma[i]));
      row.emplace_back(other, w);
    }
    std::sort(row.begin(), row.end());
    std::vector<std::pair<std::int32_t, double>> unique;
    for (const auto& e : row) {
      if (!unique.empty() && unique.back().first == e.first) unique.back().second = std::max(unique.back().second, e.second);
      else unique.push_back(e);
    }
    row.swap(unique);
  }
  auto directed = [&](std::int64_t i, std::int32_t j) {
    const auto& row = rows[i];
    const auto it = std::lower_bound(row.begin(), row.end(), std::make_pair(j, -1.0));
    return (it != row.end() && it->first == j) ? it->second : 0.0;
  };
  // Union of both directions: w_ij + w_ji - w_ij * w_ji on the union of the two sparsity patterns.
  std::vector<std::vector<std::pair<std::int32_t, float>>> sym(n);
  for (std::int64_t i = 0; i < n; ++i)
    for (const auto& [j, w] : rows[i]) {
      const double back = directed(j, static_cast<std::int32_t>(i));
      const double u = w + back - w * back;
      if (back == 0 || i < j) {  // each pair once: when both directions exist, from the smaller index
        if (u <= 0) continue;
        sym[i].emplace_back(j, static_cast<float>(u));
        sym[j].emplace_back(static_cast<std::int32_t>(i), static_cast<float>(u));
      }
    }
  CellGraph g;
  g.nCells = n;
  g.indptr.assign(n + 1, 0);
  for (std::int64_t i = 0; i < n; ++i) {
    std::sort(sym[i].begin(), sym[i].end());
    g.indptr[i + 1] = g.indptr[i] + static_cast<std::int64_t>(sym[i].size());
  }
  g.indices.reserve(g.indptr[n]);
  g.weights.reserve(g.indptr[n]);
  for (std::int64_t i = 0; i < n; ++i)
    for (const auto& [j, w] : sym[i]) {
      g.indices.push_back(j);
      g.weights.push_back(w);
    }
  return g;
}

}  // namespace diffbio::sc

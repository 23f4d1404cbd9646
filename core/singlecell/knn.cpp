#include "core/singlecell/knn.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/util/error.h"

namespace diffbio::sc {

namespace {

using MatF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// (squared distance, cell) ordered by distance, then index.
bool byDistance(const std::pair<float, std::int32_t>& a, const std::pair<float, std::int32_t>& b) {
  return a.first < b.first || (a.first == b.first && a.second < b.second);
}

// Writes cell i's row: itself first, then the k - 1 nearest others by (distance, index).
void writeRow(KnnGraph& g, std::int64_t i, std::vector<std::pair<float, std::int32_t>>& candidates) {
  const int want = g.k - 1;
  if (static_cast<int>(candidates.size()) > want) {
    std::nth_element(candidates.begin(), candidates.begin() + want, candidates.end(), byDistance);
    candidates.resize(want);
  }
  std::sort(candidates.begin(), candidates.end(), byDistance);
  g.indices[i * g.k] = static_cast<std::int32_t>(i);
  g.distances[i * g.k] = 0;
  for (int j = 0; j < want; ++j) {
    g.indices[i * g.k + 1 + j] = candidates[j].second;
    g.distances[i * g.k + 1 + j] = std::sqrt(std::max(0.0f, candidates[j].first));
  }
}

void exact(const MatF& x, KnnGraph& g) {
  const std::int64_t n = x.rows();
  const Eigen::VectorXf norms = x.rowwise().squaredNorm();
  constexpr std::int64_t kBlock = 512;
  for (std::int64_t start = 0; start < n; start += kBlock) {
    const std::int64_t rows = std::min(kBlock, n - start);
    // Squared distances of a block of cells to all cells: |a|^2 + |b|^2 - 2 a.b
    MatF d = -2.0f * (x.middleRows(start, rows) * x.transpose());
#pragma omp parallel for schedule(static)
    for (std::int64_t r = 0; r < rows; ++r) {
      const std::int64_t i = start + r;
      // The k - 1 smallest by (distance, index) in a max-heap: a candidate enters only when it beats the worst
      // kept, which after the first few hundred cells is rare. The same set as selecting among all n, as the
      // order is total (indices differ).
      std::vector<std::pair<float, std::int32_t>> candidates;
      const std::size_t want = static_cast<std::size_t>(g.k - 1);
      candidates.reserve(want + 1);
      const float normI = norms[i];
      for (std::int64_t j = 0; j < n; ++j) {
        if (j == i) continue;
        const std::pair<float, std::int32_t> c{d(r, j) + normI + norms[j], static_cast<std::int32_t>(j)};
        if (candidates.size() < want) {
          candidates.push_back(c);
          std::push_heap(candidates.begin(), candidates.end(), byDistance);
        } else if (want > 0 && byDistance(c, candidates.front())) {
          std::pop_heap(candidates.begin(), candidates.end(), byDistance);
          candidates.back() = c;
          std::push_heap(candidates.begin(), candidates.end(), byDistance);
        }
      }
      writeRow(g, i, candidates);
    }
  }
}

void hnsw(const MatF& x, KnnGraph& g, const KnnOptions& o) {
  const std::int64_t n = x.rows();
  const int dim = static_cast<int>(x.cols());
  hnswlib::L2Space space(dim);
  hnswlib::HierarchicalNSW<float> index(&space, static_cast<std::size_t>(n), o.hnswM, o.hnswEfConstruction, o.seed);
  index.addPoint(x.row(0).data(), 0);
  // hnswlib locks internally, so points can be inserted in parallel (the graph then depends on thread timing;
  // the neighbours found differ from the exact ones only where HNSW is approximate anyway).
#pragma omp parallel for schedule(dynamic, 256)
  for (std::int64_t i = 1; i < n; ++i) index.addPoint(x.row(i).data(), static_cast<std::size_t>(i));
  index.setEf(static_cast<std::size_t>(o.hnswEf > 0 ? o.hnswEf : std::max(3 * g.k, 50)));
#pragma omp parallel for schedule(dynamic, 256)
  for (std::int64_t i = 0; i < n; ++i) {
    auto found = index.searchKnn(x.row(i).data(), static_cast<std::size_t>(g.k));
    std::vector<std::pair<float, std::int32_t>> candidates;
    while (!found.empty()) {
      if (static_cast<std::int64_t>(found.top().second) != i)
        candidates.emplace_back(found.top().first, static_cast<std::int32_t>(found.top().second));
      found.pop();
    }
    writeRow(g, i, candidates);
  }
}

}  // namespace

KnnGraph nearestNeighbors(const Eigen::MatrixXd& points, const KnnOptions& options) {
  const std::int64_t n = points.rows();
  if (n < 2) throw InputError({}, "a neighbour graph needs at least 2 cells, got " + std::to_string(n), "give more cells");
  KnnGraph g;
  g.nCells = n;
  g.k = static_cast<int>(std::clamp<std::int64_t>(options.k, 2, n));
  g.indices.assign(n * g.k, -1);
  g.distances.assign(n * g.k, std::numeric_limits<float>::infinity());
  const MatF x = points.cast<float>();
  const bool useExact = options.method == KnnMethod::Exact ||
                        (options.method == KnnMethod::Auto && n < options.exactBelow);
  if (useExact) exact(x, g);
  else hnsw(x, g, options);
  // HNSW may return fewer than k - 1 others for tiny or degenerate data: fill with the cell itself at distance
  // +inf would break the fuzzy graph, so repeat the last neighbour found instead.
  for (std::int64_t i = 0; i < n; ++i)
    for (int j = 1; j < g.k; ++j)
      if (g.indices[i * g.k + j] < 0) {
        g.indices[i * g.k + j] = g.indices[i * g.k + j - 1];
        g.distances[i * g.k + j] = g.distances[i * g.k + j - 1];
      }
  return g;
}

}  // namespace diffbio::sc

#include "core/singlecell/metrics.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

namespace diffbio::sc {

double adjustedRandIndex(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
  if (a.size() != b.size()) throw std::invalid_argument("adjustedRandIndex: label vectors differ in length");
  const double n = static_cast<double>(a.size());
  std::map<std::pair<std::int32_t, std::int32_t>, double> cells;
  std::map<std::int32_t, double> rows, cols;
  for (std::size_t i = 0; i < a.size(); ++i) {
    cells[{a[i], b[i]}] += 1;
    rows[a[i]] += 1;
    cols[b[i]] += 1;
  }
  auto pairs = [](double x) { return x * (x - 1) / 2; };
  double index = 0, sumRows = 0, sumCols = 0;
  for (const auto& [key, c] : cells) index += pairs(c);
  for (const auto& [key, c] : rows) sumRows += pairs(c);
  for (const auto& [key, c] : cols) sumCols += pairs(c);
  const double expected = sumRows * sumCols / pairs(n);
  const double maximum = (sumRows + sumCols) / 2;
  // sklearn: identical trivial partitions (all one cluster, or all singletons on both sides) score 1.
  if (maximum == expected) return 1.0;
  return (index - expected) / (maximum - expected);
}

double trustworthiness(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, int k) {
  const Eigen::Index n = x.rows();
  if (y.rows() != n) throw std::invalid_argument("trustworthiness: different numbers of rows");
  if (!(k >= 1 && k < n / 2.0)) throw std::invalid_argument("trustworthiness: k must be below n / 2");
  double penalty = 0;
  std::vector<double> dx(n), dy(n);
  std::vector<Eigen::Index> order(n), rankInX(n), nearY(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      dx[j] = (x.row(i) - x.row(j)).squaredNorm();
      dy[j] = (y.row(i) - y.row(j)).squaredNorm();
    }
    // Ranks 1..n-1 of the other points by distance in the original space (self excluded; ties by index, as a
    // stable argsort does).
    order.resize(n);
    std::iota(order.begin(), order.end(), 0);
    order.erase(order.begin() + i);
    std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return dx[a] < dx[b]; });
    for (Eigen::Index r = 0; r < n - 1; ++r) rankInX[order[r]] = r + 1;
    // The k nearest in the embedding (self excluded).
    std::vector<Eigen::Index> others(n);
    std::iota(others.begin(), others.end(), 0);
    others.erase(others.begin() + i);
    std::partial_sort(others.begin(), others.begin() + k, others.end(), [&](Eigen::Index a, Eigen::Index b) {
      return dy[a] < dy[b] || (dy[a] == dy[b] && a < b);
    });
    for (int j = 0; j < k; ++j) {
      const double excess = static_cast<double>(rankInX[others[j]]) - k;
      if (excess > 0) penalty += excess;
    }
  }
  const double nn = static_cast<double>(n);
  return 1.0 - penalty * (2.0 / (nn * k * (2.0 * nn - 3.0 * k - 1.0)));
}

}  // namespace diffbio::sc

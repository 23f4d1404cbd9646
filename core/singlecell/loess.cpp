#include "core/singlecell/loess.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include <Eigen/Dense>

#include "core/util/error.h"

namespace diffbio::sc {

namespace {

// The points sorted by x, shared by every local fit.
struct SortedPoints {
  std::vector<double> x, y;
};

SortedPoints sortByX(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  SortedPoints s;
  s.x.reserve(x.size());
  s.y.reserve(x.size());
  for (auto i : order) {
    s.x.push_back(x[i]);
    s.y.push_back(y[i]);
  }
  return s;
}

std::size_t neighbourCount(std::size_t n, double span) {
  // R's loess: nf = min(n, floor(n * span + 1e-5)).
  return std::min<std::size_t>(n, static_cast<std::size_t>(std::floor(static_cast<double>(n) * span + 1e-5)));
}

void validate(const std::vector<double>& x, const std::vector<double>& y, const LoessOptions& o) {
  if (x.size() != y.size())
    throw InputError({}, "loess: " + std::to_string(x.size()) + " x values but " + std::to_string(y.size()) +
                             " y values",
                     "give one y per x");
  if (!(o.span > 0 && o.span <= 1))
    throw InputError({}, "loess span " + std::to_string(o.span) + " is outside (0, 1]", "use e.g. 0.3 or 0.75");
  if (!(o.cell > 0))
    throw InputError({}, "loess cell " + std::to_string(o.cell) + " is not positive", "use R's default 0.2");
  if (o.degree < 0 || o.degree > 2)
    throw InputError({}, "loess degree " + std::to_string(o.degree) + " is not 0, 1 or 2", "use degree 2");
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
      throw InputError({}, "loess: point " + std::to_string(i + 1) + " is not finite", "remove NaN/infinite values");
  const std::size_t nf = neighbourCount(x.size(), o.span);
  if (nf < static_cast<std::size_t>(o.degree + 1))
    throw InputError({}, "loess: the span covers " + std::to_string(nf) + " of " + std::to_string(x.size()) +
                             " points, fewer than the " + std::to_string(o.degree + 1) + " coefficients of the fit",
                     "raise the span or give more points");
}

// The local fit at q over the sorted points: the nf nearest form a contiguous window of the sorted x.
LocalFit fitAt(const SortedPoints& s, double q, std::size_t nf, int degree) {
  const std::size_t n = s.x.size();
  // Grow a window [lo, hi) from q's position, each time taking the nearer neighbour.
  std::size_t hi = static_cast<std::size_t>(std::lower_bound(s.x.begin(), s.x.end(), q) - s.x.begin());
  std::size_t lo = hi;
  while (hi - lo < nf) {
    if (lo == 0) ++hi;
    else if (hi == n) --lo;
    else if (q - s.x[lo - 1] <= s.x[hi] - q) --lo;
    else ++hi;
  }
  const double rho = std::max(q - s.x[lo], s.x[hi - 1] - q);  // distance to the nf-th nearest
  if (!(rho > 0))
    throw InputError({}, "loess: the " + std::to_string(nf) + " nearest points all sit at x = " + std::to_string(q),
                     "raise the span (too many identical x values)");
  const int k = degree + 1;
  const auto rows = static_cast<Eigen::Index>(hi - lo);
  Eigen::MatrixXd b(rows, k);
  Eigen::VectorXd eta(rows);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const double d = s.x[lo + r] - q;
    const double u = std::abs(d) / rho;
    const double tricube = u < 1 ? std::pow(1 - u * u * u, 3) : 0.0;
    const double w = std::sqrt(tricube);  // least squares on sqrt(weight)-scaled rows
    double power = 1;
    for (int c = 0; c < k; ++c) {
      b(r, c) = w * power;
      power *= d;
    }
    eta(r) = w * s.y[lo + r];
  }
  // Equilibrate the columns, then solve through QR and the SVD of R with R's pseudo-inverse tolerance
  // (singular values below 100 machine epsilons of the largest are dropped).
  Eigen::VectorXd norms(k);
  for (int c = 0; c < k; ++c) {
    norms(c) = b.col(c).norm();
    if (norms(c) > 0) b.col(c) /= norms(c);
    else norms(c) = 1;
  }
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(b);
  Eigen::VectorXd qtEta = eta;
  qtEta.applyOnTheLeft(qr.householderQ().transpose());
  qtEta.conservativeResize(k);
  const Eigen::MatrixXd r = qr.matrixQR().topRows(k).triangularView<Eigen::Upper>();
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(r, Eigen::ComputeFullU | Eigen::ComputeFullV);
  const Eigen::VectorXd& sigma = svd.singularValues();
  const double tol = sigma(0) * 100 * std::numeric_limits<double>::epsilon();
  Eigen::VectorXd gamma = svd.matrixU().transpose() * qtEta;
  for (int j = 0; j < k; ++j) gamma(j) = sigma(j) > tol ? gamma(j) / sigma(j) : 0.0;
  Eigen::VectorXd coef = svd.matrixV() * gamma;
  coef = coef.cwiseQuotient(norms);
  LocalFit fit;
  fit.value = coef(0);
  fit.slope = k > 1 ? coef(1) : 0.0;
  return fit;
}

// R's k-d tree in one dimension over the sorted x: leaves are intervals [lo, hi] whose ends are vertices.
struct KdCell {
  double lo = 0, hi = 0;   // bounds (vertices)
  double split = 0;        // split value (inner cells)
  int left = -1, right = -1;
};

std::vector<KdCell> buildKdTree(const std::vector<double>& x, std::size_t fc) {
  const std::size_t n = x.size();
  const double a = x.front(), b = x.back();
  const double margin = 0.005 * std::max(b - a, 1e-10 * std::max(std::abs(a), std::abs(b)) + 1e-30);
  // R's limits on the tree size: nvmax = max(200, n) vertices and as many cells.
  const std::size_t nvmax = std::max<std::size_t>(200, n), ncmax = nvmax;
  std::vector<KdCell> cells{{a - margin, b + margin}};
  std::vector<std::pair<std::size_t, std::size_t>> range{{0, n - 1}};  // sorted positions, inclusive
  std::size_t vertices = 2;
  for (std::size_t p = 0; p < cells.size(); ++p) {  // breadth first, as R
    const auto [l, u] = range[p];
    if (u - l + 1 <= fc || ncmax < cells.size() + 2 || nvmax < vertices + 1) continue;
    // Median point; ties all go to the upper son: look outward (0, +1, -1, +2, ...) for a gap after position m.
    std::size_t m = (l + u) / 2;
    for (long offset = 0;;) {
      const long at = static_cast<long>(m) + offset;
      if (at >= static_cast<long>(u) || at < static_cast<long>(l)) break;
      if (x[at] != x[at + 1]) {
        m = static_cast<std::size_t>(at);
        break;
      }
      offset = -offset;
      if (offset >= 0) ++offset;
    }
    const double split = x[m];
    if (split == cells[p].lo || split == cells[p].hi) continue;  // leaf
    cells[p].split = split;
    cells[p].left = static_cast<int>(cells.size());
    cells.push_back({cells[p].lo, split});
    range.push_back({l, m});
    cells[p].right = static_cast<int>(cells.size());
    cells.push_back({split, cells[p].hi});
    range.push_back({m + 1, u});
    ++vertices;
  }
  return cells;
}

std::vector<double> interpolatedFit(const SortedPoints& s, const std::vector<double>& at, std::size_t nf,
                                    const LoessOptions& o) {
  const auto fc = static_cast<std::size_t>(std::floor(static_cast<double>(s.x.size()) * (o.span * o.cell)));
  const std::vector<KdCell> tree = buildKdTree(s.x, fc);
  // Local fit (value, slope) at every vertex, each computed once.
  std::vector<double> vertexX;
  for (const auto& c : tree) {
    vertexX.push_back(c.lo);
    vertexX.push_back(c.hi);
  }
  std::sort(vertexX.begin(), vertexX.end());
  vertexX.erase(std::unique(vertexX.begin(), vertexX.end()), vertexX.end());
  std::vector<LocalFit> vertexFit;
  for (double v : vertexX) vertexFit.push_back(fitAt(s, v, nf, o.degree));
  auto fitOfVertex = [&](double v) {
    return vertexFit[std::lower_bound(vertexX.begin(), vertexX.end(), v) - vertexX.begin()];
  };
  std::vector<double> fitted(at.size());
  for (std::size_t i = 0; i < at.size(); ++i) {
    const double z = at[i];
    int c = 0;
    while (tree[c].left >= 0) c = z <= tree[c].split ? tree[c].left : tree[c].right;
    const LocalFit f0 = fitOfVertex(tree[c].lo), f1 = fitOfVertex(tree[c].hi);
    const double width = tree[c].hi - tree[c].lo;
    const double h = (z - tree[c].lo) / width;
    // Cubic Hermite basis on the cell: values and slopes at both ends.
    const double phi0 = (1 - h) * (1 - h) * (1 + 2 * h), phi1 = h * h * (3 - 2 * h);
    const double psi0 = h * (1 - h) * (1 - h), psi1 = h * h * (h - 1);
    fitted[i] = phi0 * f0.value + phi1 * f1.value + (psi0 * f0.slope + psi1 * f1.slope) * width;
  }
  return fitted;
}

}  // namespace

std::vector<double> loessFit(const std::vector<double>& x, const std::vector<double>& y, const LoessOptions& options) {
  validate(x, y, options);
  const SortedPoints s = sortByX(x, y);
  const std::size_t nf = neighbourCount(x.size(), options.span);
  if (options.surface == LoessSurface::Interpolate) return interpolatedFit(s, x, nf, options);
  std::vector<double> fitted(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) fitted[i] = fitAt(s, x[i], nf, options.degree).value;
  return fitted;
}

LocalFit loessLocalFit(const std::vector<double>& x, const std::vector<double>& y, double q,
                       const LoessOptions& options) {
  validate(x, y, options);
  return fitAt(sortByX(x, y), q, neighbourCount(x.size(), options.span), options.degree);
}

}  // namespace diffbio::sc

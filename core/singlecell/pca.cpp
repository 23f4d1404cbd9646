#include "core/singlecell/pca.h"

#include <Eigen/QR>
#include <Eigen/Eigenvalues>
#include <Eigen/SVD>
#include <algorithm>
#include <random>

#include "core/util/error.h"
#include "core/util/parallel.h"
#include "core/util/stage_profile.h"

namespace diffbio::sc {

namespace {

using MatF = Eigen::MatrixXf;

MatF orthonormalBasis(const MatF& y) {
  Eigen::HouseholderQR<MatF> qr(y);
  return qr.householderQ() * MatF::Identity(y.rows(), y.cols());
}

// The products of the range finder, split into fixed blocks of the long side (the same blocks for any thread count)
// with each block's product computed by one thread. Eigen's own threaded product synchronises its threads by
// spinning on shared counters: with another process on one of the two cores, the 2,700-cell PCA took 0.77 s on
// two threads against 0.25 s on one. Each block is an Eigen product inside the team, which Eigen runs serially.
constexpr Eigen::Index kBlock = 512;

// x * m, by blocks of x's rows.
MatF timesByRows(const MatF& x, const MatF& m) {
  MatF out(x.rows(), m.cols());
  const Eigen::Index blocks = (x.rows() + kBlock - 1) / kBlock;
  parallelFor(0, blocks, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t b = first; b < last; ++b) {
      const Eigen::Index r0 = b * kBlock, rows = std::min(kBlock, x.rows() - r0);
      out.middleRows(r0, rows).noalias() = x.middleRows(r0, rows) * m;
    }
  });
  return out;
}

// x^T * m, by blocks of x's columns (rows of the result).
MatF transposeTimes(const MatF& x, const MatF& m) {
  MatF out(x.cols(), m.cols());
  const Eigen::Index blocks = (x.cols() + kBlock - 1) / kBlock;
  parallelFor(0, blocks, 1, [&](std::int64_t first, std::int64_t last) {
    for (std::int64_t b = first; b < last; ++b) {
      const Eigen::Index c0 = b * kBlock, cols = std::min(kBlock, x.cols() - c0);
      out.middleRows(c0, cols).noalias() = x.middleCols(c0, cols).transpose() * m;
    }
  });
  return out;
}

// Eigen's products follow the calling thread's OpenMP thread count. One, while the randomized SVD runs: the QR
// factorisations and small products called directly then give the same bits for any thread count, and the big
// products get their threads from the fixed blocks above.
class SerialEigenInThisThread {
 public:
  SerialEigenInThisThread() : before_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~SerialEigenInThisThread() { omp_set_num_threads(before_); }
  SerialEigenInThisThread(const SerialEigenInThisThread&) = delete;
  SerialEigenInThisThread& operator=(const SerialEigenInThisThread&) = delete;

 private:
  int before_;
};

void flipSigns(PcaResult& r) {
  for (Eigen::Index c = 0; c < r.loadings.cols(); ++c) {
    Eigen::Index at = 0;
    r.loadings.col(c).cwiseAbs().maxCoeff(&at);
    if (r.loadings(at, c) < 0) {
      r.loadings.col(c) *= -1;
      r.scores.col(c) *= -1;
    }
  }
}

}  // namespace

PcaResult pca(const DenseF& input, const PcaOptions& options) {
  const Eigen::Index n = input.rows(), p = input.cols();
  if (n < 2) throw InputError({}, "PCA needs at least 2 cells, got " + std::to_string(n), "give more cells");
  if (p < 1) throw InputError({}, "PCA needs at least 1 gene", "select some genes first");
  const int k = static_cast<int>(std::max<Eigen::Index>(1, std::min<Eigen::Index>({options.nComponents, n - 1, p})));

  // Centre the columns (in double for the means, the matrix stays float).
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(p);
  for (Eigen::Index i = 0; i < n; ++i) mean += input.row(i).transpose().cast<double>();
  mean /= static_cast<double>(n);
  MatF x = input;
  x.rowwise() -= mean.cast<float>().transpose();
  double totalVariance = 0;
  for (Eigen::Index g = 0; g < p; ++g) totalVariance += x.col(g).cast<double>().squaredNorm();
  totalVariance /= static_cast<double>(n - 1);

  Eigen::MatrixXd u, v;
  Eigen::VectorXd s;
  if (std::min(n, p) <= options.exactBelow) {
    // Exact: eigen-decomposition of the small Gram matrix (X^T X when genes are few, X X^T when cells are), in
    // double; an order of magnitude faster than a full SVD of the tall matrix.
    const Eigen::MatrixXd xd = x.cast<double>();
    const bool genesSide = p <= n;
    const Eigen::MatrixXd gram = genesSide ? Eigen::MatrixXd(xd.transpose() * xd) : Eigen::MatrixXd(xd * xd.transpose());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
    // Eigenvalues ascending: the last k, largest first.
    const Eigen::MatrixXd vectors = eig.eigenvectors().rightCols(k).rowwise().reverse();
    s = eig.eigenvalues().tail(k).reverse().cwiseMax(0.0).cwiseSqrt();
    if (genesSide) {
      v = vectors;
      u = xd * v;
      for (int c = 0; c < k; ++c) u.col(c) /= (s[c] > 0 ? s[c] : 1.0);
    } else {
      u = vectors;
      v = xd.transpose() * u;
      for (int c = 0; c < k; ++c) v.col(c) /= (s[c] > 0 ? s[c] : 1.0);
    }
  } else {
    const SerialEigenInThisThread serialEigen;
    const Eigen::Index l = std::min<Eigen::Index>(k + options.oversamples, std::min(n, p));
    const int iterations = std::max(0, options.powerIterations);
    std::mt19937_64 rng(options.seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    MatF omega(p, l);
    for (Eigen::Index j = 0; j < l; ++j)
      for (Eigen::Index i = 0; i < p; ++i) omega(i, j) = normal(rng);
    MatF q;
    {
      const ScopedStage stage("pca: range finder");
      q = orthonormalBasis(timesByRows(x, omega));
      for (int it = 0; it < iterations; ++it) {
        MatF z = orthonormalBasis(transposeTimes(x, q));
        q = orthonormalBasis(timesByRows(x, z));
      }
    }
    const ScopedStage stage("pca: small SVD");
    const Eigen::MatrixXd b = transposeTimes(x, q).transpose().cast<double>();  // l x p
    Eigen::BDCSVD<Eigen::MatrixXd> svd(b, Eigen::ComputeThinU | Eigen::ComputeThinV);
    u = q.cast<double>() * svd.matrixU().leftCols(k);
    v = svd.matrixV().leftCols(k);
    s = svd.singularValues().head(k);
  }
  PcaResult r;
  r.scores = u * s.asDiagonal();
  r.loadings = v;
  r.variance = s.array().square() / static_cast<double>(n - 1);
  r.varianceRatio = totalVariance > 0 ? Eigen::VectorXd(r.variance / totalVariance) : Eigen::VectorXd::Zero(k);
  flipSigns(r);
  return r;
}

}  // namespace diffbio::sc

#include "core/ops/singlecell/differentiable_sc_modules.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

namespace diffbio::ops {

namespace {

at::Tensor scalarParameter(torch::nn::Module& module, const std::string& name, double value, bool learnable) {
  return module.register_parameter(name, at::tensor(value, at::kDouble), learnable);
}

}  // namespace

// ---- soft HVG ---------------------------------------------------------------------------------------------------

SoftHvgImpl::SoftHvgImpl(double threshold, double temperature, bool learnTemperature) {
  if (!(temperature > 0)) throw std::invalid_argument("the soft HVG temperature must be positive");
  threshold_ = scalarParameter(*this, "threshold", threshold, true);
  logTemperature_ = scalarParameter(*this, "log_temperature", std::log(temperature), learnTemperature);
}

at::Tensor SoftHvgImpl::weights(const at::Tensor& scores) const {
  const auto type = scores.scalar_type();
  return at::sigmoid((scores - threshold_.to(type)) / logTemperature_.exp().to(type));
}

at::Tensor SoftHvgImpl::forward(const at::Tensor& expression, const at::Tensor& scores) const {
  return expression * weights(scores).unsqueeze(0);
}

double thresholdForTopGenes(const std::vector<double>& scores, std::int64_t n) {
  if (scores.empty()) throw std::invalid_argument("no gene scores");
  std::vector<double> sorted;
  for (double s : scores) sorted.push_back(std::isnan(s) ? 0.0 : s);
  std::sort(sorted.begin(), sorted.end(), std::greater<double>());
  const auto count = static_cast<std::int64_t>(sorted.size());
  n = std::clamp<std::int64_t>(n, 1, count);
  const double cutoff = sorted[n - 1];
  // The largest score strictly below the cut-off (ties with the n-th gene are kept, as the hard selection does).
  const auto below = std::find_if(sorted.begin() + n, sorted.end(), [&](double s) { return s < cutoff; });
  if (below == sorted.end()) return cutoff - 1.0;
  return (cutoff + *below) / 2.0;
}

// ---- soft k-means -----------------------------------------------------------------------------------------------

SoftKMeansImpl::SoftKMeansImpl(const at::Tensor& centroids, double temperature, bool learnTemperature) {
  if (!(temperature > 0)) throw std::invalid_argument("the soft k-means temperature must be positive");
  if (centroids.dim() != 2 || centroids.size(0) < 1) throw std::invalid_argument("centroids must be K x D, K >= 1");
  centroids_ = register_parameter("centroids", centroids.to(at::kDouble).clone(), true);
  logTemperature_ = scalarParameter(*this, "log_temperature", std::log(temperature), learnTemperature);
}

at::Tensor SoftKMeansImpl::squaredDistances(const at::Tensor& x) const {
  // ||x||^2 - 2 x.c + ||c||^2 would cancel badly for points near a centroid; the direct difference is exact and
  // N x K x D is small for the embeddings clustered here (PCA coordinates).
  const at::Tensor c = centroids_.to(x.scalar_type());
  return (x.unsqueeze(1) - c.unsqueeze(0)).pow(2).sum(-1);
}

at::Tensor SoftKMeansImpl::assignments(const at::Tensor& x) const {
  return at::softmax(-squaredDistances(x) / logTemperature_.exp().to(x.scalar_type()), 1);
}

at::Tensor SoftKMeansImpl::loss(const at::Tensor& x) const {
  const at::Tensor d2 = squaredDistances(x);
  const at::Tensor a = at::softmax(-d2 / logTemperature_.exp().to(x.scalar_type()), 1);
  return (a * d2).sum(1).mean();
}

std::vector<std::int64_t> kmeansPlusPlus(const at::Tensor& x, std::int64_t k, std::uint64_t seed) {
  const at::Tensor points = x.to(at::kDouble).contiguous();
  const std::int64_t n = points.size(0), d = points.size(1);
  if (k < 1 || k > n) throw std::invalid_argument("k-means++ needs 1 <= k <= number of points");
  const double* p = points.data_ptr<double>();
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> chosen{static_cast<std::int64_t>(std::uniform_int_distribution<std::int64_t>(0, n - 1)(rng))};
  std::vector<double> nearest(n, std::numeric_limits<double>::infinity());
  while (static_cast<std::int64_t>(chosen.size()) < k) {
    const double* c = p + chosen.back() * d;
    double total = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      double s = 0;
      for (std::int64_t j = 0; j < d; ++j) s += (p[i * d + j] - c[j]) * (p[i * d + j] - c[j]);
      nearest[i] = std::min(nearest[i], s);
      total += nearest[i];
    }
    std::int64_t next = 0;
    if (total > 0) {
      // Inverse-CDF draw; a point already chosen has weight 0 and cannot be drawn again.
      double u = std::uniform_real_distribution<double>(0, total)(rng);
      next = -1;
      for (std::int64_t i = 0; i < n; ++i) {
        if (nearest[i] <= 0) continue;
        next = i;
        u -= nearest[i];
        if (u < 0) break;
      }
    } else {
      // Every point coincides with a chosen centre: take the first point not yet chosen.
      while (std::find(chosen.begin(), chosen.end(), next) != chosen.end()) ++next;
    }
    chosen.push_back(next);
  }
  return chosen;
}

std::vector<std::int32_t> lloydKMeans(const at::Tensor& x, at::Tensor& centroids, int maxIterations) {
  const at::Tensor points = x.to(at::kDouble);
  const std::int64_t n = points.size(0), k = centroids.size(0);
  std::vector<std::int32_t> labels(n, -1);
  for (int iteration = 0; iteration < maxIterations; ++iteration) {
    const at::Tensor d2 = (points.unsqueeze(1) - centroids.unsqueeze(0)).pow(2).sum(-1);
    const at::Tensor nearest = d2.argmin(1).contiguous();
    const std::int64_t* best = nearest.data_ptr<std::int64_t>();
    bool changed = false;
    for (std::int64_t i = 0; i < n; ++i)
      if (labels[i] != best[i]) {
        labels[i] = static_cast<std::int32_t>(best[i]);
        changed = true;
      }
    if (!changed) break;
    for (std::int64_t c = 0; c < k; ++c) {
      const at::Tensor members = (nearest == c).nonzero().view(-1);
      if (members.numel() > 0) centroids[c] = points.index_select(0, members).mean(0);
    }
  }
  return labels;
}

}  // namespace diffbio::ops

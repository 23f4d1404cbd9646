#pragma once
// Checking autograd against central finite differences (double precision) in the tests of differentiable code.
#include <ATen/ATen.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace diffbio::test {

struct GradientCheck {
  double relativeError = 0;    // largest |autograd - central difference|, relative to the largest |autograd|
  double largestGradient = 0;  // so a test can insist the gradient is not trivially zero
};

// `parameter` must require gradients; `loss` recomputes the scalar loss from the current parameter values.
inline GradientCheck gradientError(const at::Tensor& parameter, const std::function<at::Tensor()>& loss) {
  if (parameter.grad().defined()) parameter.mutable_grad().zero_();
  loss().backward();
  const at::Tensor analytic = parameter.grad().clone().view(-1);
  const double h = 1e-5;
  at::Tensor flat = parameter.view(-1);
  double maxError = 0;
  const double maxGrad = analytic.abs().max().item<double>();
  torch::NoGradGuard noGrad;
  for (std::int64_t i = 0; i < flat.numel(); ++i) {
    const double original = flat[i].item<double>();
    flat[i] = original + h;
    const double up = loss().item<double>();
    flat[i] = original - h;
    const double down = loss().item<double>();
    flat[i] = original;
    maxError = std::max(maxError, std::abs((up - down) / (2 * h) - analytic[i].item<double>()));
  }
  return {maxError / maxGrad, maxGrad};
}

}  // namespace diffbio::test

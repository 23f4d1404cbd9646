#pragma once
// Fused loops for the parts of the preprocessing stages that LibTorch would run as many small passes over large
// tensors (profiled in bench/reads_bench: 13 strided adds for the adapter matches, an N*L x 35 unfolded copy for the
// error corrector's convolution, two reductions over a last dimension of 4 for the base codes). Each computes the
// same function as the tensor expression it replaces, in float (sums may be ordered differently: float rounding),
// and is used only where no gradient flows through it (preprocessing_modules.cpp decides).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace diffbio::ops::kernels {

// Base codes 0..3 (A, C, G, T; the first of equal maxima, as argmax) and 4 where the strongest channel is <= 0 or
// the mask is <= 0. oneHot N x L x 4 float, mask N x L float; returns N x L uint8.
at::Tensor baseCodes(const at::Tensor& oneHot, const at::Tensor& mask);

// matches[i][p] = sum over k < min(A, L - p) of oneHot[i][p + k][adapter[k]] (adapter code 4 = N: the sum of the
// four channels), added in the order k = 0, 1, ...; oneHot N x L x 4 float; returns N x L float.
at::Tensor adapterMatches(const at::Tensor& oneHot, const std::vector<std::int64_t>& adapterBases);

// The error corrector's logits before the softmax: log(oneHot (1 - smoothing) + smoothing / 4) + W2 relu(conv(features,
// W1) + b1) + b2, with features the four base channels and phred / 40, zero-padded by (K - 1) / 2 on each side.
// W1 hidden x 5 x K, b1 hidden, W2 4 x hidden, b2 4 (any floating type, used as float); oneHot N x L x 4, phred N x L
// float; returns 4 x N x L float (channel planes: a softmax over the first dimension runs vectorised along the planes,
// while one over a last dimension of 4 costs several times more).
at::Tensor correctionLogits(const at::Tensor& oneHot, const at::Tensor& phred, const at::Tensor& w1,
                            const at::Tensor& b1, const at::Tensor& w2, const at::Tensor& b2, double smoothing);

}  // namespace diffbio::ops::kernels

#include "core/ops/preprocessing/preprocessing_kernels.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace diffbio::ops::kernels {

namespace {

// Reads per parallel task: enough work per task to amortise the dispatch, few enough to share between threads.
constexpr std::int64_t kGrain = 64;

at::Tensor floatContiguous(const at::Tensor& t) { return t.detach().to(at::kFloat).contiguous(); }

}  // namespace

at::Tensor baseCodes(const at::Tensor& oneHot, const at::Tensor& mask) {
  const at::Tensor x = floatContiguous(oneHot), m = floatContiguous(mask);
  const std::int64_t n = x.size(0), length = x.size(1);
  at::Tensor codes = at::empty({n, length}, at::kByte);
  const float* px = x.data_ptr<float>();
  const float* pm = m.data_ptr<float>();
  std::uint8_t* pc = codes.data_ptr<std::uint8_t>();
  at::parallel_for(0, n * length, kGrain * length, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      const float* v = px + 4 * j;
      std::uint8_t best = 0;
      for (std::uint8_t c = 1; c < 4; ++c)
        if (v[c] > v[best]) best = c;
      pc[j] = (v[best] <= 0 || pm[j] <= 0) ? 4 : best;
    }
  });
  return codes;
}

at::Tensor adapterMatches(const at::Tensor& oneHot, const std::vector<std::int64_t>& adapterBases) {
  const at::Tensor x = floatContiguous(oneHot);
  const std::int64_t n = x.size(0), length = x.size(1);
  const auto adapterLength = static_cast<std::int64_t>(adapterBases.size());
  at::Tensor matches = at::empty({n, length}, at::kFloat);
  const float* px = x.data_ptr<float>();
  float* pm = matches.data_ptr<float>();
  at::parallel_for(0, n, kGrain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const float* read = px + i * length * 4;
      float* out = pm + i * length;
      for (std::int64_t p = 0; p < length; ++p) {
        const std::int64_t span = std::min(adapterLength, length - p);
        const float* base = read + 4 * p;
        float sum = 0;
        for (std::int64_t k = 0; k < span; ++k) {
          const std::int64_t a = adapterBases[static_cast<std::size_t>(k)];
          const float* v = base + 4 * k;
          sum += a < 4 ? v[a] : (v[0] + v[1]) + (v[2] + v[3]);  // the tensor version's window.sum(2), pairwise
        }
        out[p] = sum;
      }
    }
  });
  return matches;
}

namespace {

struct CorrectionArgs {
  const float* oneHot;   // N x L x 4
  const float* phred;    // N x L
  const float* weights;  // K x 5 x hidden ([k][c][h])
  const float* bias;     // hidden
  const float* outWeights;  // hidden x 4 (transposed: each hidden unit adds to the four outputs at once)
  const float* outBias;     // 4
  float* logits;         // 4 x N x L: channel planes, so the softmax over channels runs along contiguous planes
  std::int64_t plane;    // N x L
  std::int64_t length, hidden, kernel, pad;
  float keep, spread;    // the prior's 1 - smoothing and smoothing / 4
};

constexpr std::int64_t kMaxHidden = 256;

// kFixed > 0: the hidden width as a compile-time constant (the loops over hidden units unroll into registers);
// 0: the width given at run time.
template <std::int64_t kFixed>
__attribute__((always_inline)) inline void correctReads(const CorrectionArgs& a, std::int64_t begin,
                                                        std::int64_t end) {
  const std::int64_t hidden = kFixed > 0 ? kFixed : a.hidden;
  const std::int64_t length = a.length;
  std::vector<float> scaled(static_cast<std::size_t>(length));
  std::vector<int> hot(static_cast<std::size_t>(length));
  const float priorHot = std::log(1.0f * a.keep + a.spread), priorCold = std::log(0.0f * a.keep + a.spread);
  float h[kFixed > 0 ? kFixed : kMaxHidden];
  for (std::int64_t i = begin; i < end; ++i) {
    const float* read = a.oneHot + i * length * 4;
    const float* quality = a.phred + i * length;
    // Per position: the channel of an exact one-hot base (its only non-zero, equal to 1), or -1 for anything else
    // (N, padding, soft probabilities), which takes the general path.
    for (std::int64_t l = 0; l < length; ++l) {
      scaled[static_cast<std::size_t>(l)] = quality[l] / 40.0f;
      const float* v = read + 4 * l;
      int channel = -1, nonZero = 0;
      for (int c = 0; c < 4; ++c)
        if (v[c] != 0) {
          ++nonZero;
          channel = c;
        }
      hot[static_cast<std::size_t>(l)] = (nonZero == 1 && v[channel] == 1.0f) ? channel : -1;
    }
    for (std::int64_t l = 0; l < length; ++l) {
      for (std::int64_t u = 0; u < hidden; ++u) h[u] = a.bias[u];
      const std::int64_t first = std::max<std::int64_t>(0, a.pad - l), last = std::min(a.kernel, length - l + a.pad);
      for (std::int64_t k = first; k < last; ++k) {
        const std::int64_t at = l + k - a.pad;
        const float* w = a.weights + k * 5 * hidden;
        const int channel = hot[static_cast<std::size_t>(at)];
        if (channel >= 0) {  // 1 x w: exactly what the general path adds, with the zero channels skipped
          const float* wc = w + channel * hidden;
          for (std::int64_t u = 0; u < hidden; ++u) h[u] += wc[u];
        } else {
          for (std::int64_t c = 0; c < 4; ++c) {
            const float f = read[4 * at + c];
            if (f != 0)
              for (std::int64_t u = 0; u < hidden; ++u) h[u] += f * w[c * hidden + u];
          }
        }
        const float f = scaled[static_cast<std::size_t>(at)];
        const float* wq = w + 4 * hidden;
        for (std::int64_t u = 0; u < hidden; ++u) h[u] += f * wq[u];
      }
      for (std::int64_t u = 0; u < hidden; ++u) h[u] = std::max(h[u], 0.0f);
      float* out = a.logits + i * length + l;
      const int channel = hot[static_cast<std::size_t>(l)];
      float sums[4] = {a.outBias[0], a.outBias[1], a.outBias[2], a.outBias[3]};
      for (std::int64_t u = 0; u < hidden; ++u)
        for (int b = 0; b < 4; ++b) sums[b] += h[u] * a.outWeights[u * 4 + b];
      for (int b = 0; b < 4; ++b) {
        const float prior = channel >= 0 ? (b == channel ? priorHot : priorCold)
                                         : std::log(read[4 * l + b] * a.keep + a.spread);
        out[b * a.plane] = prior + sums[b];
      }
    }
  }
}

// Compiled twice, for x86-64-v3 (AVX2, FMA) and for the baseline x86-64 the project builds for, and chosen at load
// time by the CPU (GCC's target_clones): with AVX2 the eight hidden units of the default corrector fit one register
// (bench/reads_bench: the stage's CPU time 0.94 -> 0.78 s). FMA rounds once where the baseline rounds twice.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void correctChunk(const CorrectionArgs& a,
                                                                            std::int64_t begin, std::int64_t end) {
  switch (a.hidden) {
    case 4: correctReads<4>(a, begin, end); break;
    case 8: correctReads<8>(a, begin, end); break;
    case 16: correctReads<16>(a, begin, end); break;
    default: correctReads<0>(a, begin, end);
  }
}

}  // namespace

at::Tensor correctionLogits(const at::Tensor& oneHot, const at::Tensor& phred, const at::Tensor& w1,
                            const at::Tensor& b1, const at::Tensor& w2, const at::Tensor& b2, double smoothing) {
  const at::Tensor x = floatContiguous(oneHot), q = floatContiguous(phred);
  const std::int64_t n = x.size(0), length = x.size(1);
  const std::int64_t hidden = w1.size(0), kernel = w1.size(2);
  if (w1.size(1) != 5 || w2.size(0) != 4 || w2.size(1) != hidden || hidden > kMaxHidden)
    throw std::invalid_argument("correctionLogits: weights of the wrong shape");
  // W1 as [k][c][h]: the inner loop runs over the hidden units of one (offset, channel) pair.
  const at::Tensor weights = floatContiguous(w1).permute({2, 1, 0}).contiguous();
  const at::Tensor bias = floatContiguous(b1), outWeights = floatContiguous(w2).reshape({4, hidden}).t().contiguous(), outBias = floatContiguous(b2);
  at::Tensor logits = at::empty({4, n, length}, at::kFloat);
  const CorrectionArgs args{x.data_ptr<float>(),
                            q.data_ptr<float>(),
                            weights.data_ptr<float>(),
                            bias.data_ptr<float>(),
                            outWeights.data_ptr<float>(),
                            outBias.data_ptr<float>(),
                            logits.data_ptr<float>(),
                            n * length,
                            length,
                            hidden,
                            kernel,
                            (kernel - 1) / 2,
                            static_cast<float>(1 - smoothing),
                            static_cast<float>(smoothing / 4)};
  at::parallel_for(0, n, kGrain, [&](std::int64_t begin, std::int64_t end) { correctChunk(args, begin, end); });
  return logits;
}

}  // namespace diffbio::ops::kernels

#include "core/ops/preprocessing/preprocessing_modules.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>
#include <torch/nn/functional/activation.h>

#include <cmath>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ops/preprocessing/preprocessing_kernels.h"

namespace diffbio::ops {

namespace {

at::Tensor scalarParameter(torch::nn::Module& module, const std::string& name, double value, bool learnable) {
  return module.register_parameter(name, at::tensor(value, at::kDouble), learnable);
}

// A key per read: its first `prefix` codes (all of them when prefix <= 0), up to its length; views into `codes`
// (N x L uint8, kept alive by the caller), so no read is copied.
std::vector<std::string_view> readKeys(const at::Tensor& codes, const at::Tensor& mask, int prefix) {
  const std::int64_t n = codes.size(0), length = codes.size(1);
  const at::Tensor lengths = mask.sum(1).round().to(at::kLong).contiguous();
  const auto* c = codes.data_ptr<std::uint8_t>();
  const auto* len = lengths.data_ptr<std::int64_t>();
  std::vector<std::string_view> keys(n);
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t take = std::min(len[i], length);
    if (prefix > 0) take = std::min<std::int64_t>(take, prefix);
    keys[i] = std::string_view(reinterpret_cast<const char*>(c + i * length), static_cast<std::size_t>(take));
  }
  return keys;
}

// The fused float loops of preprocessing_kernels.h replace tensor expressions only where no gradient has to flow
// through them: float inputs, and either gradients off or nothing involved that requires one.
bool fusedInference(const at::Tensor& input, std::initializer_list<at::Tensor> others = {}) {
  if (input.scalar_type() != at::kFloat) return false;
  if (!at::GradMode::is_enabled()) return true;
  if (input.requires_grad()) return false;
  for (const auto& t : others)
    if (t.requires_grad()) return false;
  return true;
}

}  // namespace

// ---- quality filter ---------------------------------------------------------------------------------------------

QualityFilterImpl::QualityFilterImpl(double threshold, double temperature, bool learnTemperature) {
  if (!(temperature > 0)) throw std::invalid_argument("the quality filter's temperature must be positive");
  threshold_ = scalarParameter(*this, "threshold", threshold, true);
  temperature_ = scalarParameter(*this, "temperature", temperature, learnTemperature);
}

at::Tensor QualityFilterImpl::forward(const at::Tensor& phred, const at::Tensor& mask) {
  // The parameters are double; the arithmetic follows the input's type (float for whole files, double in tests).
  const auto type = phred.scalar_type();
  return at::sigmoid((phred - threshold_.to(type)) / temperature_.to(type)) * mask;
}

// ---- adapter removal --------------------------------------------------------------------------------------------

AdapterRemovalImpl::AdapterRemovalImpl(const std::string& adapter, double matchThreshold, double temperature,
                                       int minOverlap)
    : adapterLength_(static_cast<std::int64_t>(adapter.size())), minOverlap_(minOverlap) {
  if (adapter.empty()) throw std::invalid_argument("the adapter sequence is empty");
  if (!(temperature > 0)) throw std::invalid_argument("the adapter removal's temperature must be positive");
  if (minOverlap < 1) throw std::invalid_argument("the minimum overlap must be at least 1");
  at::Tensor filter = at::zeros({1, 4, adapterLength_}, at::kFloat);
  for (std::int64_t k = 0; k < adapterLength_; ++k) {
    switch (adapter[static_cast<std::size_t>(k)]) {
      case 'A': case 'a': filter[0][0][k] = 1; adapterBases_.push_back(0); break;
      case 'C': case 'c': filter[0][1][k] = 1; adapterBases_.push_back(1); break;
      case 'G': case 'g': filter[0][2][k] = 1; adapterBases_.push_back(2); break;
      case 'T': case 't': case 'U': case 'u': filter[0][3][k] = 1; adapterBases_.push_back(3); break;
      case 'N': case 'n': filter.select(2, k).fill_(1); adapterBases_.push_back(4); break;
      default: throw std::invalid_argument(std::string("the adapter contains '") + adapter[k] + "'; use A, C, G, T or N");
    }
  }
  adapter_ = register_buffer("adapter", filter);
  matchThreshold_ = scalarParameter(*this, "match_threshold", matchThreshold, true);
  temperature_ = scalarParameter(*this, "temperature", temperature, false);
}

AdapterRemovalOutput AdapterRemovalImpl::forward(const at::Tensor& oneHot, const at::Tensor& mask) {
  const std::int64_t n = oneHot.size(0), length = oneHot.size(1);
  // matches[i][p] = sum over k of <oneHot[i][p + k], adapter[k]>. Without gradients in the bases: one fused pass
  // (kernels::adapterMatches); with them, one shifted add per adapter base (a correlation; much faster than conv1d
  // with a single output channel).
  at::Tensor matches;
  if (fusedInference(oneHot)) {
    matches = kernels::adapterMatches(oneHot, adapterBases_);
  } else {
    matches = at::zeros({n, length}, oneHot.options());
    for (std::int64_t k = 0; k < std::min(adapterLength_, length); ++k) {
      const at::Tensor window = oneHot.narrow(1, k, length - k);  // N x (L - k) x 4
      const auto base = adapterBases_[static_cast<std::size_t>(k)];
      matches.narrow(1, 0, length - k).add_(base < 4 ? window.select(2, base) : window.sum(2));  // N: any base
    }
  }
  const at::Tensor lengths = mask.sum(1, true);
  const at::Tensor position = at::arange(length, mask.options()).unsqueeze(0);
  const at::Tensor overlap = at::clamp(lengths - position, 0, static_cast<double>(adapterLength_));
  const at::Tensor valid = overlap >= static_cast<double>(minOverlap_);
  AdapterRemovalOutput out;
  out.matchFraction = at::where(valid, matches / overlap.clamp_min(1), at::zeros_like(matches));
  const auto type = oneHot.scalar_type();
  const at::Tensor logits =
      ((out.matchFraction - matchThreshold_.to(type)) / temperature_.to(type)).masked_fill(~valid, -1e4);
  const at::Tensor all = at::cat({logits, at::zeros({n, 1}, logits.options())}, 1);
  out.trimProbability = at::softmax(all, 1);
  const at::Tensor cutBefore = at::cumsum(out.trimProbability.narrow(1, 0, length), 1);
  out.retained = (1 - cutBefore).clamp_min(0) * mask;
  out.adapterProbability = 1 - out.trimProbability.select(1, length);
  return out;
}

// ---- duplicate weighting ----------------------------------------------------------------------------------------

DuplicateWeightingImpl::DuplicateWeightingImpl(Mode mode, double similarityThreshold, double temperature, int prefix,
                                               std::int64_t maxGroup)
    : mode_(mode), prefix_(prefix), maxGroup_(maxGroup) {
  if (!(temperature > 0)) throw std::invalid_argument("the duplicate weighting's temperature must be positive");
  if (maxGroup < 2) throw std::invalid_argument("groups must allow at least two reads");
  similarityThreshold_ = scalarParameter(*this, "similarity_threshold", similarityThreshold, mode == Mode::Soft);
  temperature_ = scalarParameter(*this, "temperature", temperature, false);
}

at::Tensor DuplicateWeightingImpl::multiplicity(const at::Tensor& oneHot, const at::Tensor& mask) {
  const std::int64_t n = oneHot.size(0);
  const at::Tensor codes = kernels::baseCodes(oneHot, mask);
  if (mode_ == Mode::Exact) {
    const std::vector<std::string_view> keys = readKeys(codes, mask, 0);
    std::unordered_map<std::string_view, std::int64_t> counts;
    counts.reserve(keys.size());
    for (const auto& key : keys) ++counts[key];
    at::Tensor result = at::empty({n}, oneHot.options());
    auto r = result.accessor<float, 1>();
    for (std::int64_t i = 0; i < n; ++i) r[i] = static_cast<float>(counts[keys[i]]);
    return result;
  }
  // Soft: only reads that share their first `prefix_` bases are compared (a duplicate shares them too, unless a
  // sequencing error falls there); within a group, similarity = identical positions / the longer length.
  const std::vector<std::string_view> keys = readKeys(codes, mask, prefix_);
  std::unordered_map<std::string_view, std::vector<std::int64_t>> groups;
  for (std::int64_t i = 0; i < n; ++i) groups[keys[i]].push_back(i);
  const at::Tensor flat = oneHot.reshape({n, -1});
  const at::Tensor lengths = mask.sum(1);
  at::Tensor result = at::ones({n}, oneHot.options().dtype(at::promote_types(oneHot.scalar_type(), at::kFloat)));
  std::vector<at::Tensor> indexList, valueList;
  for (const auto& [key, members] : groups) {
    if (members.size() < 2) continue;
    for (std::size_t start = 0; start < members.size(); start += static_cast<std::size_t>(maxGroup_)) {
      const std::size_t end = std::min(members.size(), start + static_cast<std::size_t>(maxGroup_));
      if (end - start < 2) continue;
      const at::Tensor index = at::tensor(std::vector<std::int64_t>(members.begin() + start, members.begin() + end));
      const at::Tensor x = flat.index_select(0, index);
      const at::Tensor identical = at::matmul(x, x.t());
      const at::Tensor len = lengths.index_select(0, index);
      const at::Tensor longer = at::maximum(len.unsqueeze(0), len.unsqueeze(1)).clamp_min(1);
      const auto type = x.scalar_type();
      const at::Tensor similar =
          at::sigmoid((identical / longer - similarityThreshold_.to(type)) / temperature_.to(type));
      const at::Tensor others = 1 - at::eye(x.size(0), similar.options());
      indexList.push_back(index);
      valueList.push_back(1 + (similar * others).sum(1));
    }
  }
  if (!indexList.empty())
    result = result.index_put({at::cat(indexList)}, at::cat(valueList).to(result.scalar_type()));
  return result;
}

at::Tensor DuplicateWeightingImpl::forward(const at::Tensor& oneHot, const at::Tensor& mask) {
  return 1 / multiplicity(oneHot, mask);
}

// ---- error correction -------------------------------------------------------------------------------------------

ErrorCorrectionImpl::ErrorCorrectionImpl(int context, int hidden, std::uint64_t seed) {
  if (context < 0 || hidden < 1) throw std::invalid_argument("the error corrector needs context >= 0, hidden >= 1");
  context_ = register_module(
      "context", torch::nn::Conv1d(torch::nn::Conv1dOptions(5, hidden, 2 * context + 1).padding(context)));
  output_ = register_module("output", torch::nn::Conv1d(torch::nn::Conv1dOptions(hidden, 4, 1)));
  torch::NoGradGuard noGrad;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double bound = 1.0 / std::sqrt(5.0 * (2 * context + 1));
  context_->weight.uniform_(-bound, bound, generator);
  context_->bias.uniform_(-bound, bound, generator);
  output_->weight.zero_();  // an untrained corrector changes nothing
  output_->bias.zero_();
}

at::Tensor ErrorCorrectionImpl::forward(const at::Tensor& oneHot, const at::Tensor& phred, const at::Tensor& mask) {
  constexpr double kSmoothing = 1e-3;
  if (fusedInference(oneHot, {phred, context_->weight, context_->bias, output_->weight, output_->bias})) {
    // One pass per read computing the logits (prior included): no unfolded copy, one-hot bases touch one channel.
    const at::Tensor logits = kernels::correctionLogits(oneHot, phred, context_->weight, context_->bias,
                                                        output_->weight, output_->bias, kSmoothing);
    return at::softmax(logits, 0).mul_(mask.unsqueeze(0)).permute({1, 2, 0});  // N x L x 4 (a strided view)
  }
  // With gradients: the convolution as one matrix product over unfolded windows (N*L x 5K times 5K x hidden), the
  // same function with the same weights.
  const auto type = oneHot.scalar_type();
  const std::int64_t n = oneHot.size(0), length = oneHot.size(1);
  const std::int64_t kernel = context_->weight.size(2), pad = (kernel - 1) / 2, hidden = context_->weight.size(0);
  const at::Tensor features = at::cat({oneHot, (phred / 40.0).unsqueeze(-1)}, -1);            // N x L x 5
  const at::Tensor padded = at::constant_pad_nd(features, {0, 0, pad, pad});                  // N x (L + 2 pad) x 5
  const at::Tensor windows = padded.unfold(1, kernel, 1).reshape({n * length, 5 * kernel});  // [c][k] order
  const at::Tensor weight = context_->weight.to(type).reshape({hidden, 5 * kernel});
  const at::Tensor hiddenUnits = at::relu(at::addmm(context_->bias.to(type), windows, weight.t()));
  const at::Tensor delta =
      at::addmm(output_->bias.to(type), hiddenUnits, output_->weight.to(type).reshape({4, hidden}).t())
          .reshape({n, length, 4});
  const at::Tensor prior = at::log(oneHot * (1 - kSmoothing) + kSmoothing / 4);
  return at::softmax(prior + delta, -1) * mask.unsqueeze(-1);
}

}  // namespace diffbio::ops

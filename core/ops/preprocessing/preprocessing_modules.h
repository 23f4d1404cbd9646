#pragma once
// The four differentiable stages of seed 003 as LibTorch modules. Each is a relaxation of a hard step with a
// temperature: as it goes to zero, the soft step becomes the hard one.
//
//   QualityFilter      weight = sigmoid((Q - threshold) / T) per base; threshold learnable (temperature optionally).
//   AdapterRemoval     a position-wise match score of the adapter against the read from every start position
//                      (matches / overlap, so partial adapters at the 3' end count), a soft trim position (softmax
//                      over the start positions plus a "no adapter" choice with logit 0), retained weight of a base =
//                      probability that the cut lies after it; read-level adapter probability =
//                      sigmoid(logsumexp of the logits). The match threshold is learnable.
//   DuplicateWeighting a weight per read = 1 / estimated multiplicity: exact (hash of the bases) or soft (a sigmoid of
//                      the fraction of identical positions against a learnable similarity threshold, summed over the
//                      reads that share the first `prefix` bases).
//   ErrorCorrection    a small convolutional network over the k-mer context (bases and qualities) that outputs
//                      corrected base probabilities; its last layer starts at zero, so an untrained corrector returns
//                      the input (N becomes uniform).
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>

#include <cstdint>
#include <string>
#include <vector>

namespace diffbio::ops {

class QualityFilterImpl : public torch::nn::Module {
 public:
  QualityFilterImpl(double threshold, double temperature, bool learnTemperature = false);
  // phred, mask: N x L (any floating type); returns N x L weights (0 at padding).
  at::Tensor forward(const at::Tensor& phred, const at::Tensor& mask);
  at::Tensor threshold() const { return threshold_; }
  at::Tensor temperature() const { return temperature_; }

 private:
  at::Tensor threshold_;
  at::Tensor temperature_;
};
TORCH_MODULE(QualityFilter);

struct AdapterRemovalOutput {
  at::Tensor matchFraction;       // N x L: matching adapter bases / overlap, from each start position (0 if invalid)
  at::Tensor trimProbability;     // N x (L + 1): where the read is cut; the last column is "no adapter"
  at::Tensor retained;            // N x L: probability that each base is kept
  at::Tensor adapterProbability;  // N
};

class AdapterRemovalImpl : public torch::nn::Module {
 public:
  // `adapter` in A, C, G, T (N = any base); minOverlap: start positions with fewer adapter bases inside the read
  // are not considered (as cutadapt's minimum overlap).
  AdapterRemovalImpl(const std::string& adapter, double matchThreshold, double temperature, int minOverlap = 3);
  AdapterRemovalOutput forward(const at::Tensor& oneHot, const at::Tensor& mask);
  at::Tensor matchThreshold() const { return matchThreshold_; }

 private:
  at::Tensor adapter_;                 // 1 x 4 x A one-hot of the adapter (a buffer: saved with the module)
  std::vector<std::int64_t> adapterBases_;  // 0..3 = A, C, G, T; 4 = N
  at::Tensor matchThreshold_;
  at::Tensor temperature_;
  std::int64_t adapterLength_;
  int minOverlap_;
};
TORCH_MODULE(AdapterRemoval);

class DuplicateWeightingImpl : public torch::nn::Module {
 public:
  enum class Mode { Exact, Soft };
  DuplicateWeightingImpl(Mode mode, double similarityThreshold, double temperature, int prefix = 12,
                         std::int64_t maxGroup = 2048);
  // Returns N read weights (1 / multiplicity).
  at::Tensor forward(const at::Tensor& oneHot, const at::Tensor& mask);
  // The estimated number of copies of each read (before inversion).
  at::Tensor multiplicity(const at::Tensor& oneHot, const at::Tensor& mask);
  at::Tensor similarityThreshold() const { return similarityThreshold_; }

 private:
  Mode mode_;
  at::Tensor similarityThreshold_;
  at::Tensor temperature_;
  int prefix_;
  std::int64_t maxGroup_;
};
TORCH_MODULE(DuplicateWeighting);

class ErrorCorrectionImpl : public torch::nn::Module {
 public:
  // context: bases on each side (window 2 x context + 1); hidden: channels of the hidden layer.
  ErrorCorrectionImpl(int context, int hidden, std::uint64_t seed);
  // oneHot N x L x 4, phred and mask N x L; returns N x L x 4 base probabilities (0 at padding). Without gradients
  // (preprocessing_kernels.h) the result is a strided view of 4 x N x L channel planes: use .contiguous() for view().
  at::Tensor forward(const at::Tensor& oneHot, const at::Tensor& phred, const at::Tensor& mask);

 private:
  torch::nn::Conv1d context_{nullptr};
  torch::nn::Conv1d output_{nullptr};
};
TORCH_MODULE(ErrorCorrection);

}  // namespace diffbio::ops

// Seed 003's differentiable read preprocessing as pipeline nodes: quality filter -> adapter removal -> duplicate
// weighting -> error correction, each with an `enabled` flag (a disabled stage passes its input through unchanged).
// The nodes run the relaxed stages forward without gradients; training nodes (train.quality_threshold) rebuild
// the stage they learn with gradients. Reads are processed in chunks so the memory of intermediate tensors stays
// bounded; the Reads value itself holds the loaded reads (load_fastq caps how many).
#include "core/ops/preprocessing/preprocessing_operators.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "core/data/table.h"
#include "core/io/fastq.h"
#include "core/ops/preprocessing/preprocessing_modules.h"
#include "core/ops/preprocessing/read_tensors.h"
#include "core/ops/registry.h"
#include "core/reads/adapter_aligner.h"
#include "core/util/error.h"

namespace diffbio::ops {

namespace {

constexpr const char* kCategory = "Read preprocessing";
constexpr std::int64_t kChunk = 8192;  // reads per chunk inside a stage

// Functions, not namespace-scope constants: the registry may be filled during another file's static initialisation
// (an OperatorRegistration), before constants defined here would be constructed.
PortSpec readsIn() { return {"reads", PortType::Reads, true, "reads with their base and read weights"}; }
PortSpec readsOut() { return {"reads", PortType::Reads, true, "the same reads with this stage's weights applied"}; }

// Applies `stage` to consecutive chunks of reads and concatenates the results along the first dimension.
template <class Stage>
at::Tensor chunked(std::int64_t reads, RunContext& context, Stage&& stage) {
  std::vector<at::Tensor> parts;
  for (std::int64_t start = 0; start < reads; start += kChunk) {
    context.checkCancelled();
    parts.push_back(stage(start, std::min(kChunk, reads - start)));
    context.progress(static_cast<double>(start + kChunk) / static_cast<double>(reads));
  }
  return parts.empty() ? at::Tensor() : at::cat(parts, 0);
}

class LoadFastqOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs&, const ParameterValues& p, RunContext& context) override {
    io::FastqReader reader(context.resolvePath(p.text("path")));
    data::ReadBatch batch;
    reader.next(batch, static_cast<std::size_t>(p.integer("max_reads")));
    if (batch.empty())
      throw InputError({reader.path()}, "the file holds no reads", "give a FASTQ file with at least one read");
    const std::int64_t length = p.integer("length");
    ReadTensors reads = readTensorsFromBatch(batch, length > 0 ? std::optional<std::int64_t>(length) : std::nullopt);
    return {{"reads", Value::make(PortType::Reads, std::move(reads))}};
  }
};

class SimulateSeedReadsOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs&, const ParameterValues& p, RunContext&) override {
    return {{"reads", Value::make(PortType::Reads, simulateSeedReads(p.integer("reads"), p.integer("length"),
                                                                     static_cast<std::uint64_t>(p.integer("seed"))))}};
  }
};

class QualityFilterOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    if (!p.flag("enabled")) return {{"reads", in.at("reads")}};
    const auto& source = in.get<ReadTensors>("reads");
    torch::NoGradGuard noGrad;
    QualityFilter filter(p.real("threshold"), p.real("temperature"));
    ReadTensors out = source;
    out.weightsBeforeQualityFilter = source.baseWeights;
    const at::Tensor weights = chunked(source.reads(), context, [&](std::int64_t start, std::int64_t count) {
      return filter->forward(source.phred.narrow(0, start, count), source.mask.narrow(0, start, count));
    });
    out.baseWeights = source.baseWeights * weights.to(source.baseWeights.scalar_type());
    return {{"reads", Value::make(PortType::Reads, std::move(out))}};
  }
};

class AdapterRemovalOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    if (!p.flag("enabled")) return {{"reads", in.at("reads")}};
    const auto& source = in.get<ReadTensors>("reads");
    std::string adapter;
    try {
      adapter = reads::parseAdapter(p.text("adapter")).sequence;
    } catch (const std::invalid_argument& error) {
      throw InputError({}, std::string("adapter: ") + error.what(), "give the adapter in A, C, G, T (N = any)");
    }
    for (const char c : adapter)
      if (c != 'A' && c != 'C' && c != 'G' && c != 'T' && c != 'N')
        throw InputError({}, std::string("the adapter contains '") + c + "'", "use A, C, G, T or N");
    torch::NoGradGuard noGrad;
    AdapterRemoval removal(adapter, p.real("match_threshold"), p.real("temperature"),
                           static_cast<int>(p.integer("min_overlap")));
    std::vector<at::Tensor> presence;
    const at::Tensor retained = chunked(source.reads(), context, [&](std::int64_t start, std::int64_t count) {
      AdapterRemovalOutput o = removal->forward(source.oneHot.narrow(0, start, count), source.mask.narrow(0, start, count));
      presence.push_back(o.adapterProbability);
      return o.retained;
    });
    ReadTensors out = source;
    out.baseWeights = source.baseWeights * retained.to(source.baseWeights.scalar_type());
    out.adapterProbability = presence.empty() ? at::zeros({0}) : at::cat(presence, 0);
    return {{"reads", Value::make(PortType::Reads, std::move(out))}};
  }
};

class DuplicateWeightingOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    if (!p.flag("enabled")) return {{"reads", in.at("reads")}};
    const auto& source = in.get<ReadTensors>("reads");
    context.checkCancelled();
    torch::NoGradGuard noGrad;
    const auto mode = p.text("mode") == "soft" ? DuplicateWeightingImpl::Mode::Soft : DuplicateWeightingImpl::Mode::Exact;
    DuplicateWeighting weighting(mode, p.real("similarity_threshold"), p.real("temperature"),
                                 static_cast<int>(p.integer("prefix")));
    ReadTensors out = source;
    out.readWeights = source.readWeights * weighting->forward(source.oneHot, source.mask).to(at::kFloat);
    return {{"reads", Value::make(PortType::Reads, std::move(out))}};
  }
};

class ErrorCorrectionOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    if (!p.flag("enabled")) return {{"reads", in.at("reads")}};
    const auto& source = in.get<ReadTensors>("reads");
    torch::NoGradGuard noGrad;
    ErrorCorrection corrector(static_cast<int>(p.integer("context")), static_cast<int>(p.integer("hidden")),
                              static_cast<std::uint64_t>(p.integer("seed")));
    ReadTensors out = source;
    out.oneHot = chunked(source.reads(), context, [&](std::int64_t start, std::int64_t count) {
      return corrector->forward(source.oneHot.narrow(0, start, count), source.phred.narrow(0, start, count),
                                source.mask.narrow(0, start, count));
    });
    return {{"reads", Value::make(PortType::Reads, std::move(out))}};
  }
};

std::vector<double> doubles(const at::Tensor& tensor) {
  const at::Tensor t = tensor.detach().to(at::kDouble).contiguous();
  return std::vector<double>(t.data_ptr<double>(), t.data_ptr<double>() + t.numel());
}

// Per read: length, retained bases (sum of base weights), mean base weight, read weight, mean quality, adapter
// probability (when searched).
class SummaryOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues&, RunContext&) override {
    const auto& reads = in.get<ReadTensors>("reads");
    const std::int64_t n = reads.reads();
    std::vector<std::string> names = reads.names;
    if (static_cast<std::int64_t>(names.size()) != n) {
      names.clear();
      for (std::int64_t i = 0; i < n; ++i) names.push_back("read" + std::to_string(i + 1));
    }
    const at::Tensor lengths = reads.mask.sum(1);
    const at::Tensor retained = (reads.oneHot.sum(-1) * reads.baseWeights).sum(1);  // = preprocessed().sum(-1).sum(1)
    data::Table table(std::move(names));
    table.indexName = "read";
    table.addColumn(data::Column("length", doubles(lengths)));
    table.addColumn(data::Column("retained_bases", doubles(retained)));
    table.addColumn(data::Column("retention", doubles(retained / lengths.clamp_min(1))));
    table.addColumn(data::Column("read_weight", doubles(reads.readWeights)));
    table.addColumn(data::Column("mean_quality", doubles((reads.phred * reads.mask).sum(1) / lengths.clamp_min(1))));
    if (reads.adapterProbability.defined() && reads.adapterProbability.numel() == n)
      table.addColumn(data::Column("adapter_probability", doubles(reads.adapterProbability)));
    return {{"table", Value::make(PortType::Table, std::move(table))}};
  }
};

ParameterSpec enabledParameter(bool on) { return boolParameter("enabled", on, "run this stage (off: pass through)"); }

}  // namespace

void registerPreprocessingOperators(Registry& r) {
  r.registerOperator(
      {"reads.load_fastq", "Load reads", kCategory,
       "Reads up to max_reads reads of a FASTQ file (plain or gzip) into tensors: one-hot bases, Phred scores and "
       "a length mask, padded to the longest read or cut/padded to a fixed length. For whole files, the exact "
       "trimmer (`diffbio reads trim`) streams at constant memory.",
       {},
       {{"reads", PortType::Reads, true, "the reads as tensors"}},
       {inputPathParameter("path", "the FASTQ file"),
        intParameter("max_reads", 100000, "read at most this many reads").range(1, 10000000),
        intParameter("length", 0, "fixed read length (0: the longest read)").range(0, 100000)}},
      [] { return std::make_unique<LoadFastqOp>(); });
  r.registerOperator(
      {"reads.simulate_seed", "Simulated reads (seed 003)", "Simulation",
       "The synthetic reads of seed 003: random bases, Phred 35 falling to 20 along the read with per-read "
       "(sd 3) and per-position (sd 5) noise, clipped to [2, 41]. Reproducible from the seed.",
       {},
       {{"reads", PortType::Reads, true, "the reads as tensors"}},
       {intParameter("reads", 100, "number of reads").range(1, 10000000),
        intParameter("length", 50, "read length").range(1, 100000),
        intParameter("seed", 42, "random seed").atLeast(0)}},
      [] { return std::make_unique<SimulateSeedReadsOp>(); });
  r.registerOperator(
      {"reads.quality_filter", "Quality filter (soft)", kCategory,
       "Soft masking of low-quality bases: each base is weighted by sigmoid((Q - threshold) / temperature), a "
       "differentiable relaxation of a hard quality cutoff; the threshold is learnable (train.quality_threshold).",
       {readsIn()},
       {readsOut()},
       {enabledParameter(true), floatParameter("threshold", 20.0, "Phred score at which a base keeps half its weight")
                                    .range(0, 60),
        floatParameter("temperature", 1.0, "width of the soft step in Phred units").range(1e-3, 100).logarithmic()}},
      [] { return std::make_unique<QualityFilterOp>(); });
  r.registerOperator(
      {"reads.adapter_removal", "Adapter removal (soft)", kCategory,
       "Soft 3' adapter trimming: the fraction of adapter bases matching from every start position (partial "
       "adapters at the read end included), a softmax over start positions and 'no adapter' as the soft trim "
       "position, and each base weighted by the probability that the cut lies after it. The match threshold is "
       "learnable.",
       {readsIn()},
       {readsOut()},
       {enabledParameter(true), stringParameter("adapter", "AGATCGGAAGAGC", "3' adapter (A, C, G, T; N = any)"),
        floatParameter("match_threshold", 0.9, "fraction of matching bases at which a start position counts half")
            .range(0, 1),
        floatParameter("temperature", 0.02, "width of the soft step in match-fraction units").range(1e-4, 10).logarithmic(),
        intParameter("min_overlap", 3, "ignore start positions with fewer adapter bases inside the read").range(1, 1000)}},
      [] { return std::make_unique<AdapterRemovalOp>(); });
  r.registerOperator(
      {"reads.duplicate_weighting", "Duplicate weighting", kCategory,
       "Weights each read by 1 / its estimated number of copies: exact (identical bases) or soft (a sigmoid of the "
       "fraction of identical positions against a learnable similarity threshold, among reads that share their "
       "first `prefix` bases).",
       {readsIn()},
       {readsOut()},
       {enabledParameter(true), enumParameter("mode", {"exact", "soft"}, "exact", "how copies are counted"),
        floatParameter("similarity_threshold", 0.95, "soft: fraction of identical positions counted as a copy")
            .range(0, 1),
        floatParameter("temperature", 0.01, "soft: width of the similarity step").range(1e-4, 10).logarithmic(),
        intParameter("prefix", 12, "soft: compare reads that share this many first bases").range(1, 1000)}},
      [] { return std::make_unique<DuplicateWeightingOp>(); });
  r.registerOperator(
      {"reads.error_correction", "Error correction (neural)", kCategory,
       "A small convolutional network over each base's k-mer context (bases and qualities) that outputs corrected "
       "base probabilities. Untrained it returns the input (its output layer starts at zero); N becomes uniform.",
       {readsIn()},
       {readsOut()},
       {enabledParameter(false), intParameter("context", 3, "bases on each side of the corrected base").range(0, 50),
        intParameter("hidden", 8, "channels of the hidden layer").range(1, 256),
        intParameter("seed", 42, "seed of the initial weights").atLeast(0)}},
      [] { return std::make_unique<ErrorCorrectionOp>(); });
  r.registerOperator(
      {"reads.summary", "Read summary", kCategory,
       "One row per read: length, retained bases (sum of base weights), retention, read weight, mean quality and "
       "adapter probability (when adapters were searched).",
       {readsIn()},
       {{"table", PortType::Table, true, "one row per read"}},
       {}},
      [] { return std::make_unique<SummaryOp>(); });
  registerQualityThresholdTraining(r);
}

}  // namespace diffbio::ops

// Seed 003's differentiable read preprocessing as pipeline nodes: quality filter -> adapter removal -> duplicate
// weighting -> error correction, each with an `enabled` flag (a disabled stage passes its input through unchanged).
// The nodes run the relaxed stages forward without gradients; training nodes (train.quality_threshold) rebuild
// the stage they learn with gradients. Reads are processed in chunks so the memory of intermediate tensors stays
// bounded; the Reads value itself holds the loaded reads (load_fastq caps how many).
#include "core/ops/preprocessing/preprocessing_operators.h"

#include <ATen/ATen.h>
#include <omp.h>
#include <torch/utils.h>

#include "core/data/table.h"
#include "core/io/fastq.h"
#include "core/ops/preprocessing/preprocessing_modules.h"
#include "core/ops/preprocessing/read_simulation.h"
#include "core/ops/preprocessing/read_tensors.h"
#include "core/ops/registry.h"
#include "core/reads/adapter_aligner.h"
#include "core/util/error.h"

namespace diffbio::ops {

namespace {

constexpr const char* kCategory = "Read preprocessing";
// Reads per chunk inside a stage: small enough that a chunk's intermediate tensors stay in the cache (1,024 reads x
// 150 bases x 4 channels of float = 2.4 MB; bench/reads_bench measured 8,192 at several times the CPU time).
constexpr std::int64_t kChunk = 1024;

// The stages run their tensor work on one LibTorch thread (OpenMP's per-thread setting: this node's thread only, as
// the training nodes do for small problems). Their work is many short, memory-bound passes over cache-sized chunks:
// with two threads each pass is a parallel region whose waiting thread spins, and on the shared two-core machine
// bench/reads_bench measured the stages at 4.6x the CPU time and 7x the wall time of one thread.
class OneTensorThread {
 public:
  OneTensorThread() : saved_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~OneTensorThread() { omp_set_num_threads(saved_); }
  OneTensorThread(const OneTensorThread&) = delete;
  OneTensorThread& operator=(const OneTensorThread&) = delete;

 private:
  int saved_;
};

// Functions, not namespace-scope constants: the registry may be filled during another file's static initialisation
// (an OperatorRegistration), before constants defined here would be constructed.
PortSpec readsIn() { return {"reads", PortType::Reads, true, "reads with their base and read weights"}; }
PortSpec readsOut() { return {"reads", PortType::Reads, true, "the same reads with this stage's weights applied"}; }

// Applies `stage` to consecutive chunks of reads; each chunk's result (first dimension = the chunk's reads) is
// written into `target` (allocated here with `shape` and the first result's type), optionally multiplied by the same
// rows of `factor` (the base weights a stage multiplies) — no concatenation, no whole-size temporaries.
template <class Stage>
at::Tensor chunked(std::int64_t reads, at::IntArrayRef shape, const at::Tensor& factor, RunContext& context,
                   Stage&& stage) {
  at::Tensor target;
  for (std::int64_t start = 0; start < reads; start += kChunk) {
    context.checkCancelled();
    const std::int64_t count = std::min(kChunk, reads - start);
    const at::Tensor part = stage(start, count);
    if (!target.defined()) target = at::empty(shape, factor.defined() ? factor.options() : part.options());
    at::Tensor rows = target.narrow(0, start, count);
    if (factor.defined())
      at::mul_out(rows, factor.narrow(0, start, count), part);
    else
      rows.copy_(part);
    context.progress(static_cast<double>(start + count) / static_cast<double>(reads));
  }
  if (!target.defined()) target = at::empty(shape, factor.defined() ? factor.options() : at::TensorOptions(at::kFloat));
  return target;
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

class SimulateAdapterReadsOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs&, const ParameterValues& p, RunContext&) override {
    AdapterSimulation o;
    o.reads = p.integer("reads");
    o.length = p.integer("length");
    o.adapter = p.text("adapter");
    o.adapterFraction = p.real("adapter_fraction");
    o.minAdapterBases = static_cast<int>(p.integer("min_adapter_bases"));
    o.maxMismatches = static_cast<int>(p.integer("max_mismatches"));
    o.seed = static_cast<std::uint64_t>(p.integer("seed"));
    for (const char c : o.adapter)
      if (c != 'A' && c != 'C' && c != 'G' && c != 'T')
        throw InputError({}, std::string("the simulated adapter contains '") + c + "'", "use A, C, G and T");
    try {
      return {{"reads", Value::make(PortType::Reads, simulateAdapterReads(o))}};
    } catch (const std::invalid_argument& error) {
      throw InputError({}, error.what(), "check the simulation's parameters");
    }
  }
};

class SimulateDuplicateReadsOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs&, const ParameterValues& p, RunContext&) override {
    DuplicateSimulation o;
    o.families = p.integer("families");
    o.length = p.integer("length");
    o.maxCopies = static_cast<int>(p.integer("max_copies"));
    o.maxCopyErrors = static_cast<int>(p.integer("max_copy_errors"));
    o.siblingFraction = p.real("sibling_fraction");
    o.siblingDifferences = static_cast<int>(p.integer("sibling_differences"));
    o.prefix = static_cast<int>(p.integer("prefix"));
    o.seed = static_cast<std::uint64_t>(p.integer("seed"));
    try {
      return {{"reads", Value::make(PortType::Reads, simulateDuplicateReads(o))}};
    } catch (const std::invalid_argument& error) {
      throw InputError({}, error.what(), "check the simulation's parameters");
    }
  }
};

class QualityFilterOp : public Operator {
 public:
  OperatorOutputs run(const OperatorInputs& in, const ParameterValues& p, RunContext& context) override {
    if (!p.flag("enabled")) return {{"reads", in.at("reads")}};
    const auto& source = in.get<ReadTensors>("reads");
    torch::NoGradGuard noGrad;
    OneTensorThread oneThread;
    QualityFilter filter(p.real("threshold"), p.real("temperature"));
    ReadTensors out = source;
    out.weightsBeforeQualityFilter = source.baseWeights;
    out.baseWeights = chunked(source.reads(), source.baseWeights.sizes(), source.baseWeights, context,
                              [&](std::int64_t start, std::int64_t count) {
                                return filter->forward(source.phred.narrow(0, start, count),
                                                       source.mask.narrow(0, start, count));
                              });
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
    OneTensorThread oneThread;
    AdapterRemoval removal(adapter, p.real("match_threshold"), p.real("temperature"),
                           static_cast<int>(p.integer("min_overlap")));
    ReadTensors out = source;
    out.weightsBeforeAdapterRemoval = source.baseWeights;
    out.adapterProbability = at::empty({source.reads()}, at::kFloat);
    out.baseWeights = chunked(source.reads(), source.baseWeights.sizes(), source.baseWeights, context,
                              [&](std::int64_t start, std::int64_t count) {
                                AdapterRemovalOutput o = removal->forward(source.oneHot.narrow(0, start, count),
                                                                          source.mask.narrow(0, start, count));
                                out.adapterProbability.narrow(0, start, count).copy_(o.adapterProbability);
                                return o.retained;
                              });
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
    OneTensorThread oneThread;
    const auto mode = p.text("mode") == "soft" ? DuplicateWeightingImpl::Mode::Soft : DuplicateWeightingImpl::Mode::Exact;
    DuplicateWeighting weighting(mode, p.real("similarity_threshold"), p.real("temperature"),
                                 static_cast<int>(p.integer("prefix")));
    ReadTensors out = source;
    out.readWeightsBeforeDuplicates = source.readWeights;
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
    OneTensorThread oneThread;
    ErrorCorrection corrector(static_cast<int>(p.integer("context")), static_cast<int>(p.integer("hidden")),
                              static_cast<std::uint64_t>(p.integer("seed")));
    ReadTensors out = source;
    out.oneHot = chunked(source.reads(), source.oneHot.sizes(), at::Tensor(), context,
                         [&](std::int64_t start, std::int64_t count) {
                           return corrector->forward(source.oneHot.narrow(0, start, count),
                                                     source.phred.narrow(0, start, count),
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
    OneTensorThread oneThread;
    const std::int64_t n = reads.reads();
    std::vector<std::string> names = reads.names;
    if (static_cast<std::int64_t>(names.size()) != n) {
      names.clear();
      for (std::int64_t i = 0; i < n; ++i) names.push_back("read" + std::to_string(i + 1));
    }
    const at::Tensor lengths = reads.mask.sum(1);
    // = preprocessed().sum(-1).sum(1); the channel sum as a matrix-vector product (a reduction over a last dimension
    // of 4 is several times slower in LibTorch).
    const at::Tensor channels = at::matmul(reads.oneHot, at::ones({4}, reads.oneHot.options()));
    const at::Tensor retained = (channels * reads.baseWeights).sum(1);
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
      {"reads.simulate_adapters", "Simulated reads with adapters", "Simulation",
       "Reads with and without a 3' adapter at known positions, for learning the adapter match threshold "
       "(train.adapter_threshold): random inserts; in a share of the reads the adapter starts at a uniformly drawn "
       "position (at least min_adapter_bases of it inside the read) with 0..max_mismatches substitutions. The "
       "known start travels with the reads. Reproducible from the seed.",
       {},
       {{"reads", PortType::Reads, true, "the reads as tensors, with their true adapter starts"}},
       {intParameter("reads", 400, "number of reads").range(1, 10000000),
        intParameter("length", 60, "read length").range(1, 100000),
        stringParameter("adapter", "AGATCGGAAGAGC", "the adapter (A, C, G, T)"),
        floatParameter("adapter_fraction", 0.5, "share of reads with the adapter").range(0, 1),
        intParameter("min_adapter_bases", 10, "adapter bases at least inside a read that has it").range(1, 100000),
        intParameter("max_mismatches", 1, "substitutions per adapter copy: 0 up to this").range(0, 1000),
        intParameter("seed", 7, "random seed").atLeast(0)}},
      [] { return std::make_unique<SimulateAdapterReadsOp>(); });
  r.registerOperator(
      {"reads.simulate_duplicates", "Simulated reads with duplicates", "Simulation",
       "Reads from molecules with known duplicate families, for learning the duplicate similarity threshold "
       "(train.duplicate_threshold): each family has 1..max_copies reads, copies carry 0..max_copy_errors "
       "substitutions; a share of the molecules are siblings of another (sibling_differences substitutions: similar "
       "but distinct). Substitutions fall after the first `prefix` bases. Reads are shuffled; the family of each "
       "travels with the reads. Reproducible from the seed.",
       {},
       {{"reads", PortType::Reads, true, "the reads as tensors, with their duplicate families"}},
       {intParameter("families", 150, "number of distinct molecules").range(1, 1000000),
        intParameter("length", 50, "read length").range(2, 100000),
        intParameter("max_copies", 4, "reads per family: 1 up to this").range(1, 1000),
        intParameter("max_copy_errors", 1, "substitutions per copy: 0 up to this").range(0, 1000),
        floatParameter("sibling_fraction", 0.3, "share of molecules made from another one").range(0, 1),
        intParameter("sibling_differences", 8, "substitutions between a sibling and its molecule").range(1, 100000),
        intParameter("prefix", 12, "first bases kept free of substitutions").range(0, 100000),
        intParameter("seed", 11, "random seed").atLeast(0)}},
      [] { return std::make_unique<SimulateDuplicateReadsOp>(); });
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
  registerAdapterThresholdTraining(r);
  registerDuplicateThresholdTraining(r);
}

}  // namespace diffbio::ops

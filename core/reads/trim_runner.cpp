// The streaming trimmer: reader (calling thread) -> workers (trim, format, compress) -> writer (in input order).
#include "core/reads/trim_runner.h"

#include <fcntl.h>
#include <libdeflate.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/io/atomic_output.h"
#include "core/io/fastq.h"
#include "core/util/cancel_token.h"
#include "core/util/error.h"

namespace diffbio::reads {

namespace {

bool endsWith(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// One output file: written to a temporary path beside the target and renamed into place by commit(). The workers
// hand over finished bytes (a gzip member per chunk when compressed), so this only writes.
class OutputSink {
 public:
  explicit OutputSink(const std::string& path) : path_(path), atomic_(path), gzip_(endsWith(path, ".gz")) {
    fd_ = ::open(atomic_.temporaryPath().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw InputError({path_}, std::string("cannot create the output file: ") + std::strerror(errno),
                       "check that the output folder exists and is writable");
    }
  }
  ~OutputSink() {
    if (fd_ >= 0) ::close(fd_);
  }
  OutputSink(const OutputSink&) = delete;
  OutputSink& operator=(const OutputSink&) = delete;

  bool gzip() const { return gzip_; }

  void write(const char* data, std::size_t size) {
    std::size_t written = 0;
    while (written < size) {
      const ssize_t n = ::write(fd_, data + written, size - written);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw InputError({path_}, std::string("cannot write the output: ") + std::strerror(errno),
                         "check free disk space");
      }
      written += static_cast<std::size_t>(n);
    }
  }

  void commit() {
    const int status = ::close(fd_);
    fd_ = -1;
    if (status != 0) throw InputError({path_}, std::string("cannot close the output: ") + std::strerror(errno));
    atomic_.commit();
  }

 private:
  std::string path_;
  io::AtomicOutputPath atomic_;
  bool gzip_;
  int fd_ = -1;
};

struct Chunk {
  std::size_t index = 0;
  data::ReadBatch r1, r2;
  std::string text1, text2;              // formatted FASTQ
  std::vector<char> packed1, packed2;    // the same as a gzip member, for .gz outputs
};

struct Compressor {
  explicit Compressor(int level) : handle(libdeflate_alloc_compressor(level)) {
    if (!handle) throw std::runtime_error("cannot start gzip compression (out of memory?)");
  }
  ~Compressor() { libdeflate_free_compressor(handle); }
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;
  libdeflate_compressor* handle;
};

void appendRecord(std::string& out, std::string_view name, std::string_view sequence, std::string_view qualities) {
  out += '@';
  out.append(name);
  out += '\n';
  out.append(sequence);
  out.append("\n+\n", 3);
  out.append(qualities);
  out += '\n';
}

void compressInto(Compressor& compressor, const std::string& text, std::vector<char>& packed) {
  packed.resize(libdeflate_gzip_compress_bound(compressor.handle, text.size()));
  const std::size_t size =
      libdeflate_gzip_compress(compressor.handle, text.data(), text.size(), packed.data(), packed.size());
  if (size == 0) throw std::runtime_error("gzip compression failed");
  packed.resize(size);
}

class TrimRun {
 public:
  explicit TrimRun(const TrimJob& job) : job_(job), paired_(!job.input2.empty()) {}

  TrimStatistics run();

 private:
  Chunk* takeFree();
  void pushWork(Chunk* chunk);
  Chunk* takeWork();
  void pushDone(Chunk* chunk);
  void fail(std::exception_ptr error);
  void workerLoop(int worker);
  void writerLoop();
  void process(Chunk& chunk, const ReadTrimmer& trimmer1, const ReadTrimmer& trimmer2, TrimStatistics& stats,
               Compressor* compressor) const;

  const TrimJob& job_;
  bool paired_;
  int offset_ = 33;
  ReadTrimSettings settings1_, settings2_;
  std::vector<std::unique_ptr<Chunk>> pool_;
  std::vector<TrimStatistics> workerStats_;
  std::unique_ptr<OutputSink> out1_, out2_;

  std::mutex mutex_;
  std::condition_variable freeReady_, workReady_, doneReady_;
  std::deque<Chunk*> free_, work_;
  std::map<std::size_t, Chunk*> done_;
  std::size_t produced_ = 0;
  bool readingDone_ = false;
  bool aborted_ = false;
  std::exception_ptr error_;
};

Chunk* TrimRun::takeFree() {
  std::unique_lock lock(mutex_);
  freeReady_.wait(lock, [&] { return aborted_ || !free_.empty(); });
  if (aborted_) return nullptr;
  Chunk* chunk = free_.front();
  free_.pop_front();
  return chunk;
}

void TrimRun::pushWork(Chunk* chunk) {
  {
    std::lock_guard lock(mutex_);
    chunk->index = produced_++;
    work_.push_back(chunk);
  }
  workReady_.notify_one();
}

Chunk* TrimRun::takeWork() {
  std::unique_lock lock(mutex_);
  workReady_.wait(lock, [&] { return aborted_ || !work_.empty() || readingDone_; });
  if (aborted_ || work_.empty()) return nullptr;
  Chunk* chunk = work_.front();
  work_.pop_front();
  return chunk;
}

void TrimRun::pushDone(Chunk* chunk) {
  {
    std::lock_guard lock(mutex_);
    done_.emplace(chunk->index, chunk);
  }
  doneReady_.notify_one();
}

void TrimRun::fail(std::exception_ptr error) {
  {
    std::lock_guard lock(mutex_);
    if (!error_) error_ = error;
    aborted_ = true;
  }
  freeReady_.notify_all();
  workReady_.notify_all();
  doneReady_.notify_all();
}

void TrimRun::process(Chunk& chunk, const ReadTrimmer& trimmer1, const ReadTrimmer& trimmer2, TrimStatistics& stats,
                      Compressor* compressor) const {
  chunk.text1.clear();
  chunk.text2.clear();
  chunk.text1.reserve(chunk.r1.bytesUsed() + 6 * chunk.r1.size());
  if (paired_) chunk.text2.reserve(chunk.r2.bytesUsed() + 6 * chunk.r2.size());
  const std::size_t minLength = job_.minLength;
  for (std::size_t i = 0; i < chunk.r1.size(); ++i) {
    const std::string_view seq1 = chunk.r1.sequence(i), qual1 = chunk.r1.quality(i);
    const ReadTrimResult result1 = trimmer1.trim(seq1, qual1);
    stats.first.countRead(seq1, qual1, offset_, result1);
    ++stats.readsIn;
    std::size_t shortest = result1.length(), longest = result1.length();
    ReadTrimResult result2;
    std::string_view seq2, qual2;
    if (paired_) {
      seq2 = chunk.r2.sequence(i);
      qual2 = chunk.r2.quality(i);
      result2 = trimmer2.trim(seq2, qual2);
      stats.second.countRead(seq2, qual2, offset_, result2);
      shortest = std::min(shortest, result2.length());
      longest = std::max(longest, result2.length());
    }
    // cutadapt's filters in its order, with the default pair filter "any": a pair goes when either mate fails.
    if (shortest < minLength) {
      ++stats.tooShort;
      continue;
    }
    if (job_.maxLength && longest > *job_.maxLength) {
      ++stats.tooLong;
      continue;
    }
    ++stats.readsOut;
    const std::string_view kept1 = qual1.substr(result1.start, result1.length());
    appendRecord(chunk.text1, chunk.r1.name(i), seq1.substr(result1.start, result1.length()), kept1);
    stats.first.countWritten(kept1, offset_);
    if (paired_) {
      const std::string_view kept2 = qual2.substr(result2.start, result2.length());
      appendRecord(chunk.text2, chunk.r2.name(i), seq2.substr(result2.start, result2.length()), kept2);
      stats.second.countWritten(kept2, offset_);
    }
  }
  if (compressor && out1_->gzip()) compressInto(*compressor, chunk.text1, chunk.packed1);
  if (compressor && paired_ && out2_->gzip()) compressInto(*compressor, chunk.text2, chunk.packed2);
}

void TrimRun::workerLoop(int worker) {
  try {
    const ReadTrimmer trimmer1(settings1_);
    const ReadTrimmer trimmer2(settings2_);
    std::unique_ptr<Compressor> compressor;
    if (out1_->gzip() || (out2_ && out2_->gzip())) compressor = std::make_unique<Compressor>(job_.compressionLevel);
    while (Chunk* chunk = takeWork()) {
      process(*chunk, trimmer1, trimmer2, workerStats_[worker], compressor.get());
      pushDone(chunk);
    }
  } catch (...) {
    fail(std::current_exception());
  }
}

void TrimRun::writerLoop() {
  try {
    std::size_t next = 0;
    for (;;) {
      Chunk* chunk = nullptr;
      {
        std::unique_lock lock(mutex_);
        doneReady_.wait(lock, [&] {
          return aborted_ || done_.count(next) > 0 || (readingDone_ && next == produced_);
        });
        if (aborted_) return;
        const auto it = done_.find(next);
        if (it == done_.end()) return;  // everything read has been written
        chunk = it->second;
        done_.erase(it);
      }
      if (out1_->gzip()) out1_->write(chunk->packed1.data(), chunk->packed1.size());
      else out1_->write(chunk->text1.data(), chunk->text1.size());
      if (paired_) {
        if (out2_->gzip()) out2_->write(chunk->packed2.data(), chunk->packed2.size());
        else out2_->write(chunk->text2.data(), chunk->text2.size());
      }
      ++next;
      {
        std::lock_guard lock(mutex_);
        free_.push_back(chunk);
      }
      freeReady_.notify_one();
    }
  } catch (...) {
    fail(std::current_exception());
  }
}

TrimStatistics TrimRun::run() {
  if (job_.threads < 1) throw std::invalid_argument("the number of threads must be at least 1");
  if (job_.chunkReads < 1) throw std::invalid_argument("the chunk size must be at least 1 read");
  if (paired_ && job_.output2.empty()) throw std::invalid_argument("paired input needs a second output");
  if (!paired_ && !job_.output2.empty()) throw std::invalid_argument("a second output needs a second input");
  if (job_.compressionLevel < 0 || job_.compressionLevel > 12)
    throw std::invalid_argument("the compression level must be between 0 and 12");

  io::FastqReadOptions options;
  options.encoding = job_.encoding;
  std::unique_ptr<io::FastqReader> single;
  std::unique_ptr<io::PairedFastqReader> pair;
  data::QualityEncoding encoding;
  if (paired_) {
    pair = std::make_unique<io::PairedFastqReader>(job_.input1, job_.input2, options);
    encoding = pair->encoding();
  } else {
    single = std::make_unique<io::FastqReader>(job_.input1, options);
    encoding = single->encoding();
  }
  offset_ = data::qualityOffset(encoding);

  for (ReadTrimSettings* settings : {&settings1_, &settings2_}) {
    settings->qualityCutoffFront = job_.qualityCutoffFront;
    settings->qualityCutoffBack = job_.qualityCutoffBack;
    settings->qualityOffset = offset_;
  }
  if (job_.adapter1) settings1_.adapter.emplace(job_.adapter1->sequence, job_.maxErrors, job_.minOverlap);
  if (job_.adapter2) settings2_.adapter.emplace(job_.adapter2->sequence, job_.maxErrors, job_.minOverlap);

  out1_ = std::make_unique<OutputSink>(job_.output1);
  if (paired_) out2_ = std::make_unique<OutputSink>(job_.output2);

  const std::size_t poolSize = 2 * static_cast<std::size_t>(job_.threads) + 2;
  for (std::size_t i = 0; i < poolSize; ++i) {
    pool_.push_back(std::make_unique<Chunk>());
    free_.push_back(pool_.back().get());
  }
  workerStats_.assign(job_.threads, TrimStatistics{});

  std::vector<std::thread> threads;
  for (int w = 0; w < job_.threads; ++w) threads.emplace_back([this, w] { workerLoop(w); });
  threads.emplace_back([this] { writerLoop(); });

  try {
    for (;;) {
      if (job_.cancel) job_.cancel->throwIfCancelled();
      Chunk* chunk = takeFree();
      if (!chunk) break;  // a worker or the writer failed
      const bool more = paired_ ? pair->next(chunk->r1, chunk->r2, job_.chunkReads)
                                : single->next(chunk->r1, job_.chunkReads);
      if (!more) {
        std::lock_guard lock(mutex_);
        free_.push_back(chunk);
        break;
      }
      pushWork(chunk);
    }
  } catch (...) {
    fail(std::current_exception());
  }
  {
    std::lock_guard lock(mutex_);
    readingDone_ = true;
  }
  workReady_.notify_all();
  doneReady_.notify_all();
  for (auto& thread : threads) thread.join();
  if (error_) std::rethrow_exception(error_);

  out1_->commit();
  if (out2_) out2_->commit();

  TrimStatistics total;
  total.paired = paired_;
  for (const auto& stats : workerStats_) total.merge(stats);
  return total;
}

}  // namespace

TrimStatistics runTrim(const TrimJob& job) { return TrimRun(job).run(); }

}  // namespace diffbio::reads

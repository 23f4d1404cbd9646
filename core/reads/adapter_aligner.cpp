// The 3' adapter search (see adapter_aligner.h). The DP follows cutadapt 4's semantics cell for cell, including
// Ukkonen's cut-off and the order in which candidates are compared, because those decide ties.
#include "core/reads/adapter_aligner.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace diffbio::reads {

namespace {

constexpr int kMatchScore = 1;
constexpr int kMismatchScore = -1;
constexpr int kIndelScore = -2;

// IUPAC codes as 4-bit sets (A=1, C=2, G=4, T=8); two characters match when their sets intersect.
constexpr std::array<std::uint8_t, 256> makeIupacTable() {
  std::array<std::uint8_t, 256> t{};
  const char* letters = "ACGTURYSWKMBDHVNX";
  const std::uint8_t codes[] = {1, 2, 4, 8, 8, 1 | 4, 2 | 8, 4 | 2, 1 | 8, 4 | 8, 1 | 2,
                                2 | 4 | 8, 1 | 4 | 8, 1 | 2 | 8, 1 | 2 | 4, 15, 0};
  for (int i = 0; letters[i]; ++i) {
    t[static_cast<unsigned char>(letters[i])] = codes[i];
    t[static_cast<unsigned char>(letters[i] - 'A' + 'a')] = codes[i];
  }
  return t;
}
constexpr std::array<std::uint8_t, 256> kIupac = makeIupacTable();

// Read bases when the adapter has wildcards: only A, C, G, T (and U) have a set; N and the rest match nothing.
constexpr std::array<std::uint8_t, 256> makeAcgtTable() {
  std::array<std::uint8_t, 256> t{};
  const char* letters = "ACGTU";
  const std::uint8_t codes[] = {1, 2, 4, 8, 8};
  for (int i = 0; letters[i]; ++i) {
    t[static_cast<unsigned char>(letters[i])] = codes[i];
    t[static_cast<unsigned char>(letters[i] - 'A' + 'a')] = codes[i];
  }
  return t;
}
constexpr std::array<std::uint8_t, 256> kAcgt = makeAcgtTable();

constexpr std::array<char, 256> makeUpperTable() {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return t;
}
constexpr std::array<char, 256> kUpper = makeUpperTable();

}  // namespace

AdapterSequence parseAdapter(std::string_view text) {
  AdapterSequence adapter;
  std::string_view sequence = text;
  if (const auto eq = text.find('='); eq != std::string_view::npos) {
    adapter.name = std::string(text.substr(0, eq));
    sequence = text.substr(eq + 1);
  }
  if (sequence.find("...") != std::string_view::npos)
    throw std::invalid_argument("linked adapters (ADAPTER1...ADAPTER2) are not supported; give a 3' adapter");
  if (!sequence.empty() && (sequence.front() == '^' || sequence.back() == '$'))
    throw std::invalid_argument("anchored adapters (^ or $) are not supported; give a regular 3' adapter");
  if (sequence.empty()) throw std::invalid_argument("the adapter sequence is empty");
  for (const char c : sequence) {
    const char upper = kUpper[static_cast<unsigned char>(c)];
    if (upper != 'X' && kIupac[static_cast<unsigned char>(upper)] == 0) {
      throw std::invalid_argument(std::string("the adapter contains '") + c +
                                  "'; use A, C, G, T, IUPAC wildcards (such as N) or X");
    }
    adapter.sequence += upper == 'U' ? 'T' : upper;
  }
  if (adapter.name.empty()) adapter.name = adapter.sequence;
  return adapter;
}

AdapterAligner::AdapterAligner(std::string adapter, double maxErrors, int minOverlap)
    : adapter_(std::move(adapter)), minOverlap_(minOverlap) {
  if (adapter_.empty()) throw std::invalid_argument("the adapter sequence is empty");
  if (minOverlap < 1) throw std::invalid_argument("the minimum overlap must be at least 1");
  if (!(maxErrors >= 0)) throw std::invalid_argument("the error rate must not be negative");
  const int m = static_cast<int>(adapter_.size());
  // Wildcard comparison only when the adapter needs it (cutadapt: adapter wildcards unless the sequence is pure ACGT).
  wildcards_ = !std::all_of(adapter_.begin(), adapter_.end(), [](char c) {
    const char u = kUpper[static_cast<unsigned char>(c)];
    return u == 'A' || u == 'C' || u == 'G' || u == 'T';
  });
  nBefore_.assign(m + 1, 0);
  for (int i = 0; i < m; ++i) nBefore_[i + 1] = nBefore_[i] + (kUpper[static_cast<unsigned char>(adapter_[i])] == 'N');
  effectiveLength_ = wildcards_ ? m - nBefore_[m] : m;
  if (effectiveLength_ == 0) throw std::invalid_argument("an adapter of only N wildcards matches everything");
  maxErrorRate_ = maxErrors >= 1 ? maxErrors / effectiveLength_ : maxErrors;
  for (char& c : adapter_) c = kUpper[static_cast<unsigned char>(c)];
  if (wildcards_) {
    adapterCodes_.resize(m);
    for (int i = 0; i < m; ++i) adapterCodes_[i] = kIupac[static_cast<unsigned char>(adapter_[i])];
  }
  column_.resize(m + 1);
}

int AdapterAligner::allowedErrors(int length) const { return static_cast<int>(length * maxErrorRate_); }

std::optional<AdapterAlignment> AdapterAligner::locate(std::string_view read) const {
  return wildcards_ ? locateImpl<true>(read) : locateImpl<false>(read);
}

// The comparison is a template parameter so that the common case (a plain ACGT adapter) has no per-cell branch.
template <bool kWildcards>
std::optional<AdapterAlignment> AdapterAligner::locateImpl(std::string_view read) const {
  const int m = static_cast<int>(adapter_.size());
  const int n = static_cast<int>(read.size());
  const double rate = maxErrorRate_;
  const int k = static_cast<int>(rate * m);  // errors allowed for the full adapter: the Ukkonen band
  const char* a = adapter_.data();
  const unsigned char* r = reinterpret_cast<const unsigned char*>(read.data());
  if (kWildcards) {
    readCodes_.resize(n);
    for (int j = 0; j < n; ++j) readCodes_[j] = kAcgt[r[j]];
  }
  Cell* column = column_.data();
  for (int i = 0; i <= m; ++i) column[i] = {i, 0, 0};  // skipping a read prefix is free; adapter bases are not

  // The length of the aligned adapter part that the error rate applies to (N wildcards excluded).
  auto effectiveLength = [&](int length, int refStop, int origin) {
    if (!kWildcards) return length;
    if (length >= m) return effectiveLength_;
    const int refStart = -std::min(origin, 0);
    return length - (nBefore_[refStop] - nBefore_[refStart]);
  };

  struct Best {
    int origin = 0, cost = 0, score = 0, refStop = 0, queryStop = 0;
  } best;
  const int unset = m + n + 1;
  best.cost = unset;
  best.refStop = m;
  best.queryStop = n;

  auto better = [&](int length, int score, int origin) {
    const int bestLength = best.refStop + std::min(best.origin, 0);
    return best.cost == unset || (origin <= best.origin + m / 2 && score > best.score) ||
           (length > bestLength && score > best.score);
  };

  int last = std::min(m, k + 1);
  int lastFilled = 0;
  // cutadapt compares the candidates of the last column against the `origin` computed last in the main loop (not
  // the candidate's own): kept here as `origin` so that ties are broken the same way.
  int origin = 0, cost = 0, score = 0;
  for (int j = 1; j <= n; ++j) {
    Cell diag = column[0];
    column[0].origin = j;
    const unsigned char readChar = static_cast<unsigned char>(kUpper[r[j - 1]]);
    const std::uint8_t readCode = kWildcards ? readCodes_[j - 1] : 0;
    for (int i = 1; i <= last; ++i) {
      const bool equal = kWildcards ? (adapterCodes_[i - 1] & readCode) != 0
                                    : static_cast<unsigned char>(a[i - 1]) == readChar;
      if (equal) {
        cost = diag.cost;
        origin = diag.origin;
        score = diag.score + kMatchScore;
      } else {
        const int costDiag = diag.cost + 1;
        const int costDeletion = column[i].cost + 1;
        const int costInsertion = column[i - 1].cost + 1;
        if (costDiag <= costDeletion && costDiag <= costInsertion) {
          cost = costDiag;
          origin = diag.origin;
          score = diag.score + kMismatchScore;
        } else if (costInsertion <= costDeletion) {
          cost = costInsertion;
          origin = column[i - 1].origin;
          score = column[i - 1].score + kIndelScore;
        } else {
          cost = costDeletion;
          origin = column[i].origin;
          score = column[i].score + kIndelScore;
        }
      }
      diag = column[i];
      column[i] = {cost, score, origin};
    }
    lastFilled = last;
    while (last >= 0 && column[last].cost > k) --last;
    if (last < m) {
      ++last;
      continue;
    }
    // The full adapter ends at read position j: a candidate from the last row.
    cost = column[m].cost;
    score = column[m].score;
    origin = column[m].origin;
    const int length = m + std::min(origin, 0);
    const bool acceptable = length >= minOverlap_ && cost <= effectiveLength(length, m, origin) * rate;
    if (acceptable && better(length, score, origin)) {
      best = {origin, cost, score, m, j};
      if (cost == 0 && origin >= 0) break;  // an exact full-length occurrence
    }
  }

  // Partial adapters at the read's end: the last column, longest adapter prefix first.
  for (int i = lastFilled; i >= 0; --i) {
    const int cellOrigin = column[i].origin;
    const int length = i + std::min(cellOrigin, 0);
    const int cellCost = column[i].cost;
    const int cellScore = column[i].score;
    const bool acceptable = length >= minOverlap_ && cellCost <= effectiveLength(length, i, cellOrigin) * rate;
    if (acceptable && better(length, cellScore, origin)) best = {cellOrigin, cellCost, cellScore, i, n};
  }
  if (best.cost == unset) return std::nullopt;

  AdapterAlignment alignment;
  if (best.origin >= 0) {
    alignment.adapterStart = 0;
    alignment.readStart = best.origin;
  } else {
    alignment.adapterStart = -best.origin;
    alignment.readStart = 0;
  }
  alignment.adapterStop = best.refStop;
  alignment.readStop = best.queryStop;
  alignment.score = best.score;
  alignment.errors = best.cost;
  return alignment;
}

}  // namespace diffbio::reads

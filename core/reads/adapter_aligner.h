#pragma once
// Finding a 3' adapter in a read the way cutadapt 4 does it (a "regular 3' adapter", cutadapt -a).
//
// The adapter may start anywhere in the read and may run past the read's end (then only a prefix of it is present,
// the partial adapter that 3' trimming is mostly about); the read may continue after a complete adapter. Everything
// from the adapter's first aligned base on is removed. Among all such overlaps:
//   - an overlap is acceptable when at least `minOverlap` adapter bases are aligned and its edit distance (mismatches,
//     insertions and deletions, one each) is at most error rate x aligned adapter length; the number of errors
//     allowed for the whole adapter is floor(rate x length);
//   - the dynamic-programming matrix is filled with edit distance (with Ukkonen's cut-off, exactly as cutadapt, since
//     the cut-off changes which cells are computed and therefore which alignment is found), and a second value, the
//     score (match +1, mismatch -1, indel -2), travels with each cell;
//   - candidates are visited along the last row left to right (the full adapter ending at read position j), then the
//     last column from the longest adapter prefix down (partial adapters at the read end). A candidate replaces the
//     best one so far when it is the first, or when its score is higher and it either starts no more than half an
//     adapter length after the best one or aligns more adapter bases. So leftmost occurrences win, as documented in
//     cutadapt's "Alignment algorithm changes in Cutadapt 4". A full-length exact occurrence ends the search.
//
// Bases compare case-insensitively. Read N (and any other non-ACGT character) never matches unless the adapter has
// IUPAC wildcards; an adapter with wildcards (N, R, Y, ...) matches the read bases they stand for, and its N
// positions do not count towards the length the error rate applies to — cutadapt's defaults (adapter wildcards on,
// read wildcards off).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace diffbio::reads {

// An adapter as given by the user: "SEQUENCE" or "NAME=SEQUENCE". The sequence is upper-cased and U becomes T;
// it may contain ACGT, IUPAC wildcards and X (matches nothing). Throws std::invalid_argument with the reason for
// anything else, including cutadapt's anchoring (^, $) and linked-adapter (...) notations, which are not supported.
struct AdapterSequence {
  std::string name;
  std::string sequence;
};
AdapterSequence parseAdapter(std::string_view text);

struct AdapterAlignment {
  int adapterStart = 0;  // aligned part of the adapter: [adapterStart, adapterStop)
  int adapterStop = 0;
  int readStart = 0;     // aligned part of the read: [readStart, readStop); the read is cut at readStart
  int readStop = 0;
  int score = 0;
  int errors = 0;
};

class AdapterAligner {
 public:
  // `maxErrors` below 1 is an error rate; 1 or more is a number of errors for the full adapter (converted to a rate
  // over the adapter's non-N length, as cutadapt does). Throws std::invalid_argument for an empty adapter, an
  // adapter of only N, or minOverlap < 1.
  AdapterAligner(std::string adapter, double maxErrors, int minOverlap);

  // Not thread-safe (it reuses one DP column): give each thread its own copy.
  std::optional<AdapterAlignment> locate(std::string_view read) const;

  const std::string& adapter() const { return adapter_; }
  double maxErrorRate() const { return maxErrorRate_; }
  int minOverlap() const { return minOverlap_; }
  // Errors allowed for a match of `length` adapter bases (what cutadapt's report lists per length range).
  int allowedErrors(int length) const;

 private:
  struct Cell {
    int cost;
    int score;
    int origin;  // where the alignment started: >= 0 a read position (adapter from its start), < 0 minus an
                 // adapter position (the read from its start)
  };

  template <bool kWildcards>
  std::optional<AdapterAlignment> locateImpl(std::string_view read) const;

  std::string adapter_;
  std::vector<std::uint8_t> adapterCodes_;  // IUPAC bit codes when wildcards are in use
  std::vector<int> nBefore_;                // nBefore_[i] = number of N in adapter_[0, i)
  bool wildcards_ = false;
  int effectiveLength_ = 0;
  double maxErrorRate_ = 0;
  int minOverlap_ = 1;
  mutable std::vector<Cell> column_;
  mutable std::vector<std::uint8_t> readCodes_;
};

}  // namespace diffbio::reads

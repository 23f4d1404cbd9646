// The exact trimmer against cutadapt: its algorithm pieces on their documented examples, then whole files read by
// read against cutadapt 4.2's outputs (Trim Galore test reads) and the cases of cutadapt's own test suite that use
// options DiffBio supports.
#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/reads/adapter_aligner.h"
#include "core/reads/quality_trim.h"
#include "core/reads/read_trimmer.h"
#include "core/reads/trim_report.h"
#include "core/reads/trim_runner.h"
#include "test_support.h"

using namespace diffbio;
using namespace diffbio::reads;

namespace {

using diffbio::test::readWholeFile;

struct Record {
  std::string name, sequence, quality;
};

std::vector<Record> records(const std::string& path) {
  std::istringstream in(readWholeFile(path));
  std::vector<Record> out;
  std::string name, sequence, plus, quality;
  while (std::getline(in, name) && std::getline(in, sequence) && std::getline(in, plus) && std::getline(in, quality))
    out.push_back({name, sequence, quality});
  return out;
}

// Reads identical in name, sequence and quality, matched by name.
std::size_t identicalReads(const std::vector<Record>& ours, const std::vector<Record>& reference) {
  std::map<std::string, const Record*> byName;
  for (const auto& r : ours) byName[r.name] = &r;
  std::size_t same = 0;
  for (const auto& r : reference) {
    const auto it = byName.find(r.name);
    if (it != byName.end() && it->second->sequence == r.sequence && it->second->quality == r.quality) ++same;
  }
  return same;
}

std::string phred33(std::initializer_list<int> scores) {
  std::string text;
  for (const int q : scores) text += static_cast<char>(q + 33);
  return text;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!text.empty() && text.back() == separator) parts.emplace_back();
  return parts;
}

}  // namespace

class TrimmerTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void qualityTrimmingFollowsBwa();
  void adapterAlignmentCases();
  void adapterParsing();
  void singleEndMatchesCutadapt();
  void pairedEndMatchesCutadapt();
  void threadsGiveIdenticalOutput();
  void cutadaptTestSuite();
  void badInputLeavesNoOutput();
};

void TrimmerTest::qualityTrimmingFollowsBwa() {
  // cutadapt's documentation example (algorithms.rst): cutoff 10 keeps the first four bases.
  const std::string q = phred33({42, 40, 26, 27, 8, 7, 11, 4, 2, 3});
  QualityTrimRange r = qualityTrimIndex(q, 0, 10, 33);
  QCOMPARE(r.start, std::size_t(0));
  QCOMPARE(r.stop, std::size_t(4));
  // 5' end: the mirror image.
  const std::string reversed(q.rbegin(), q.rend());
  r = qualityTrimIndex(reversed, 10, 0, 33);
  QCOMPARE(r.start, std::size_t(6));
  QCOMPARE(r.stop, std::size_t(10));
  // Everything below the cutoff: nothing left, reported as {0, 0}.
  r = qualityTrimIndex(phred33({5, 5, 5}), 0, 20, 33);
  QCOMPARE(r.stop, std::size_t(0));
  // Phred+64 offset: the same scores give the same cut.
  std::string q64 = q;
  for (char& c : q64) c = static_cast<char>(c + 31);
  QCOMPARE(qualityTrimIndex(q64, 0, 10, 64).stop, std::size_t(4));
  // A good base inside a bad tail does not stop trimming when the sum stays positive.
  QCOMPARE(qualityTrimIndex(phred33({30, 30, 30, 2, 25, 2, 2}), 0, 20, 33).stop, std::size_t(3));
}

void TrimmerTest::adapterAlignmentCases() {
  const AdapterAligner aligner("AGATCGGAAGAGC", 0.1, 1);
  // Full adapter inside the read, followed by more bases: cut where it starts.
  auto a = aligner.locate("TTTTTTTTTTAGATCGGAAGAGCGGTTCAG");
  QVERIFY(a.has_value());
  QCOMPARE(a->readStart, 10);
  QCOMPARE(a->errors, 0);
  // One mismatch in 13 bases is allowed (floor(0.1 x 13) = 1).
  a = aligner.locate("CCCCCCCCCCAGATCGTAAGAGCGG");
  QVERIFY(a.has_value());
  QCOMPARE(a->readStart, 10);
  QCOMPARE(a->errors, 1);
  // Two are not.
  QVERIFY(!aligner.locate("CCCCCCCCCCAGTTCGTAAGAGCCC").has_value() ||
          aligner.locate("CCCCCCCCCCAGTTCGTAAGAGCCC")->readStart != 10);
  // A partial adapter at the 3' end, down to one base with -O 1.
  a = aligner.locate("CCCCCCCCCCCCAGATC");
  QVERIFY(a.has_value());
  QCOMPARE(a->readStart, 12);
  QCOMPARE(a->adapterStop, 5);
  a = aligner.locate("CCCCCCCCCCCCCA");
  QVERIFY(a.has_value());
  QCOMPARE(a->readStart, 13);
  // Partial matches shorter than 10 bases allow no error: AGTTC at the end is not an adapter.
  QVERIFY(!aligner.locate("CCCCCCCCCCCCAGTTC").has_value() || aligner.locate("CCCCCCCCCCCCAGTTC")->readStart == 16);
  // N in the read is a mismatch, not a wildcard (cutadapt's default).
  a = aligner.locate("CCCCCCCCCCAGATCNGAAGAGC");
  QVERIFY(a.has_value());
  QCOMPARE(a->errors, 1);
  // Minimum overlap 3: a 2-base partial adapter is ignored.
  const AdapterAligner overlap3("AGATCGGAAGAGC", 0.1, 3);
  QVERIFY(!overlap3.locate("CCCCCCCCCCCCCCAG").has_value());
  QVERIFY(overlap3.locate("CCCCCCCCCCCCCAGA").has_value());
  // Lower-case reads compare as upper case; the read itself is never changed.
  QCOMPARE(aligner.locate("ccccccccccagatcggaagagc")->readStart, 10);
  // Adapter wildcards: N in the adapter matches any base and does not count towards the error budget.
  const AdapterAligner wild("AGANNGGAAGAGC", 0.1, 3);
  QCOMPARE(wild.locate("CCCCCCCCCCAGATCGGAAGAGC")->errors, 0);
  // An empty read has no adapter.
  QVERIFY(!aligner.locate("").has_value());
}

void TrimmerTest::adapterParsing() {
  QCOMPARE(QString::fromStdString(parseAdapter("agaucgg").sequence), QString("AGATCGG"));
  const auto named = parseAdapter("TruSeq=AGATCGGAAGAGC");
  QCOMPARE(QString::fromStdString(named.name), QString("TruSeq"));
  QCOMPARE(QString::fromStdString(named.sequence), QString("AGATCGGAAGAGC"));
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseAdapter("^AGATC"));
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseAdapter("AGATC$"));
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseAdapter("AAA...TTT"));
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseAdapter("AG-TC"));
  QVERIFY_THROWS_EXCEPTION(std::invalid_argument, AdapterAligner("NNNN", 0.1, 3));
}

// illumina_10K with cutadapt 4.2's Trim Galore settings (-q 20 -a AGATCGGAAGAGC -e 0.1 -O 1 -m 20).
void TrimmerTest::singleEndMatchesCutadapt() {
  const auto dir = test::scratchDir("reads_trimmer_se");
  TrimJob job;
  job.input1 = test::sharedData("fastq_trimgalore_tests/illumina_10K.fastq.gz");
  job.output1 = (dir / "out.fq.gz").string();
  job.qualityCutoffBack = 20;
  job.adapter1 = parseAdapter("AGATCGGAAGAGC");
  job.maxErrors = 0.1;
  job.minOverlap = 1;
  job.minLength = 20;
  job.threads = 2;
  const TrimStatistics s = runTrim(job);
  const std::string reference =
      test::sharedData("fastq_trimgalore_tests/reference_debian_fastp_cutadapt/cutadapt_trimgalore_params.fq.gz");
  const auto ours = records(job.output1), theirs = records(reference);
  QCOMPARE(theirs.size(), std::size_t(9923));
  const std::size_t same = identicalReads(ours, theirs);
  qInfo("single-end: %zu of %zu reads identical to cutadapt 4.2", same, theirs.size());
  QCOMPARE(ours.size(), theirs.size());
  QCOMPARE(same, theirs.size());                      // every read (the goal was >= 99.5 %)
  QVERIFY(readWholeFile(job.output1) == readWholeFile(reference));    // and in the same order, byte for byte
  // The figures of cutadapt's report (cutadapt_trimgalore_params.report.txt).
  QCOMPARE(s.readsIn, std::uint64_t(10000));
  QCOMPARE(s.first.readsWithAdapter, std::uint64_t(6382));
  QCOMPARE(s.tooShort, std::uint64_t(77));
  QCOMPARE(s.readsOut, std::uint64_t(9923));
  QCOMPARE(s.first.basesIn, std::uint64_t(1500000));
  QCOMPARE(s.first.basesQualityTrimmed, std::uint64_t(13264));
  QCOMPARE(s.first.basesOut, std::uint64_t(1300218));
  // Removed-sequence table rows: length 1: 2549; length 9: 57 (54 with 0 errors, 3 with 1); length 149: 2 (0, 2).
  QCOMPARE(s.first.removedByLength[1][0], std::uint64_t(2549));
  QCOMPARE(s.first.removedByLength[9][0], std::uint64_t(54));
  QCOMPARE(s.first.removedByLength[9][1], std::uint64_t(3));
  QCOMPARE(s.first.removedByLength[149][1], std::uint64_t(2));
  // Bases preceding removed adapters: A 40.9 %, C 16.1 %, G 12.0 %, T 31.0 %.
  QCOMPARE(qRound(1000.0 * s.first.precedingBase[0] / 6382), 409);
  QCOMPARE(qRound(1000.0 * s.first.precedingBase[1] / 6382), 161);
  QCOMPARE(qRound(1000.0 * s.first.precedingBase[2] / 6382), 120);
  QCOMPARE(qRound(1000.0 * s.first.precedingBase[3] / 6382), 310);
  // The JSON report carries the same numbers.
  const std::string json = trimReportJson(job, s, 0.0);
  QVERIFY(json.find("\"bases_quality_trimmed\": 13264") != std::string::npos);
  QVERIFY(json.find("\"reads_with_adapter\": 6382") != std::string::npos);
}

// clock_10K pairs with -a/-A AGATCGGAAGAGC and the same settings (cutadapt_pe.report.txt).
void TrimmerTest::pairedEndMatchesCutadapt() {
  const auto dir = test::scratchDir("reads_trimmer_pe");
  TrimJob job;
  job.input1 = test::sharedData("fastq_trimgalore_tests/clock_10K_R1.fastq.gz");
  job.input2 = test::sharedData("fastq_trimgalore_tests/clock_10K_R2.fastq.gz");
  job.output1 = (dir / "out.R1.fq.gz").string();
  job.output2 = (dir / "out.R2.fq").string();
  job.qualityCutoffBack = 20;
  job.adapter1 = parseAdapter("AGATCGGAAGAGC");
  job.adapter2 = parseAdapter("AGATCGGAAGAGC");
  job.minOverlap = 1;
  job.minLength = 20;
  job.threads = 3;
  job.chunkReads = 777;  // chunk boundaries must not matter
  const TrimStatistics s = runTrim(job);
  const std::string base = "fastq_trimgalore_tests/reference_debian_fastp_cutadapt/";
  for (const auto& [ours, theirs] : {std::pair{job.output1, test::sharedData(base + "cutadapt_pe.R1.fq.gz")},
                                     std::pair{job.output2, test::sharedData(base + "cutadapt_pe.R2.fq.gz")}}) {
    const auto a = records(ours), b = records(theirs);
    QCOMPARE(b.size(), std::size_t(9959));
    const std::size_t same = identicalReads(a, b);
    qInfo("paired-end %s: %zu of %zu reads identical to cutadapt 4.2", theirs.c_str(), same, b.size());
    QCOMPARE(same, b.size());
    QVERIFY(readWholeFile(ours) == readWholeFile(theirs));
  }
  QCOMPARE(s.readsIn, std::uint64_t(10000));
  QCOMPARE(s.first.readsWithAdapter, std::uint64_t(3462));
  QCOMPARE(s.second.readsWithAdapter, std::uint64_t(4299));
  QCOMPARE(s.tooShort, std::uint64_t(41));
  QCOMPARE(s.readsOut, std::uint64_t(9959));
  QCOMPARE(s.first.basesQualityTrimmed, std::uint64_t(2077));
  QCOMPARE(s.second.basesQualityTrimmed, std::uint64_t(2874));
  QCOMPARE(s.first.basesOut, std::uint64_t(727104));
  QCOMPARE(s.second.basesOut, std::uint64_t(727825));
  QCOMPARE(s.second.removedByLength[16][1], std::uint64_t(1));  // "16 1 0.0 1 0 1"
  QCOMPARE(s.second.removedByLength[51][0], std::uint64_t(356));
  QCOMPARE(s.second.removedByLength[51][1], std::uint64_t(11));
}

void TrimmerTest::threadsGiveIdenticalOutput() {
  const auto dir = test::scratchDir("reads_trimmer_threads");
  std::string outputs[2];
  for (int run = 0; run < 2; ++run) {
    TrimJob job;
    job.input1 = test::sharedData("fastq_trimgalore_tests/smallRNA_100K.fastq.gz");
    job.output1 = (dir / ("out" + std::to_string(run) + ".fq")).string();
    job.qualityCutoffBack = 20;
    job.adapter1 = parseAdapter("TGGAATTCTCGG");
    job.minOverlap = 1;
    job.threads = run == 0 ? 1 : 4;
    job.chunkReads = run == 0 ? 100000 : 1000;
    const TrimStatistics s = runTrim(job);
    // Trim Galore's report for this file (cutadapt 1.18, -q 20 -O 1 -e 0.1): 95,333 reads with the small-RNA
    // adapter and 9,993 bases quality-trimmed. (It writes 2,414,616 bases, we 2,414,591 = cutadapt 4's choice among
    // equally good alignments in a few reads; cutadapt 4 changed that rule, see adapter_aligner.h.)
    QCOMPARE(s.first.readsWithAdapter, std::uint64_t(95333));
    QCOMPARE(s.first.basesQualityTrimmed, std::uint64_t(9993));
    QVERIFY(s.first.basesOut > 2414516 && s.first.basesOut < 2414716);
    outputs[run] = readWholeFile(job.output1);
  }
  QVERIFY(!outputs[0].empty());
  QVERIFY(outputs[0] == outputs[1]);
}

// tests/cut of cutadapt's repository (expected_outputs_map.tsv): every case whose options DiffBio supports must be
// reproduced byte for byte. The others are listed with the reason they are skipped.
void TrimmerTest::cutadaptTestSuite() {
  const std::string root = test::sharedData("fastq_cutadapt_tests/");
  std::ifstream map(root + "expected_outputs_map.tsv");
  QVERIFY(map.good());
  std::string line;
  std::getline(map, line);  // header
  const auto dir = test::scratchDir("reads_trimmer_cutadapt_suite");
  int run = 0, skipped = 0;
  std::map<std::string, int> skipReasons;
  while (std::getline(map, line)) {
    const auto fields = split(line, '\t');
    if (fields.size() < 7) continue;
    const std::string& mode = fields[0];
    const std::string& name = fields[1];
    const auto args = split(fields[2], ' ');
    std::string reason;
    auto skip = [&](const std::string& why) {
      if (reason.empty()) reason = why;
    };
    if (mode == "interleaved") skip("interleaved FASTQ");
    for (const std::string* input : {&fields[3], &fields[4]}) {
      if (input->empty()) continue;
      const bool fastq = input->find(".fastq") != std::string::npos || input->find(".fq") != std::string::npos;
      if (!fastq) skip("FASTA input (DiffBio trims FASTQ)");
      if (input->find(".bz2") != std::string::npos || input->find(".xz") != std::string::npos) skip("bz2/xz input");
    }
    if (fields[5].find(".fastq") == std::string::npos && fields[5].find(".fq") == std::string::npos)
      skip("FASTA output");
    // lowqual.fastq holds the bases "SEQUENCE1": characters outside ACGTN, which DiffBio rejects by design.
    if (fields[3].find("lowqual.fastq") != std::string::npos) skip("bases outside ACGTN (rejected by design)");
    TrimJob job;
    int adapters1 = 0, adapters2 = 0;
    for (std::size_t i = 0; i < args.size() && reason.empty(); ++i) {
      const std::string& option = args[i];
      if (option.empty()) continue;
      const bool hasValue = i + 1 < args.size();
      const std::string value = hasValue ? args[i + 1] : "";
      try {
        if (option == "-a" && hasValue) {
          job.adapter1 = parseAdapter(value);
          ++adapters1;
          ++i;
        } else if (option == "-A" && hasValue) {
          job.adapter2 = parseAdapter(value);
          ++adapters2;
          ++i;
        } else if (option == "-q" && hasValue) {
          const auto parts = split(value, ',');
          if (parts.size() == 1) job.qualityCutoffBack = std::stoi(parts[0]);
          else { job.qualityCutoffFront = std::stoi(parts[0]); job.qualityCutoffBack = std::stoi(parts[1]); }
          ++i;
        } else if (option == "-e" && hasValue) {
          job.maxErrors = std::stod(value);
          ++i;
        } else if (option == "-O" && hasValue) {
          job.minOverlap = std::stoi(value);
          ++i;
        } else if (option == "-m" && hasValue && value.find(':') == std::string::npos) {
          job.minLength = static_cast<std::size_t>(std::stoul(value));
          ++i;
        } else if (option == "-M" && hasValue && value.find(':') == std::string::npos) {
          job.maxLength = static_cast<std::size_t>(std::stoul(value));
          ++i;
        } else if (option == "--quality-base" && value == "64") {
          job.encoding = data::QualityEncoding::Phred64;
          ++i;
        } else {
          skip("option " + option + " is not supported");
        }
      } catch (const std::invalid_argument& error) {
        skip(std::string("adapter notation not supported (") + error.what() + ")");
      }
    }
    if (adapters1 > 1 || adapters2 > 1) skip("more than one adapter per read");
    if (!reason.empty()) {
      ++skipped;
      ++skipReasons[reason];
      qInfo("skipped %s (%s): %s", name.c_str(), fields[2].c_str(), reason.c_str());
      continue;
    }
    job.input1 = root + fields[3];
    job.output1 = (dir / (name + std::to_string(run) + ".1.fastq")).string();
    if (mode == "paired") {
      job.input2 = root + fields[4];
      job.output2 = (dir / (name + std::to_string(run) + ".2.fastq")).string();
    }
    runTrim(job);
    QVERIFY2(readWholeFile(job.output1) == readWholeFile(root + fields[5]), (name + " " + fields[2] + ": read 1 differs").c_str());
    if (mode == "paired")
      QVERIFY2(readWholeFile(job.output2) == readWholeFile(root + fields[6]), (name + " " + fields[2] + ": read 2 differs").c_str());
    qInfo("passed %s (%s)", name.c_str(), fields[2].c_str());
    ++run;
  }
  qInfo("cutadapt test suite: %d cases run and identical, %d skipped", run, skipped);
  for (const auto& [reason, count] : skipReasons) qInfo("  %3d skipped: %s", count, reason.c_str());
  QVERIFY(run >= 16);  // the 16 cases with supported options, all byte-identical when this was written
}

// The bad-FASTQ corpus through the trimmer: an InputError naming the read, and no output left behind.
void TrimmerTest::badInputLeavesNoOutput() {
  std::ifstream expected(test::testData("bad/fastq/expected.tsv"));
  std::string line;
  std::getline(expected, line);
  int cases = 0;
  while (std::getline(expected, line)) {
    const auto fields = split(line, '\t');
    if (fields.size() < 2) continue;
    const auto dir = test::scratchDir("reads_trimmer_bad");
    TrimJob job;
    job.input1 = test::testData("bad/fastq/" + fields[0]);
    job.output1 = (dir / "out.fq.gz").string();
    job.adapter1 = parseAdapter("AGATCGGAAGAGC");
    job.qualityCutoffBack = 20;
    job.threads = 2;
    job.chunkReads = 1;  // the bad record arrives while workers and writer are busy with earlier chunks
    if (fields.size() > 2 && !fields[2].empty()) {
      job.input2 = test::testData("bad/fastq/" + fields[2]);
      job.output2 = (dir / "out2.fq.gz").string();
    }
    DIFFBIO_EXPECT_INPUT_ERROR(runTrim(job), fields[1].c_str());
    QVERIFY2(std::filesystem::is_empty(dir), ("output left behind for " + fields[0]).c_str());
    ++cases;
  }
  QVERIFY(cases >= 15);
}

QTEST_APPLESS_MAIN(TrimmerTest)
#include "test_trimmer.moc"

// FASTQ reading, pairing, encoding detection and writing, on the real reads in shared/data and on the bad corpus.
#include "test_support.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/io/fastq.h"

namespace fs = std::filesystem;
using diffbio::io::FastqReader;
using diffbio::io::FastqSummary;
using diffbio::io::FastqWriter;
using diffbio::io::PairedFastqReader;
using diffbio::io::QualityEncoding;
using diffbio::io::ReadBatch;
using diffbio::test::sharedData;

namespace {

const std::string kIllumina10K = "fastq_trimgalore_tests/illumina_10K.fastq.gz";
const std::string kCutadapt = "fastq_cutadapt_tests/tests/data/";

// Every read of a file, in chunks of `chunk` reads, gathered into one batch.
ReadBatch readAll(const std::string& path, std::size_t chunk, diffbio::io::FastqReadOptions options = {}) {
  FastqReader reader(path, options);
  ReadBatch all, batch;
  while (reader.next(batch, chunk)) {
    all.setQualityEncoding(batch.qualityEncoding());
    for (std::size_t i = 0; i < batch.size(); ++i) all.appendFrom(batch, i);
  }
  return all;
}

bool sameReads(const ReadBatch& a, const ReadBatch& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a.name(i) != b.name(i) || a.sequence(i) != b.sequence(i) || a.quality(i) != b.quality(i)) return false;
  }
  return true;
}

// Names of files in `dir`, to check that a failed write leaves nothing behind (not even a temporary file).
std::vector<std::string> listDir(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

struct BadCase {
  std::string file, expected, mate;
};

std::vector<BadCase> badCorpus() {
  std::ifstream in(diffbio::test::testData("bad/fastq/expected.tsv"));
  std::vector<BadCase> cases;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    BadCase c;
    std::istringstream fields(line);
    std::getline(fields, c.file, '\t');
    std::getline(fields, c.expected, '\t');
    std::getline(fields, c.mate, '\t');
    cases.push_back(c);
  }
  return cases;
}

}  // namespace

class FastqTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void summarizesTenThousandIlluminaReads() {
    const FastqSummary s = diffbio::io::summarizeFastq(sharedData(kIllumina10K));
    QCOMPARE(s.reads, std::uint64_t(10000));
    QCOMPARE(s.minLength, std::size_t(150));
    QCOMPARE(s.maxLength, std::size_t(150));
    QCOMPARE(s.totalBases, std::uint64_t(1500000));
    QCOMPARE(s.encoding, QualityEncoding::Phred33);  // lowest quality '-' (Q12) is below ';'
    QVERIFY(s.gzip);
  }

  void firstAndLastReadsAreExact() {
    const ReadBatch all = readAll(sharedData(kIllumina10K), 4096);
    QCOMPARE(all.size(), std::size_t(10000));
    QCOMPARE(all.name(0), std::string_view("MS2_16089:1:1101:1740:15559#45/1"));
    QVERIFY(all.sequence(0).substr(0, 30) == "TATGCTATGTGTTGTTTTATAAAATTAATA");
    QVERIFY(all.quality(0).substr(0, 30) == "BBBBBFFFFFFFFGGGGFGGGGGHHHHHHH");
    QCOMPARE(all.name(9999), std::string_view("MS2_16089:1:1101:10305:9026#45/1"));
  }

  void chunkedReadingGivesTheSameReads() {
    const ReadBatch whole = readAll(sharedData(kIllumina10K), 100000);
    const ReadBatch chunked = readAll(sharedData(kIllumina10K), 777);
    QVERIFY(sameReads(whole, chunked));
    const ReadBatch single = readAll(sharedData(kCutadapt + "illumina.fastq.gz"), 1);
    QCOMPARE(single.size(), std::size_t(100));
    QVERIFY(sameReads(single, readAll(sharedData(kCutadapt + "illumina.fastq.gz"), 33)));
  }

  void chunksAreFullUntilTheEnd() {
    FastqReader reader(sharedData(kIllumina10K));
    ReadBatch batch;
    std::vector<std::size_t> sizes;
    while (reader.next(batch, 3000)) sizes.push_back(batch.size());
    QCOMPARE(sizes, (std::vector<std::size_t>{3000, 3000, 3000, 1000}));
    QVERIFY(!reader.next(batch, 3000));  // stays at the end
    QVERIFY(batch.empty());
    QCOMPARE(reader.readsDelivered(), std::uint64_t(10000));
  }

  void fastpPairWithAnEmptyReadAndNoFinalNewline() {
    const std::string r1 = sharedData("fastq_fastp_testdata/R1.fq");
    const std::string r2 = sharedData("fastq_fastp_testdata/R2.fq");
    const FastqSummary s = diffbio::io::summarizePairedFastq(r1, r2);
    QCOMPARE(s.reads, std::uint64_t(9));
    QCOMPARE(s.minLength, std::size_t(0));    // the first read of R1 is empty
    QCOMPARE(s.maxLength, std::size_t(151));
    QCOMPARE(s.totalBases, std::uint64_t(1208 + 1359));
    QVERIFY(!s.gzip);

    PairedFastqReader pair(r1, r2);
    ReadBatch a, b;
    QVERIFY(pair.next(a, b, 100));
    QCOMPARE(a.size(), std::size_t(9));
    QCOMPARE(a.length(0), std::size_t(0));
    QCOMPARE(a.name(0), std::string_view("AS500713:64:HFKJJBGXY:1:11101:1675:1101 1:A:0:TATAGCCT+GACCCCCA"));
    QCOMPARE(b.name(0), std::string_view("AS500713:64:HFKJJBGXY:1:11101:1675:1101 2:A:0:TATAGCCT+GACCCCCA"));
    // The last line has no newline: its qualities must still be complete.
    QVERIFY(a.quality(8).substr(a.quality(8).size() - 10) == "/EEEEAAEEE");
    QCOMPARE(a.length(8), a.quality(8).size());
    QVERIFY(!pair.next(a, b, 100));
  }

  void clockPairInChunks() {
    const std::string r1 = sharedData("fastq_trimgalore_tests/clock_10K_R1.fastq.gz");
    const std::string r2 = sharedData("fastq_trimgalore_tests/clock_10K_R2.fastq.gz");
    const FastqSummary s = diffbio::io::summarizePairedFastq(r1, r2);
    QCOMPARE(s.reads, std::uint64_t(10000));
    QCOMPARE(s.minLength, std::size_t(76));
    QCOMPARE(s.maxLength, std::size_t(76));
    QCOMPARE(s.totalBases, std::uint64_t(1520000));
    QCOMPARE(s.encoding, QualityEncoding::Phred33);

    PairedFastqReader pair(r1, r2);
    ReadBatch a, b;
    std::uint64_t pairs = 0;
    while (pair.next(a, b, 777)) {
      QCOMPARE(a.size(), b.size());
      pairs += a.size();
    }
    QCOMPARE(pairs, std::uint64_t(10000));
  }

  void mateNames() {
    using diffbio::io::mateName;
    QCOMPARE(mateName("HWI-D00436:407:1101:1832:1891 1:N:0: CGATGTTT"), std::string_view("HWI-D00436:407:1101:1832:1891"));
    QCOMPARE(mateName("frag7/1"), std::string_view("frag7"));
    QCOMPARE(mateName("frag7/2 comment"), std::string_view("frag7"));
    QCOMPARE(mateName("frag7/3"), std::string_view("frag7/3"));
    QCOMPARE(mateName("read\tx"), std::string_view("read"));
    QCOMPARE(mateName(""), std::string_view(""));
  }

  void detectsPhred64() {
    const std::string path = sharedData(kCutadapt + "illumina64.fastq");
    const FastqSummary s = diffbio::io::summarizeFastq(path);
    QCOMPARE(s.reads, std::uint64_t(20));
    QCOMPARE(s.minLength, std::size_t(95));
    QCOMPARE(s.encoding, QualityEncoding::Phred64);  // qualities 'B'..'f'

    const ReadBatch reads = readAll(path, 7);
    QCOMPARE(reads.qualityEncoding(), QualityEncoding::Phred64);
    QCOMPARE(reads.name(0), std::string_view("14569"));
    QVERIFY(reads.quality(0).substr(0, 5) == "cceee");  // Q35 35 37 37 37 in Phred+64

    // Forcing Phred+33 reads the same characters and labels them Phred+33.
    const ReadBatch forced = readAll(path, 7, {QualityEncoding::Phred33});
    QCOMPARE(forced.qualityEncoding(), QualityEncoding::Phred33);
    QVERIFY(sameReads(reads, forced));
  }

  void forcingPhred64OnPhred33DataIsAnError() {
    const std::string path = sharedData(kCutadapt + "illumina.fastq.gz");
    DIFFBIO_EXPECT_INPUT_ERROR(readAll(path, 10, {QualityEncoding::Phred64}),
                               "read 1 (line 4): quality '7' at position 11 is below '@'");
    // The same check covers reads already parsed ahead for detection when the encoding is set afterwards.
    FastqReader reader(path);
    const auto [lowest, highest] = reader.scannedQualityRange();
    QCOMPARE(int(lowest), int('#'));
    QCOMPARE(int(highest), int('I'));
    DIFFBIO_EXPECT_INPUT_ERROR(reader.setEncoding(QualityEncoding::Phred64),
                               "read 1 (line 4): quality '7' at position 11 is below '@'");
  }

  void detectionRule() {
    using diffbio::io::detectQualityEncoding;
    QCOMPARE(detectQualityEncoding('#', 'J'), QualityEncoding::Phred33);  // modern Illumina
    QCOMPARE(detectQualityEncoding('!', '~'), QualityEncoding::Phred33);
    QCOMPARE(detectQualityEncoding('B', 'h'), QualityEncoding::Phred64);
    QCOMPARE(detectQualityEncoding('@', 'K'), QualityEncoding::Phred64);
    QCOMPARE(detectQualityEncoding('@', 'J'), QualityEncoding::Phred33);  // ambiguous: the current default
    QCOMPARE(detectQualityEncoding(';', 'h'), QualityEncoding::Phred33);  // Solexa-like: not Phred+64
    QCOMPARE(detectQualityEncoding(255, 0), QualityEncoding::Phred33);    // no qualities at all
  }

  void crlfLineEnds() {
    const ReadBatch reads = readAll(sharedData(kCutadapt + "dos.fastq"), 10);
    QCOMPARE(reads.size(), std::size_t(3));
    QCOMPARE(reads.name(0), std::string_view("prefix:1_13_573/1"));
    QCOMPARE(reads.sequence(0), std::string_view("CGTCCGAANTAGCTACCACCCTGATTAGACAAAT"));
    QCOMPARE(reads.quality(0), std::string_view(")3%)&&&&!.1&(6:<'67..*,:75)'77&&&5"));
    QCOMPARE(reads.maxLength(), std::size_t(34));
  }

  void multiMemberGzipReadsLikeThePlainFile() {
    // cutadapt's multiblock.fastq.gz is two concatenated gzip members holding the same reads as small.fastq.
    const ReadBatch plain = readAll(sharedData(kCutadapt + "small.fastq"), 100);
    QCOMPARE(plain.size(), std::size_t(3));
    QVERIFY(sameReads(plain, readAll(sharedData(kCutadapt + "multiblock.fastq.gz"), 2)));
  }

  void emptyFileHasNoReads() {
    const FastqSummary s = diffbio::io::summarizeFastq(sharedData(kCutadapt + "empty.fastq"));
    QCOMPARE(s.reads, std::uint64_t(0));
    QCOMPARE(s.minLength, std::size_t(0));
    QCOMPARE(s.maxLength, std::size_t(0));
    QCOMPARE(s.encoding, QualityEncoding::Phred33);
  }

  void plusLineMayRepeatTheName() {
    const fs::path dir = diffbio::test::scratchDir("fastq_plus");
    const std::string path = (dir / "plus.fq").string();
    std::ofstream(path) << "@r1 desc\nACGT\n+r1 desc\nIIII\n@r2/1\nAC\n+r2\nII\n\n\n";  // trailing blank lines are fine
    const ReadBatch reads = readAll(path, 5);
    QCOMPARE(reads.size(), std::size_t(2));
    QCOMPARE(reads.name(1), std::string_view("r2/1"));
  }

  void cutadaptFormatErrors() {
    DIFFBIO_EXPECT_INPUT_ERROR(readAll(sharedData(kCutadapt + "format-error.fastq"), 10),
                               "read 1 (line 4): the record has 3 bases but 5 quality characters");
    // cutadapt's file with '+' lines naming other reads also has "SEQUENCE1" as bases, which fails first.
    DIFFBIO_EXPECT_INPUT_ERROR(readAll(sharedData(kCutadapt + "withplus.fastq"), 10),
                               "read 1 (line 2): the bases contain 'S' at position 1");
  }

  void badCorpusGivesClearErrors() {
    const auto cases = badCorpus();
    QVERIFY(cases.size() >= 8);
    for (const BadCase& c : cases) {
      const std::string path = diffbio::test::testData("bad/fastq/" + c.file);
      const std::string mate = diffbio::test::testData("bad/fastq/" + c.mate);
      bool thrown = false;
      try {
        if (c.mate.empty()) diffbio::io::summarizeFastq(path);
        else diffbio::io::summarizePairedFastq(path, mate);
      } catch (const diffbio::InputError& e) {
        thrown = true;
        const std::string message = e.what();
        QVERIFY2(message.find(c.expected) != std::string::npos, qPrintable(QString::fromStdString(c.file + ": " + message)));
        const bool namesFile = message.find(c.file) != std::string::npos ||
                               (!c.mate.empty() && message.find(c.mate) != std::string::npos);
        QVERIFY2(namesFile, qPrintable(QString::fromStdString(message)));
        QVERIFY2(message.find("fix:") != std::string::npos, qPrintable(QString::fromStdString(message)));
      }
      QVERIFY2(thrown, qPrintable(QString::fromStdString("no error for " + c.file)));
    }
  }

  void truncatedGzipNamesTheRead() {
    // The archive is cut inside read 29 (line 116): the reads before the cut are delivered, then the error names the
    // read and line where the data stops.
    DIFFBIO_EXPECT_INPUT_ERROR(readAll(diffbio::test::testData("bad/fastq/truncated.fq.gz"), 10),
                               "truncated.fq.gz:116: read 29: the gzip archive is truncated");
  }

  void gzipRoundTrip() {
    const fs::path dir = diffbio::test::scratchDir("fastq_roundtrip");
    const ReadBatch original = readAll(sharedData(kIllumina10K), 2500);
    for (const std::string name : {"copy.fq.gz", "copy.fq"}) {
      const std::string path = (dir / name).string();
      FastqWriter writer(path);
      FastqReader reader(sharedData(kIllumina10K));
      ReadBatch batch;
      while (reader.next(batch, 999)) writer.write(batch);
      QCOMPARE(writer.readsWritten(), std::uint64_t(10000));
      QVERIFY(!fs::exists(path));  // nothing under the final name before commit()
      writer.commit();
      QCOMPARE(diffbio::io::isGzipFile(path), name == "copy.fq.gz");
      QVERIFY(sameReads(original, readAll(path, 4096)));
    }
    // Phred+64 and the empty read survive a round trip unchanged.
    const std::string p64 = (dir / "p64.fastq").string();
    FastqWriter writer(p64);
    writer.write(readAll(sharedData(kCutadapt + "illumina64.fastq"), 100));
    writer.write("empty", "", "");
    writer.commit();
    const ReadBatch back = readAll(p64, 100);
    QCOMPARE(back.size(), std::size_t(21));
    QCOMPARE(back.qualityEncoding(), QualityEncoding::Phred64);
    QCOMPARE(back.length(20), std::size_t(0));
  }

  void failedWriteLeavesNoFile() {
    const fs::path dir = diffbio::test::scratchDir("fastq_failed_write");
    const std::string path = (dir / "out.fq.gz").string();
    try {
      FastqWriter writer(path);
      writer.write("r1", "ACGT", "IIII");
      writer.write("r2", "ACGT", "III");  // a programming error mid-way: the writer must throw and clean up
      writer.commit();
      QFAIL("expected std::invalid_argument");
    } catch (const std::invalid_argument&) {
    }
    QVERIFY(listDir(dir).empty());
    DIFFBIO_EXPECT_INPUT_ERROR(FastqWriter((dir / "missing-folder" / "out.fq").string()), "cannot create the output");
    QVERIFY(listDir(dir).empty());
  }
};

QTEST_GUILESS_MAIN(FastqTest)
#include "test_fastq.moc"

// ReadBatch storage and its tensors: values on a hand-made batch, shapes and totals on 10,000 real Illumina reads.
#include "test_support.h"

#include <ATen/ATen.h>

#include "core/data/read_batch.h"
#include "core/data/read_batch_tensor.h"
#include "core/io/fastq.h"

using diffbio::data::QualityEncoding;
using diffbio::data::ReadBatch;

namespace {

// Three reads: all four bases and an N, lower case, and an empty read. Qualities Q0, Q10, Q20, Q30, Q40 in Phred+33.
ReadBatch handMade() {
  ReadBatch batch;
  batch.append("r1 first", "ACGTN", "!+5?I");
  batch.append("r2", "acg", "III");
  batch.append("r3 empty", "", "");
  return batch;
}

float at3(const at::Tensor& t, int64_t i, int64_t j, int64_t k) { return t.index({i, j, k}).item<float>(); }
float at2(const at::Tensor& t, int64_t i, int64_t j) { return t.index({i, j}).item<float>(); }
bool mask2(const at::Tensor& t, int64_t i, int64_t j) { return t.index({i, j}).item<bool>(); }
double total(const at::Tensor& t) { return t.to(at::kDouble).sum().item<double>(); }

}  // namespace

class ReadBatchTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void storesReadsCompactly() {
    const ReadBatch batch = handMade();
    QCOMPARE(batch.size(), std::size_t(3));
    QCOMPARE(batch.name(0), std::string_view("r1 first"));
    QCOMPARE(batch.sequence(0), std::string_view("ACGTN"));
    QCOMPARE(batch.quality(0), std::string_view("!+5?I"));
    QCOMPARE(batch.sequence(1), std::string_view("acg"));
    QCOMPARE(batch.name(2), std::string_view("r3 empty"));
    QCOMPARE(batch.sequence(2), std::string_view(""));
    QCOMPARE(batch.length(1), std::size_t(3));
    QCOMPARE(batch.minLength(), std::size_t(0));
    QCOMPARE(batch.maxLength(), std::size_t(5));
    QCOMPARE(batch.totalBases(), std::uint64_t(8));
    QCOMPARE(batch.bytesUsed(), std::size_t(8 + 5 + 5 + 2 + 3 + 3 + 8));  // one buffer: names, bases, qualities
  }

  void clearKeepsNothingButMemory() {
    ReadBatch batch = handMade();
    batch.clear();
    QVERIFY(batch.empty());
    QCOMPARE(batch.minLength(), std::size_t(0));
    QCOMPARE(batch.maxLength(), std::size_t(0));
    batch.append("x", "GG", "II");
    QCOMPARE(batch.minLength(), std::size_t(2));
    QCOMPARE(batch.totalBases(), std::uint64_t(2));
  }

  void appendFromItselfSurvivesReallocation() {
    ReadBatch batch;
    batch.append("seed", std::string(100, 'A'), std::string(100, 'I'));
    for (int i = 0; i < 200; ++i) batch.appendFrom(batch, batch.size() - 1);  // the buffer grows many times
    QCOMPARE(batch.size(), std::size_t(201));
    QCOMPARE(batch.sequence(200), std::string_view(std::string(100, 'A')));
    QCOMPARE(batch.name(200), std::string_view("seed"));
  }

  void rejectsQualitiesOfAnotherLength() {
    ReadBatch batch;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, batch.append("x", "ACGT", "III"));
    QVERIFY(batch.empty());
  }

  void oneHotOnAHandMadeBatch() {
    const at::Tensor x = diffbio::data::oneHotTensor(handMade());
    QCOMPARE(x.sizes().vec(), (std::vector<int64_t>{3, 5, 4}));
    QCOMPARE(x.scalar_type(), at::kFloat);
    for (int base = 0; base < 4; ++base)
      for (int channel = 0; channel < 4; ++channel) QCOMPARE(at3(x, 0, base, channel), base == channel ? 1.0f : 0.0f);
    QCOMPARE(total(x.index({0, 4})), 0.0);  // N is all zeros
    QCOMPARE(at3(x, 1, 0, 0), 1.0f);        // lower case counts as the base
    QCOMPARE(at3(x, 1, 2, 2), 1.0f);
    QCOMPARE(total(x.index({1})), 3.0);     // padding positions 3 and 4 are zero
    QCOMPARE(total(x.index({2})), 0.0);     // the empty read
  }

  void phredAndMaskOnAHandMadeBatch() {
    const ReadBatch batch = handMade();
    const at::Tensor q = diffbio::data::phredTensor(batch);
    QCOMPARE(q.sizes().vec(), (std::vector<int64_t>{3, 5}));
    const float expected[5] = {0, 10, 20, 30, 40};
    for (int j = 0; j < 5; ++j) QCOMPARE(at2(q, 0, j), expected[j]);
    QCOMPARE(at2(q, 1, 2), 40.0f);
    QCOMPARE(at2(q, 1, 3), 0.0f);

    const at::Tensor m = diffbio::data::lengthMask(batch);
    QCOMPARE(m.scalar_type(), at::kBool);
    QCOMPARE(m.sizes().vec(), (std::vector<int64_t>{3, 5}));
    QVERIFY(mask2(m, 0, 4));
    QVERIFY(mask2(m, 1, 2));
    QVERIFY(!mask2(m, 1, 3));
    QCOMPARE(total(m), 8.0);
  }

  void phred64UsesItsOffset() {
    ReadBatch batch;
    batch.setQualityEncoding(QualityEncoding::Phred64);
    batch.append("x", "AC", "@h");  // Q0 and Q40 in Phred+64
    const at::Tensor q = diffbio::data::phredTensor(batch);
    QCOMPARE(at2(q, 0, 0), 0.0f);
    QCOMPARE(at2(q, 0, 1), 40.0f);
  }

  void fixedLengthCutsAndPads() {
    const ReadBatch batch = handMade();
    const at::Tensor cut = diffbio::data::oneHotTensor(batch, 3);
    QCOMPARE(cut.sizes().vec(), (std::vector<int64_t>{3, 3, 4}));
    QCOMPARE(total(cut.index({0})), 3.0);  // A, C, G kept; T and N cut
    const at::Tensor padded = diffbio::data::lengthMask(batch, 7);
    QCOMPARE(padded.sizes().vec(), (std::vector<int64_t>{3, 7}));
    QCOMPARE(total(padded), 8.0);
    QCOMPARE(total(diffbio::data::lengthMask(batch, 3)), 6.0);  // 3 + 3 + 0
    QCOMPARE(diffbio::data::phredTensor(batch, 0).sizes().vec(), (std::vector<int64_t>{3, 0}));
  }

  void emptyBatchGivesEmptyTensors() {
    const ReadBatch batch;
    QCOMPARE(diffbio::data::oneHotTensor(batch).sizes().vec(), (std::vector<int64_t>{0, 0, 4}));
    QCOMPARE(diffbio::data::phredTensor(batch, 20).sizes().vec(), (std::vector<int64_t>{0, 20}));
  }

  void tensorsOfTenThousandIlluminaReads() {
    diffbio::io::FastqReader reader(diffbio::test::sharedData("fastq_trimgalore_tests/illumina_10K.fastq.gz"));
    ReadBatch batch;
    QVERIFY(reader.next(batch, 20000));
    QCOMPARE(batch.size(), std::size_t(10000));

    const at::Tensor x = diffbio::data::oneHotTensor(batch);
    QCOMPARE(x.sizes().vec(), (std::vector<int64_t>{10000, 150, 4}));
    // Base counts of the whole file (it holds no N), counted independently with a script.
    const at::Tensor perChannel = x.to(at::kDouble).sum(at::IntArrayRef{0, 1});
    QCOMPARE(perChannel[0].item<double>(), 624903.0);
    QCOMPARE(perChannel[1].item<double>(), 300433.0);
    QCOMPARE(perChannel[2].item<double>(), 135497.0);
    QCOMPARE(perChannel[3].item<double>(), 439167.0);

    const at::Tensor q = diffbio::data::phredTensor(batch);
    QCOMPARE(q.sizes().vec(), (std::vector<int64_t>{10000, 150}));
    QCOMPARE(total(q), 54572935.0);  // sum of (quality character - 33) over all bases
    QCOMPARE(at2(q, 0, 0), 33.0f);    // first read starts "BBBBB"
    QCOMPARE(total(diffbio::data::lengthMask(batch)), 1500000.0);
  }
};

QTEST_GUILESS_MAIN(ReadBatchTest)
#include "test_read_batch.moc"

#include "plots/quality_heatmap.h"

#include <QLocale>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/io/fastq.h"

namespace diffbio::plots {

namespace {

// Reservoir sampling (Algorithm R): after n reads, each has probability maxReads / n of being in the sample.
class Reservoir {
 public:
  Reservoir(std::size_t capacity, std::uint64_t seed) : capacity_(capacity), random_(seed) {}
  void offer(std::string_view name, std::string_view quality, int offset) {
    ++sample_.readsSeen;
    std::size_t slot = sample_.phred.size();
    if (slot >= capacity_) {
      slot = std::uniform_int_distribution<std::uint64_t>(0, sample_.readsSeen - 1)(random_);
      if (slot >= capacity_) return;
    } else {
      sample_.phred.emplace_back();
      sample_.names.emplace_back();
    }
    auto& row = sample_.phred[slot];
    row.resize(quality.size());
    for (std::size_t i = 0; i < quality.size(); ++i) row[i] = std::uint8_t(std::max(0, int(quality[i]) - offset));
    const auto space = name.find_first_of(" \t");
    sample_.names[slot] = std::string(name.substr(0, space));
  }
  QualitySample take() { return std::move(sample_); }

 private:
  std::size_t capacity_;
  std::mt19937_64 random_;
  QualitySample sample_;
};

void offerBatch(Reservoir& reservoir, const data::ReadBatch& reads) {
  const int offset = data::qualityOffset(reads.qualityEncoding());
  for (std::size_t i = 0; i < reads.size(); ++i) reservoir.offer(reads.name(i), reads.quality(i), offset);
}

double meanOf(const std::vector<std::uint8_t>& row) {
  return row.empty() ? 0 : std::accumulate(row.begin(), row.end(), 0.0) / double(row.size());
}

}  // namespace

QualitySample sampleQualities(const std::string& fastqPath, std::size_t maxReads, std::uint64_t seed) {
  io::FastqReader reader(fastqPath);
  Reservoir reservoir(maxReads, seed);
  data::ReadBatch batch;
  while (reader.next(batch, 4096)) offerBatch(reservoir, batch);
  return reservoir.take();
}

QualitySample sampleQualities(const data::ReadBatch& reads, std::size_t maxReads, std::uint64_t seed) {
  Reservoir reservoir(maxReads, seed);
  offerBatch(reservoir, reads);
  return reservoir.take();
}

std::vector<std::size_t> qualityHeatmapOrder(const QualitySample& sample) {
  std::vector<double> means(sample.phred.size());
  for (std::size_t r = 0; r < means.size(); ++r) means[r] = meanOf(sample.phred[r]);
  std::vector<std::size_t> order(means.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (means[a] != means[b]) return means[a] > means[b];
    return sample.names[a] < sample.names[b];
  });
  return order;
}

PlotModel qualityHeatmap(const QualitySample& sample, const QualityHeatmapOptions& options) {
  const std::size_t rows = sample.phred.size();
  std::size_t longest = 0;
  for (const auto& row : sample.phred) longest = std::max(longest, row.size());
  PlotModel model;
  model.title = options.title.isEmpty() ? QStringLiteral("Base quality per read") : options.title;
  model.xLabel = QStringLiteral("position in read (bp)");
  model.yLabel = QStringLiteral("reads, by mean quality");
  model.legendCounts = false;
  const int top = std::max(1, options.maxPhred);
  const std::vector<QColor> steps = sampleColourMap(options.colourMap, top + 1);
  model.colourBar = {QStringLiteral("Phred"), 0, double(top), steps};
  model.legendPosition = LegendPosition::Right;

  if (rows > 0 && longest > 0) {
    QImage image(int(longest), int(rows), QImage::Format_RGB32);
    image.fill(Qt::white);
    const auto order = qualityHeatmapOrder(sample);
    for (std::size_t y = 0; y < rows; ++y) {
      auto* line = reinterpret_cast<QRgb*>(image.scanLine(int(y)));
      const auto& row = sample.phred[order[y]];
      for (std::size_t x = 0; x < row.size(); ++x) line[x] = steps[std::min<int>(row[x], top)].rgb();
    }
    // Image pixel (x, y) covers position x + 1 and read rank y + 1 (rank 1, the best read, in the top row), which
    // is at data y = rows - y: the y axis counts reads from the worst (1, bottom) to the best (top).
    model.image = {image, 0.5, double(longest) + 0.5, 0.5, double(rows) + 0.5};
  }
  model.autoRange = false;
  model.xMin = 0.5, model.xMax = double(std::max<std::size_t>(longest, 1)) + 0.5;
  model.yMin = 0.5, model.yMax = double(std::max<std::size_t>(rows, 1)) + 0.5;
  // How many reads are shown goes in the axis title: a note inside the area would cover cells.
  QLocale c = QLocale::c();
  c.setNumberOptions({});  // "10,000": the C locale omits group separators by default
  if (sample.readsSeen > rows)
    model.yLabel = QStringLiteral("%1 of %2 reads, by mean quality")
                       .arg(c.toString(qulonglong(rows)), c.toString(qulonglong(sample.readsSeen)));

  // The plotted data in summary: quality per position over the rows shown.
  model.table.header = {QStringLiteral("position"), QStringLiteral("reads"), QStringLiteral("mean_phred"),
                        QStringLiteral("sd_phred")};
  for (std::size_t x = 0; x < longest; ++x) {
    double sum = 0, squares = 0;
    std::size_t n = 0;
    for (const auto& row : sample.phred)
      if (x < row.size()) sum += row[x], squares += double(row[x]) * row[x], ++n;
    const double mean = n ? sum / double(n) : std::nan("");
    const double sd = n > 1 ? std::sqrt(std::max(0.0, (squares - double(n) * mean * mean) / double(n - 1))) : 0;
    model.table.rows.push_back({QString::number(x + 1), QString::number(n), QString::number(mean, 'g', 10),
                                QString::number(sd, 'g', 10)});
  }
  return model;
}

}  // namespace diffbio::plots

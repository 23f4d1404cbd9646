#include "core/reads/trim_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/io/atomic_output.h"

namespace diffbio::reads {

namespace {

using Json = nlohmann::ordered_json;

Json qualityJson(const PositionQuality& quality) {
  Json mean = Json::array(), sd = Json::array(), bases = Json::array();
  for (std::size_t j = 0; j < quality.positions(); ++j) {
    mean.push_back(quality.mean(j));
    sd.push_back(quality.standardDeviation(j));
    bases.push_back(quality.bases(j));
  }
  Json out;
  out["mean"] = quality.overallMean();
  out["fraction_q20"] = quality.fractionAtLeast(20);
  out["fraction_q30"] = quality.fractionAtLeast(30);
  out["per_position_mean"] = std::move(mean);
  out["per_position_sd"] = std::move(sd);
  out["per_position_bases"] = std::move(bases);
  return out;
}

Json mateJson(const MateStatistics& mate, const std::optional<AdapterSequence>& adapter, const TrimJob& job) {
  Json out;
  out["reads_in"] = mate.readsIn;
  out["bases_in"] = mate.basesIn;
  out["bases_quality_trimmed"] = mate.basesQualityTrimmed;
  out["reads_with_adapter"] = mate.readsWithAdapter;
  out["bases_adapter_trimmed"] = mate.basesAdapterTrimmed;
  out["reads_out"] = mate.readsOut;
  out["bases_out"] = mate.basesOut;
  if (adapter) {
    Json a;
    a["name"] = adapter->name;
    a["sequence"] = adapter->sequence;
    const AdapterAligner aligner(adapter->sequence, job.maxErrors, job.minOverlap);
    a["max_error_rate"] = aligner.maxErrorRate();
    a["min_overlap"] = job.minOverlap;
    Json removed = Json::array();
    for (std::size_t length = 0; length < mate.removedByLength.size(); ++length) {
      std::uint64_t count = 0;
      for (const auto c : mate.removedByLength[length]) count += c;
      if (count == 0) continue;
      Json row;
      row["length"] = length;
      row["count"] = count;
      row["max_errors"] = aligner.allowedErrors(static_cast<int>(std::min<std::size_t>(length, aligner.adapter().size())));
      row["error_counts"] = mate.removedByLength[length];
      removed.push_back(std::move(row));
    }
    a["removed_lengths"] = std::move(removed);
    Json preceding;
    const char* names[] = {"A", "C", "G", "T", "none/other"};
    for (int b = 0; b < 5; ++b) preceding[names[b]] = mate.precedingBase[b];
    a["bases_preceding"] = std::move(preceding);
    a["adapter_starts"] = mate.adapterStarts;
    out["adapter"] = std::move(a);
  }
  out["lengths_out"] = mate.lengthsOut;
  out["quality_in"] = qualityJson(mate.qualityIn);
  out["quality_out"] = qualityJson(mate.qualityOut);
  return out;
}

}  // namespace

std::string trimReportJson(const TrimJob& job, const TrimStatistics& statistics, double seconds) {
  Json report;
  report["format"] = "diffbio-trim-report";
  report["version"] = 1;
  Json settings;
  settings["input1"] = job.input1;
  if (statistics.paired) settings["input2"] = job.input2;
  settings["quality_cutoff_front"] = job.qualityCutoffFront;
  settings["quality_cutoff_back"] = job.qualityCutoffBack;
  settings["error_rate"] = job.maxErrors;
  settings["min_overlap"] = job.minOverlap;
  settings["min_length"] = job.minLength;
  if (job.maxLength) settings["max_length"] = *job.maxLength;
  settings["threads"] = job.threads;
  report["settings"] = std::move(settings);
  report["paired"] = statistics.paired;
  report["reads_in"] = statistics.readsIn;
  report["too_short"] = statistics.tooShort;
  report["too_long"] = statistics.tooLong;
  report["reads_out"] = statistics.readsOut;
  report["bases_in"] = statistics.first.basesIn + statistics.second.basesIn;
  report["bases_quality_trimmed"] = statistics.first.basesQualityTrimmed + statistics.second.basesQualityTrimmed;
  report["bases_out"] = statistics.first.basesOut + statistics.second.basesOut;
  report["seconds"] = seconds;
  report["read1"] = mateJson(statistics.first, job.adapter1, job);
  if (statistics.paired) report["read2"] = mateJson(statistics.second, job.adapter2, job);
  return report.dump(1) + "\n";
}

void writeTrimReport(const std::string& path, const TrimJob& job, const TrimStatistics& statistics, double seconds) {
  io::AtomicOutputFile out(path);
  out.write(trimReportJson(job, statistics, seconds));
  out.commit();
}

void printTrimSummary(std::ostream& out, const TrimJob& job, const TrimStatistics& s, double seconds) {
  auto percent = [](std::uint64_t part, std::uint64_t whole) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
    return std::string(text);
  };
  const char* unit = s.paired ? "pairs" : "reads";
  const std::uint64_t basesIn = s.first.basesIn + s.second.basesIn;
  const std::uint64_t basesOut = s.first.basesOut + s.second.basesOut;
  const std::uint64_t qualityTrimmed = s.first.basesQualityTrimmed + s.second.basesQualityTrimmed;
  out << "total " << unit << " processed: " << s.readsIn << "\n";
  out << "  read 1 with adapter: " << s.first.readsWithAdapter << " (" << percent(s.first.readsWithAdapter, s.readsIn)
      << ")\n";
  if (s.paired)
    out << "  read 2 with adapter: " << s.second.readsWithAdapter << " ("
        << percent(s.second.readsWithAdapter, s.readsIn) << ")\n";
  out << unit << " too short: " << s.tooShort << " (" << percent(s.tooShort, s.readsIn) << ")\n";
  if (job.maxLength) out << unit << " too long: " << s.tooLong << " (" << percent(s.tooLong, s.readsIn) << ")\n";
  out << unit << " written: " << s.readsOut << " (" << percent(s.readsOut, s.readsIn) << ")\n";
  out << "bases processed: " << basesIn << "; quality-trimmed: " << qualityTrimmed << " ("
      << percent(qualityTrimmed, basesIn) << "); written: " << basesOut << " (" << percent(basesOut, basesIn) << ")\n";
  out << "time: " << seconds << " s\n";
}

}  // namespace diffbio::reads

#pragma once
// The report of a trimming run: JSON for programs (--report) and a short cutadapt-style summary for people.
#include <ostream>
#include <string>

#include "core/reads/trim_runner.h"
#include "core/reads/trim_statistics.h"

namespace diffbio::reads {

// The JSON text: settings, reads and bases in/out, bases quality-trimmed, reads with adapters, removed lengths with
// error counts, bases preceding adapters, adapter starts, written lengths and per-position quality (mean, sd) in and
// out.
std::string trimReportJson(const TrimJob& job, const TrimStatistics& statistics, double seconds);

// Written atomically (nothing appears if writing fails).
void writeTrimReport(const std::string& path, const TrimJob& job, const TrimStatistics& statistics, double seconds);

void printTrimSummary(std::ostream& out, const TrimJob& job, const TrimStatistics& statistics, double seconds);

}  // namespace diffbio::reads

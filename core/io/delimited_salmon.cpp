// salmon quant.sf (and quant.genes.sf): one sample's estimated read counts per transcript or gene.
#include <filesystem>
#include <unordered_map>

#include "core/io/delimited_columns.h"
#include "core/io/delimited_count_cell.h"
#include "core/io/delimited_counts.h"
#include "core/io/delimited_fields.h"
#include "core/util/error.h"

namespace diffbio::io {

namespace {

namespace fs = std::filesystem;

struct SampleName {
  std::string name;
  bool fromFolder = false;
};

// salmon always writes quant.sf inside the sample's output folder, so the folder names the sample; a renamed file
// (sample1.sf) names it itself.
SampleName salmonSampleName(const std::string& path) {
  const fs::path p(path);
  const std::string file = p.filename().string();
  if (file.rfind("quant", 0) == 0) {  // quant.sf, quant.genes.sf, optionally .gz
    const std::string folder = fs::absolute(p).parent_path().filename().string();
    if (!folder.empty()) return {folder, true};
  }
  std::string name = file;
  for (const std::string suffix : {".gz", ".sf"}) {
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      name.resize(name.size() - suffix.size());
  }
  return {name, false};
}

std::ptrdiff_t indexOf(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t j = 0; j < header.size(); ++j)
    if (header[j] == name) return static_cast<std::ptrdiff_t>(j);
  return -1;
}

std::string joinNames(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

}  // namespace

LoadedCounts readSalmonQuant(const std::string& path) {
  constexpr const char* kLayoutFix =
      "use the quant.sf that salmon quant writes: a tab-separated header Name, Length, EffectiveLength, TPM, "
      "NumReads, then one line per transcript";
  DelimitedLines lines(path);
  std::vector<std::string_view> fields;
  if (!lines.next(fields)) throw InputError({path}, "the file is empty", kLayoutFix);
  const long headerLine = lines.lineNumber();
  const std::vector<std::string> header(fields.begin(), fields.end());
  const std::ptrdiff_t nameField = indexOf(header, "Name");
  const std::ptrdiff_t countField = indexOf(header, "NumReads");
  if (nameField != 0 || countField < 0) {
    throw InputError(lines.at(countField < 0 ? 0 : 1),
                     std::string("this salmon quant.sf header has no ") + (countField < 0 ? "NumReads" : "Name") +
                         " column" + (countField < 0 ? "" : " first") + " (it has: " + joinNames(header) + ")",
                     kLayoutFix);
  }
  for (std::size_t j = 1; j < header.size(); ++j) {
    for (std::size_t k = 0; k < j; ++k) {
      if (header[k] == header[j]) {
        throw InputError(lines.at(static_cast<long>(j) + 1), "the column name '" + header[j] + "' appears twice",
                         kLayoutFix);
      }
    }
  }
  const SampleName sample = salmonSampleName(path);

  std::vector<std::string> names;
  std::vector<double> counts;
  std::vector<std::vector<std::string>> others(header.size());  // text of the annotation columns
  std::unordered_map<std::string, long> lineOfName;
  while (lines.next(fields)) {
    const long line = lines.lineNumber();
    if (fields.size() != header.size()) {
      throw InputError(lines.at(static_cast<long>(std::min(fields.size(), header.size())) + 1),
                       "this row has " + std::to_string(fields.size()) + " fields but the header has " +
                           std::to_string(header.size()),
                       kLayoutFix);
    }
    std::string name(fields[0]);
    if (name.empty()) throw InputError(lines.at(1), "empty transcript name", kLayoutFix);
    const auto [it, added] = lineOfName.emplace(name, line);
    if (!added) {
      throw InputError(lines.at(1), "duplicate name '" + name + "', already on line " + std::to_string(it->second),
                       "each transcript (or gene) must appear once; check that the file was not edited or merged");
    }
    const ParsedNumber parsed = parseNumber(fields[countField]);
    if (!isValidCount(parsed)) throwBadCountCell(lines.at(countField + 1), fields[countField], parsed, "NumReads", name);
    counts.push_back(parsed.value);
    for (std::size_t j = 1; j < header.size(); ++j)
      if (static_cast<std::ptrdiff_t>(j) != countField) others[j].emplace_back(fields[j]);
    names.push_back(std::move(name));
  }
  if (names.empty()) {
    throw InputError({path, headerLine}, "the file has a header line but no transcripts", kLayoutFix);
  }

  LoadedCounts loaded;
  loaded.format = Format::SalmonQuant;
  data::CountMatrix::Dense values = Eigen::Map<const Eigen::RowVectorXd>(counts.data(), counts.size());
  loaded.matrix = data::CountMatrix::fromDense(std::move(values), {sample.name}, names, data::AssayKind::Bulk);
  loaded.obs = data::Table(loaded.matrix.obsNames());
  loaded.obs.indexName = "sample";
  loaded.var = data::Table(loaded.matrix.geneNames());
  loaded.var.indexName = "Name";
  for (std::size_t j = 1; j < header.size(); ++j)
    if (static_cast<std::ptrdiff_t>(j) != countField)
      loaded.var.addColumn(typedColumn(header[j], others[j], TextColumnAs::String));
  loaded.matrixSource = "NumReads column";
  loaded.notes.push_back("one sample, named '" + sample.name + "' after " +
                         (sample.fromFolder ? "the folder holding the file" : "the file"));
  if (!loaded.matrix.flags().allInteger) {
    loaded.notes.push_back("NumReads are salmon's estimated read counts and not whole numbers; count models such as "
                           "DESeq2 round them (as tximport does)");
  }
  return loaded;
}

}  // namespace diffbio::io

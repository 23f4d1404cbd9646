#include "core/io/count_readers.h"

#include "core/io/delimited_counts.h"
#include "core/io/h5ad.h"
#include "core/io/matrix_market.h"
#include "core/io/tenx.h"
#include "core/util/error.h"

namespace diffbio::io {

LoadedCounts readCounts(const std::string& path, const CountReadOptions& options) {
  const FormatGuess guess = sniffFormat(path);
  LoadedCounts loaded;
  switch (guess.format) {
    case Format::DelimitedTable:
    case Format::FeatureCounts: loaded = readDelimitedCounts(path, options); break;
    case Format::SalmonQuant: loaded = readSalmonQuant(path); break;
    case Format::MatrixMarket: loaded = readMatrixMarket(path, options.mtxRowsAreObs ? MtxOrientation::RowsAreObs
                                                                          : MtxOrientation::RowsAreGenes);
      break;
    case Format::TenxMtxDir: loaded = readTenxMtxDir(path); break;
    case Format::TenxH5: loaded = readTenxH5(path, options.genome); break;
    case Format::H5ad: loaded = readH5ad(path, options); break;
    case Format::Fastq:
      throw InputError({path}, "this is a FASTQ file of sequencing reads, not a count matrix",
                       "open it as reads (the reads pipeline), or choose a count table, 10x or h5ad file");
    case Format::Unknown:
      throw InputError({path}, "unknown format");
  }
  loaded.format = guess.format;
  return loaded;
}

}  // namespace diffbio::io

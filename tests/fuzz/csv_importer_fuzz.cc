// libFuzzer target: the NB201 CSV importer. The input becomes nb201.csv (the other three files are
// absent, so a well-formed input ends in "file not found" for the next one); everything malformed
// must be a DataError or ConfigError, never a crash.
#include <cstdint>
#include <fstream>

#include "benchmarks_data/csv_table.h"
#include "benchmarks_data/importers/nb201_importer.h"
#include "core/errors.h"
#include "tests/fuzz/scratch_path.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const naskit::fuzz::ScratchPath scratch("naskit-fuzz-csv", "", /*folder=*/true);
  const std::string& dir = scratch.str();
  std::ofstream(dir + "/nb201.csv", std::ios::binary)
      .write(reinterpret_cast<const char*>(data), size);
  try {
    const naskit::CsvTable csv = naskit::CsvTable::Read(dir + "/nb201.csv");
    for (std::size_t row = 0; row < csv.NumRows(); ++row) {
      for (std::size_t col = 0; col < csv.header().size(); ++col) {
        try {
          csv.Real(row, col);
        } catch (const naskit::DataError&) {
        }
      }
    }
    naskit::ImportNb201(dir);
  } catch (const naskit::DataError&) {
  } catch (const naskit::ConfigError&) {
  }
  return 0;
}

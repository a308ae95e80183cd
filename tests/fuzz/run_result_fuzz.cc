// libFuzzer target: run result files, the input of `naskit report` and `naskit verify`. Anything
// that is not a well-formed result must be a DataError (or IoError) naming the file; never a crash.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "records/run_result.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("naskit-fuzz-result-" + std::to_string(::getpid()) + ".json"))
                                      .string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), size);
  try {
    const naskit::RunResult r = naskit::ReadRunResult(path);
    // What the report reads of a result it accepted must be there.
    for (std::size_t d = 0; d < r.report_datasets.size(); ++d) {
      if (r.curve.size() != r.report_datasets.size() || r.best.size() != r.report_datasets.size()) {
        std::abort();
      }
      r.FinalReport(d);
    }
  } catch (const naskit::DataError&) {
  }
  return 0;
}

// libFuzzer target: run result files, the input of `naskit report` and `naskit verify`. Anything
// that is not a well-formed result must be a DataError naming the file; never a crash. What the
// reader accepts, the writer writes, and that text reads back into the same result.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/errors.h"
#include "records/run_result.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const naskit::RunResult r = naskit::ParseRunResult(text, "fuzz.json");
    // What the report reads of a result it accepted must be there.
    if (r.curve.size() != r.report_datasets.size() || r.best.size() != r.report_datasets.size()) {
      std::abort();
    }
    for (std::size_t d = 0; d < r.report_datasets.size(); ++d) r.FinalReport(d);
    const std::string written = naskit::RunResultJson(r);
    if (naskit::RunResultJson(naskit::ParseRunResult(written, "fuzz.json")) != written) {
      std::abort();
    }
  } catch (const naskit::DataError&) {
  }
  return 0;
}

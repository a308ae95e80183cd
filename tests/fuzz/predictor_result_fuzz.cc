// libFuzzer target: predictor trial results, the input of `naskit report` for predictor suites.
// Anything that is not a well-formed result must be a DataError naming the file; never a crash.
// What the reader accepts lies within the bounds it promises, and the writer's text reads back into
// the same record.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/errors.h"
#include "records/predictor_result.h"

namespace {

// A statistic the reader accepted: undefined (NaN) or within [lo, hi].
bool Within(double value, double lo, double hi) {
  return std::isnan(value) || (value >= lo && value <= hi);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const naskit::PredictorRecord r = naskit::ParsePredictorResult(text, "fuzz.json");
    if (!Within(r.kendall_tau, -1, 1) || !Within(r.spearman, -1, 1) || !Within(r.pearson, -1, 1) ||
        !Within(r.precision_at_10, 0, 1) || !Within(r.rmse, 0, INFINITY) ||
        !Within(r.rmse_top_10, 0, INFINITY)) {
      std::abort();
    }
    const std::string written = naskit::PredictorResultJson(r);
    if (naskit::PredictorResultJson(naskit::ParsePredictorResult(written, "fuzz.json")) !=
        written) {
      std::abort();
    }
  } catch (const naskit::DataError&) {
  }
  return 0;
}

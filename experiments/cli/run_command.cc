// `naskit run` and `naskit report`.
#include "core/errors.h"
#include "experiments/cli/cli_util.h"

namespace naskit::cli {

int RunCommand(const Args&) { throw ConfigError("run: not available yet"); }
int ReportCommand(const Args&) { throw ConfigError("report: not available yet"); }

}  // namespace naskit::cli

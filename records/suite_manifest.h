// A results folder's manifest: the suite that wrote it, as `naskit run` and `naskit
// eval-predictors` record it when they claim the folder (`<out>/suite.yaml`, the suite after
// overrides, re-emitted; core/job_runner.h). Reports read it for the suite's name and the order in
// which it lists its strategies (or predictors) and experiments.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace naskit {

struct SuiteManifest {
  std::string path;  // <folder>/suite.yaml
  std::string name;
  bool predictors = false;          // a predictor suite (`predictors:`), else a search suite
  std::vector<std::string> labels;  // strategies' or predictors' labels (default: their keys)
  std::vector<std::string> experiments;
};

// The manifest of `results_dir`; nullopt when it has none. Throws DataError naming the file for
// one that is not a suite naskit writes.
std::optional<SuiteManifest> ReadSuiteManifest(const std::string& results_dir);

// Whether the YAML file at `path` is a predictor suite (a top-level `predictors:` key); false for
// anything unreadable, which the suite loader then explains.
bool IsPredictorSuite(const std::string& path);

}  // namespace naskit

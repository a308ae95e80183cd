// Reading a results folder's manifest; see suite_manifest.h.
#include "records/suite_manifest.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "core/errors.h"

namespace naskit {

bool IsPredictorSuite(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return false;
  try {
    const YAML::Node root = YAML::LoadFile(path);
    return root.IsMap() && root["predictors"];
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<SuiteManifest> ReadSuiteManifest(const std::string& results_dir) {
  SuiteManifest m;
  m.path = results_dir + "/suite.yaml";
  std::error_code error;
  if (!std::filesystem::exists(m.path, error)) return std::nullopt;
  try {
    const YAML::Node suite = YAML::LoadFile(m.path);
    if (!suite.IsMap()) throw YAML::Exception(YAML::Mark::null_mark(), "not a map");
    m.predictors = static_cast<bool>(suite["predictors"]);
    if (suite["name"]) m.name = suite["name"].as<std::string>();
    const char* kind = m.predictors ? "predictor" : "strategy";
    for (const auto& entry : suite[m.predictors ? "predictors" : "strategies"]) {
      m.labels.push_back(entry["label"] ? entry["label"].as<std::string>()
                                        : entry[kind].as<std::string>());
    }
    for (const auto& e : suite["experiments"]) m.experiments.push_back(e["name"].as<std::string>());
  } catch (const YAML::Exception& e) {
    throw DataError(m.path + ": not the suite file naskit writes into a results folder (" + e.msg +
                    ")");
  }
  return m;
}

}  // namespace naskit

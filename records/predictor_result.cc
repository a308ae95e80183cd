// The predictor result reader; see predictor_result.h.
#include "records/predictor_result.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/errors.h"

namespace naskit {

bool IsPredictorSuite(const std::string& path) {
  // Anything unreadable is left to the suite loader, which says what is wrong with it.
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) return false;
  try {
    const YAML::Node root = YAML::LoadFile(path);
    return root.IsMap() && root["predictors"];
  } catch (const std::exception&) {
    return false;
  }
}

PredictorRecord ReadPredictorResult(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw DataError(path + ": not a JSON object");
  auto fail = [&](const std::string& key, const std::string& what) -> DataError {
    return DataError(path + ": key " + Quote(key) + ": " + what);
  };
  if (j.value("format", "") != kPredictorResultFormat) {
    throw fail("format", "expected " + Quote(kPredictorResultFormat) +
                             " (a result of `naskit "
                             "eval-predictors`)");
  }
  if (!j.contains("format_version") || !j["format_version"].is_number_integer() ||
      j["format_version"].get<int>() > kPredictorResultFormatVersion) {
    throw fail("format_version",
               fmt::format("expected an integer up to {}", kPredictorResultFormatVersion));
  }
  auto string = [&](const nlohmann::json& object, const std::string& key) {
    if (!object.contains(key) || !object[key].is_string()) throw fail(key, "expected a string");
    return object[key].get<std::string>();
  };
  auto count = [&](const std::string& key) {
    if (!j.contains(key) || !j[key].is_number_unsigned()) {
      throw fail(key, "expected a non-negative integer");
    }
    return j[key].get<std::size_t>();
  };
  // A metric is a number, or null where it is undefined (a constant prediction).
  auto metric = [&](const char* group, const std::string& key) {
    if (!j.contains(group) || !j[group].is_object() || !j[group].contains(key)) {
      throw fail(std::string(group) + "." + key, "missing");
    }
    const auto& v = j[group][key];
    if (v.is_null()) return static_cast<double>(NAN);
    if (!v.is_number()) throw fail(std::string(group) + "." + key, "expected a number or null");
    return v.get<double>();
  };
  PredictorRecord r;
  r.path = path;
  r.suite = string(j, "suite");
  r.experiment = string(j, "experiment");
  r.dataset = string(j, "dataset");
  r.label = string(j, "label");
  r.test = string(j, "test");
  r.train_size = count("train_size");
  r.test_size = count("test_size");
  r.pool = count("pool");
  r.kendall_tau = metric("metrics", "kendall_tau");
  r.spearman = metric("metrics", "spearman");
  r.pearson = metric("metrics", "pearson");
  r.precision_at_10 = metric("metrics", "precision_at_10");
  r.fit_seconds = metric("timing", "fit_seconds");
  r.predict_seconds_per_arch = metric("timing", "predict_seconds_per_arch");
  return r;
}

}  // namespace naskit

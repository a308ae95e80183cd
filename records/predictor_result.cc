// Writing and reading predictor results; see predictor_result.h.
#include "records/predictor_result.h"

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/names.h"

namespace naskit {
namespace {

using Json = nlohmann::ordered_json;

Json Number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

class Reader {
 public:
  Reader(const Json& j, std::string path) : j_(j), path_(std::move(path)) {}

  [[noreturn]] void Fail(const std::string& key, const std::string& what) const {
    throw DataError(path_ + ": key " + Quote(key) + ": " + what);
  }
  static std::string Shown(const Json& v) { return v.dump().substr(0, 40); }

  const Json& At(const std::string& group, const std::string& key) const {
    static const Json kNone;
    const Json& object = group.empty() ? j_ : j_.contains(group) ? j_[group] : kNone;
    const std::string name = group.empty() ? key : group + "." + key;
    if (!object.is_object() || !object.contains(key)) Fail(name, "missing");
    return object[key];
  }
  std::string String(const std::string& key) const {
    const Json& v = At("", key);
    if (!v.is_string()) Fail(key, "expected a string (got " + Shown(v) + ")");
    return v.get<std::string>();
  }
  // A name the report prints in its tables and files.
  std::string Name(const std::string& key) const {
    std::string name = String(key);
    if (!IsValidName(name)) {
      Fail(key, "expected a name (letters, digits, '.', '_', '-', '+'; got " +
                    Json(name).dump().substr(0, 60) + ")");
    }
    return name;
  }
  std::uint64_t Count(const std::string& group, const std::string& key,
                      std::uint64_t max = UINT64_MAX) const {
    const Json& v = At(group, key);
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > max) {
      Fail(group.empty() ? key : group + "." + key,
           fmt::format("expected a whole number from 0 to {} (got {})", max, Shown(v)));
    }
    return v.get<std::uint64_t>();
  }
  // A number in [low, high], or null where it is undefined.
  double Bounded(const std::string& group, const std::string& key, double low, double high) const {
    const Json& v = At(group, key);
    if (v.is_null()) return NAN;
    // A rounding error's margin: a correlation of perfectly ranked values may be 1 + 1e-16.
    const double margin = 1e-9;
    if (!v.is_number() || !(v.get<double>() >= low - margin && v.get<double>() <= high + margin)) {
      Fail(group + "." + key,
           fmt::format("expected a number from {} to {} or null (got {})", low, high, Shown(v)));
    }
    return v.get<double>();
  }

  PredictorRecord Read() const {
    if (!j_.contains("format") || j_["format"] != kPredictorResultFormat) {
      Fail("format",
           "expected " + Quote(kPredictorResultFormat) + " (a result of `naskit eval-predictors`)");
    }
    Count("", "format_version", kPredictorResultFormatVersion);
    PredictorRecord r;
    r.path = path_;
    if (j_.contains("naskit_version")) r.naskit_version = String("naskit_version");
    r.suite = Name("suite");
    if (j_.contains("run")) r.run = String("run");
    r.experiment = Name("experiment");
    r.dataset = Name("dataset");
    if (j_.contains("predictor")) r.predictor = String("predictor");
    r.label = Name("label");
    if (j_.contains("options")) {
      if (!j_["options"].is_object()) Fail("options", "expected a map");
      for (const auto& [key, value] : j_["options"].items()) {
        if (!value.is_string()) Fail("options." + key, "expected a string");
        r.options[key] = value.get<std::string>();
      }
    }
    if (j_.contains("trial")) r.trial = Count("", "trial");
    if (j_.contains("benchmark")) {
      r.benchmark = j_["benchmark"];
      if (!r.benchmark.is_object()) Fail("benchmark", "expected a map");
    }
    if (j_.contains("target")) {
      const Json& metric = At("target", "metric");
      if (!metric.is_string()) Fail("target.metric", "expected a string");
      r.target_metric = metric.get<std::string>();
      r.target_epochs = static_cast<int>(Count("target", "epochs", 1000000));
    }
    r.pool = Count("", "pool");
    r.train_size = Count("", "train_size", r.pool);
    r.test_size = Count("", "test_size", r.pool - r.train_size);
    r.test = String("test");
    if (r.test != "rest" && r.test != "fixed") {
      Fail("test", "expected rest or fixed (got " + Quote(r.test) + ")");
    }
    if (j_.contains("undefined_predictions")) {
      r.undefined_predictions = Count("", "undefined_predictions", r.test_size);
    }
    r.kendall_tau = Bounded("metrics", "kendall_tau", -1, 1);
    r.spearman = Bounded("metrics", "spearman", -1, 1);
    r.pearson = Bounded("metrics", "pearson", -1, 1);
    r.precision_at_10 = Bounded("metrics", "precision_at_10", 0, 1);
    if (j_.at("metrics").contains("rmse")) r.rmse = Bounded("metrics", "rmse", 0, INFINITY);
    if (j_.at("metrics").contains("rmse_top_10")) {
      r.rmse_top_10 = Bounded("metrics", "rmse_top_10", 0, INFINITY);
    }
    r.fit_seconds = Bounded("timing", "fit_seconds", 0, 1e9);
    r.predict_seconds_per_arch = Bounded("timing", "predict_seconds_per_arch", 0, 1e9);
    return r;
  }

 private:
  const Json& j_;
  std::string path_;
};

}  // namespace

std::string PredictorResultJson(const PredictorRecord& r) {
  Json j;
  j["format"] = kPredictorResultFormat;
  j["format_version"] = kPredictorResultFormatVersion;
  j["naskit_version"] = r.naskit_version;
  j["suite"] = r.suite;
  j["run"] = r.run;
  j["experiment"] = r.experiment;
  j["dataset"] = r.dataset;
  j["predictor"] = r.predictor;
  j["label"] = r.label;
  j["options"] = r.options;
  j["trial"] = r.trial;
  j["benchmark"] = r.benchmark;
  j["target"] = {{"metric", r.target_metric}, {"epochs", r.target_epochs}};
  j["pool"] = r.pool;
  j["train_size"] = r.train_size;
  j["test_size"] = r.test_size;
  j["test"] = r.test;
  j["undefined_predictions"] = r.undefined_predictions;
  j["metrics"] = {{"kendall_tau", Number(r.kendall_tau)},
                  {"spearman", Number(r.spearman)},
                  {"pearson", Number(r.pearson)},
                  {"precision_at_10", Number(r.precision_at_10)},
                  {"rmse", Number(r.rmse)},
                  {"rmse_top_10", Number(r.rmse_top_10)}};
  // Wall-clock figures: the only values that differ between two runs of the same suite.
  j["timing"] = {{"fit_seconds", Number(r.fit_seconds)},
                 {"predict_seconds_per_arch", Number(r.predict_seconds_per_arch)}};
  return j.dump() + "\n";
}

PredictorRecord ParsePredictorResult(const std::string& text, const std::string& path) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) throw DataError(path + ": not a JSON object");
  return Reader(j, path).Read();
}

PredictorRecord ReadPredictorResult(const std::string& path) {
  return ParsePredictorResult(ReadFileContents(path), path);
}

}  // namespace naskit

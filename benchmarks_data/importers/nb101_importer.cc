// Importer of the NAS-Bench-101 subsets in the shared data (Ying et al., "NAS-Bench-101: Towards
// Reproducible Neural Architecture Search", ICML 2019) into one sparse naskit benchmark:
//   - nas-bench-101/nasbench-vis-data-1k.json: 1,000 architectures with validation accuracy after
//     4, 12, 36 and 108 epochs (one training run each), 108-epoch training time, parameters;
//   - nas-bench-suite-zero/zc_nasbench101.json: 500 architectures with 108-epoch validation
//     accuracy and zero-cost scores (Krishnakumar et al., "NAS-Bench-Suite-Zero", NeurIPS 2022).
// Every architecture is identified by naskit's canonical graph, and the importer checks that its
// module hash equals the file's key.
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "benchmarks_data/importer.h"
#include "core/errors.h"
#include "spaces/nb101/nb101_space.h"

namespace naskit {
namespace {

using json = nlohmann::json;

constexpr const char* kVisFile = "nas-bench-101/nasbench-vis-data-1k.json";
constexpr const char* kZeroCostFile = "nas-bench-suite-zero/zc_nasbench101.json";
const std::vector<int> kEpochs = {4, 12, 36, 108};
// NAS-Bench-Suite-Zero's scores, with the names naskit's NB201 files use.
const std::vector<std::pair<const char*, const char*>> kProxies = {
    {"synflow", "synflow"},     {"snip", "snip"},   {"grasp", "grasp"},     {"fisher", "fisher"},
    {"grad_norm", "grad_norm"}, {"jacov", "jacov"}, {"epe_nas", "epe_nas"}, {"l2_norm", "l2_norm"},
    {"plain", "plain"},         {"flops", "flops"}};

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    throw DataError(path + ": not valid JSON (" + e.what() + ")");
  }
}

class Nb101Import {
 public:
  explicit Nb101Import(const std::string& folder)
      : vis_path_(InputFile(folder, kVisFile)), zc_path_(InputFile(folder, kZeroCostFile)) {}

  BenchmarkData Run() {
    data_.attrs = {
        {"name", "nb101"},
        {"space", "nb101"},
        {"source",
         "NAS-Bench-101 subsets, imported by `naskit import nb101` from nasbench-vis-data-1k.json "
         "(1,000 architectures, 4/12/36/108 epochs) and NAS-Bench-Suite-Zero's "
         "zc_nasbench101.json (500 architectures, zero-cost scores)"},
        {"licence",
         "NAS-Bench-101 data: Apache-2.0 (google-research/nasbench); NAS-Bench-Suite-Zero: "
         "Apache-2.0 (automl/NASLib)"},
        {"citation",
         "Ying et al., NAS-Bench-101, ICML 2019; Krishnakumar et al., NAS-Bench-Suite-Zero, "
         "NeurIPS 2022"},
        {"row_order",
         "the 1,000 architectures of nasbench-vis-data-1k.json in file order, then "
         "those of zc_nasbench101.json not among them; /archs/index is the row"},
    };
    ReadVis();
    ReadZeroCost();
    Finish();
    return std::move(data_);
  }

 private:
  std::size_t RowFor(ArchId arch) {
    const auto [it, inserted] = rows_.emplace(arch, data_.archs.size());
    if (inserted) {
      data_.archs.push_back(arch);
      data_.index.push_back(static_cast<std::uint32_t>(it->second));
      for (auto* column : {&valid_, &seconds_})
        column->resize(data_.archs.size(), {NAN, NAN, NAN, NAN});
    }
    return it->second;
  }

  template <class T>
  static T Get(const json& j, const std::string& path, const std::string& where) {
    try {
      return j.get<T>();
    } catch (const json::exception&) {
      throw DataError(path + ": " + where + " is " + j.dump().substr(0, 80) + " (expected a " +
                      (std::is_arithmetic_v<T> ? "number" : "list") + ")");
    }
  }

  void ReadVis() {
    const json vis = ReadJson(vis_path_);
    const std::vector<std::string> keys = {"key",
                                           "adjacency",
                                           "operations",
                                           "final_training_time",
                                           "trainable_parameters",
                                           "4_final_validation_accuracy",
                                           "12_final_validation_accuracy",
                                           "36_final_validation_accuracy",
                                           "108_final_validation_accuracy"};
    std::size_t n = 0;
    for (const auto& key : keys) {
      if (!vis.is_object() || !vis.contains(key) || !vis[key].is_array()) {
        throw DataError(vis_path_ + ": key " + Quote(key) + " not found or not a list");
      }
      if (key == keys.front()) n = vis[key].size();
      if (vis[key].size() != n) {
        throw DataError(fmt::format("{}: list {} has {} entries (expected {}, as \"key\")",
                                    vis_path_, Quote(key), vis[key].size(), n));
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::string where = fmt::format("architecture {}", i);
      const auto matrix = Get<std::vector<std::vector<double>>>(vis["adjacency"][i], vis_path_,
                                                                where + " \"adjacency\"");
      const auto ops =
          Get<std::vector<int>>(vis["operations"][i], vis_path_, where + " \"operations\"");
      // Operations: -1 input, -2 output, 0..2 ops, -3 padding of modules with < 7 vertices.
      Nb101Space::Spec spec;
      std::vector<int> kept;
      for (std::size_t v = 0; v < ops.size(); ++v)
        if (ops[v] != -3) kept.push_back(static_cast<int>(v));
      if (kept.size() < 2 || kept.size() > 7 || matrix.size() != ops.size()) {
        throw DataError(fmt::format("{}: {} has {} vertices and a {}-row matrix", vis_path_, where,
                                    kept.size(), matrix.size()));
      }
      spec.vertices = static_cast<int>(kept.size());
      for (std::size_t a = 0; a < kept.size(); ++a) {
        spec.labels[a] = ops[kept[a]];
        for (std::size_t b = 0; b < kept.size(); ++b) {
          if (matrix[kept[a]].size() != ops.size()) {
            throw DataError(vis_path_ + ": " + where + " has a ragged adjacency matrix");
          }
          spec.matrix[a][b] = matrix[kept[a]][kept[b]] != 0;
        }
      }
      const ArchId arch = Checked(spec, vis_path_, where);
      const auto key = Get<std::string>(vis["key"][i], vis_path_, where + " \"key\"");
      if (Nb101Space::ModuleHash(arch) != key) {
        throw DataError(fmt::format("{}: {} has key {} but its graph hashes to {}", vis_path_,
                                    where, key, Nb101Space::ModuleHash(arch)));
      }
      if (rows_.contains(arch)) {
        throw DataError(fmt::format("{}: {} repeats an earlier architecture", vis_path_, where));
      }
      const std::size_t row = RowFor(arch);
      for (std::size_t e = 0; e < kEpochs.size(); ++e) {
        const std::string field = std::to_string(kEpochs[e]) + "_final_validation_accuracy";
        const double v = Get<double>(vis[field][i], vis_path_, where + " " + Quote(field));
        if (!(v >= 0 && v <= 1)) {
          throw DataError(fmt::format("{}: {} {} is {} (expected a fraction in [0, 1])", vis_path_,
                                      where, Quote(field), v));
        }
        valid_[row][e] = static_cast<float>(100 * v);
      }
      const double t = Get<double>(vis["final_training_time"][i], vis_path_, where);
      if (!(t > 0)) throw DataError(fmt::format("{}: {} training time is {}", vis_path_, where, t));
      for (std::size_t e = 0; e < kEpochs.size(); ++e)
        seconds_[row][e] = StoredFloat(t * kEpochs[e] / 108.0, vis_path_ + ": " + where);
      features_["params"].resize(data_.archs.size(), NAN);
      features_["params"][row] =
          StoredFloat(Get<double>(vis["trainable_parameters"][i], vis_path_, where) / 1e6,
                      vis_path_ + ": " + where + " \"trainable_parameters\"");
    }
  }

  void ReadZeroCost() {
    const json zc = ReadJson(zc_path_);
    if (!zc.contains("nasbench101") || !zc["nasbench101"].contains("cifar10")) {
      throw DataError(zc_path_ + ": key \"nasbench101\".\"cifar10\" not found");
    }
    for (const auto& [key, scores] : zc["nasbench101"]["cifar10"].items()) {
      // The key is NASLib's tuple: the 7x7 matrix row by row, then 7 op codes (0 input, 1
      // output, 2 maxpool3x3, 3 conv1x1-bn-relu, 4 conv3x3-bn-relu).
      const std::string where = "architecture " + Quote(key);
      std::vector<int> values;
      for (std::size_t start = key.find_first_of("0123456789"); start != std::string::npos;) {
        const auto end = key.find_first_not_of("0123456789", start);
        const std::string digits = key.substr(start, end - start);
        int value = 0;
        const auto [at, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (error != std::errc() || at != digits.data() + digits.size()) {
          throw DataError(fmt::format("{}: {}: number {} out of range", zc_path_, where, digits));
        }
        values.push_back(value);
        start = key.find_first_of("0123456789", end);
      }
      if (values.size() != 56) {
        throw DataError(
            fmt::format("{}: {} has {} numbers (expected 49 + 7)", zc_path_, where, values.size()));
      }
      Nb101Space::Spec spec;
      spec.vertices = 7;
      for (int v = 0; v < 7; ++v) {
        for (int w = 0; w < 7; ++w) spec.matrix[v][w] = values[v * 7 + w] != 0;
        const int code = values[49 + v];
        spec.labels[v] = code == 0                ? Nb101Space::kInput
                         : code == 1              ? Nb101Space::kOutput
                         : code >= 2 && code <= 4 ? 4 - code
                                                  : 99;  // rejected by FromSpec
      }
      std::optional<ArchId> arch;
      try {
        arch = Nb101Space::FromSpec(spec);
      } catch (const ConfigError& e) {
        throw DataError(zc_path_ + ": " + where + ": " + e.what());
      }
      if (!arch) {  // more than 9 edges after pruning: not in NAS-Bench-101
        ++skipped_invalid_;
        continue;
      }
      if (zc_rows_.contains(*arch)) {
        ++skipped_duplicate_;
        continue;
      }
      const bool in_vis = rows_.contains(*arch);
      const std::size_t row = RowFor(*arch);
      zc_rows_.insert(*arch);
      if (!in_vis) {
        valid_[row][kEpochs.size() - 1] = StoredFloat(
            Get<double>(scores.value("val_accuracy", json()), zc_path_, where + " val_accuracy"),
            zc_path_ + ": " + where + " val_accuracy");
        ++zc_only_;
      }
      for (const auto& [field, name] : kProxies) {
        auto& column = features_[name];
        column.resize(data_.archs.size(), NAN);
        column[row] = StoredFloat(
            Get<double>(scores.value(field, json()), zc_path_, where + " " + Quote(field)),
            zc_path_ + ": " + where + " " + Quote(field));
      }
      auto& params = features_["params"];
      params.resize(data_.archs.size(), NAN);
      if (std::isnan(params[row])) {
        params[row] = StoredFloat(
            Get<double>(scores.value("params", json()), zc_path_, where + " \"params\""),
            zc_path_ + ": " + where + " \"params\"");
      }
    }
  }

  ArchId Checked(const Nb101Space::Spec& spec, const std::string& path, const std::string& where) {
    try {
      if (const auto arch = Nb101Space::FromSpec(spec)) return *arch;
    } catch (const ConfigError& e) {
      throw DataError(path + ": " + where + ": " + e.what());
    }
    throw DataError(path + ": " + where + " is no NAS-Bench-101 cell");
  }

  void Finish() {
    const std::size_t n = data_.archs.size();
    Table valid, seconds;
    valid.epochs = seconds.epochs = kEpochs;
    valid.columns = seconds.columns = kEpochs.size();
    for (std::size_t row = 0; row < n; ++row) {
      valid.values.insert(valid.values.end(), valid_[row].begin(), valid_[row].end());
      seconds.values.insert(seconds.values.end(), seconds_[row].begin(), seconds_[row].end());
    }
    valid.attrs = {{"split", "valid"},
                   {"unit", "percent"},
                   {"aggregation",
                    "one training run (nasbench-vis) for its 1,000 rows; NAS-Bench-Suite-Zero's "
                    "108-epoch value (NaN at 4/12/36 epochs) for the others"}};
    seconds.attrs = {{"unit", "seconds"},
                     {"note",
                      "108-epoch training time as recorded; the 4/12/36-epoch columns are it "
                      "scaled by epochs/108 (NAS-Bench-101 records them, this export does not); "
                      "NaN for rows without a recorded time"}};
    data_.tables["metrics/cifar10/valid_accuracy"] = std::move(valid);
    data_.tables["cost/cifar10/train_seconds"] = std::move(seconds);
    for (auto& [name, column] : features_) {
      column.resize(n, NAN);
      Table t;
      t.values = column;
      t.attrs = {{"source", name == "params" ? "trainable parameters (nasbench-vis, else "
                                               "NAS-Bench-Suite-Zero)"
                                             : "NAS-Bench-Suite-Zero (zc_nasbench101.json)"}};
      if (name == "params") t.attrs["unit"] = "millions";
      if (name == "flops") t.attrs["unit"] = "MFLOPs";
      data_.tables["features/cifar10/" + name] = std::move(t);
    }
    data_.attrs["note"] = fmt::format(
        "{} rows from nasbench-vis, {} more from zc_nasbench101.json; {} zc entries skipped as "
        "no NAS-Bench-101 cell (more than 9 edges after pruning), {} as repeats of an isomorphic "
        "entry",
        n - zc_only_, zc_only_, skipped_invalid_, skipped_duplicate_);
  }

  std::string vis_path_, zc_path_;
  BenchmarkData data_;
  std::map<ArchId, std::size_t> rows_;
  std::set<ArchId> zc_rows_;
  std::vector<std::array<float, 4>> valid_, seconds_;
  std::map<std::string, std::vector<float>> features_;
  std::size_t zc_only_ = 0, skipped_invalid_ = 0, skipped_duplicate_ = 0;
};

class Nb101Importer final : public BenchmarkImporter {
 public:
  explicit Nb101Importer(NoOptions) {}
  BenchmarkData Import(const std::string& folder) const override {
    return Nb101Import(folder).Run();
  }
};

}  // namespace

NASKIT_REGISTER_IMPORTER(Nb101Importer, NoOptions, "nb101",
                         "NAS-Bench-101 subsets: 1,000 graphs at 4/12/36/108 epochs, 500 with "
                         "zero-cost scores (sparse)");

}  // namespace naskit

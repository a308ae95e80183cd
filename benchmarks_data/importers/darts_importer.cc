// Importer of NAS-Bench-Suite-Zero's DARTS cells (Krishnakumar et al., "NAS-Bench-Suite-Zero",
// NeurIPS 2022; the NAS-Bench-301 space, Siems et al. 2020) into a sparse naskit benchmark: 500
// architectures with validation accuracy on CIFAR-10 and zero-cost scores
// (nas-bench-suite-zero/zc_nasbench301.json). The file records no training time, so searches on
// it are budgeted in queries.
#include <cmath>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "benchmarks_data/importer.h"
#include "core/errors.h"

namespace naskit {
namespace {

using json = nlohmann::json;

constexpr const char* kZeroCostFile = "nas-bench-suite-zero/zc_nasbench301.json";
// DARTS trains the final networks for 100 epochs on CIFAR-10 (NAS-Bench-301's protocol as well).
constexpr int kEpochs = 100;

class DartsImporter final : public BenchmarkImporter {
 public:
  explicit DartsImporter(NoOptions) {}

  BenchmarkData Import(const std::string& folder) const override {
    const std::string path = InputFile(folder, kZeroCostFile);
    std::ifstream in(path);
    json zc;
    try {
      zc = json::parse(in);
    } catch (const json::exception& e) {
      throw DataError(path + ": not valid JSON (" + e.what() + ")");
    }
    if (!zc.contains("nasbench301") || !zc["nasbench301"].contains("cifar10")) {
      throw DataError(path + ": key \"nasbench301\".\"cifar10\" not found");
    }
    const SearchSpace& space = GetSpace("darts");
    BenchmarkData data;
    data.attrs = {
        {"name", "darts_zc"},
        {"space", "darts"},
        {"source",
         "NAS-Bench-Suite-Zero's zc_nasbench301.json (500 DARTS cells on CIFAR-10 with "
         "validation accuracy and zero-cost scores), imported by `naskit import darts`"},
        {"licence", "NAS-Bench-Suite-Zero: Apache-2.0 (automl/NASLib)"},
        {"citation",
         "Liu et al., DARTS, ICLR 2019; Siems et al., NAS-Bench-301, 2020; Krishnakumar et al., "
         "NAS-Bench-Suite-Zero, NeurIPS 2022"},
        {"row_order", "the order of zc_nasbench301.json; /archs/index is the row"},
    };
    std::map<std::string, std::vector<float>> columns;
    for (const auto& [key, scores] : zc["nasbench301"]["cifar10"].items()) {
      const std::string where = path + ": architecture " + Quote(key);
      ArchId arch;
      try {
        arch = space.Parse(key);
      } catch (const ConfigError& e) {
        throw DataError(path + ": " + e.what());
      }
      for (ArchId seen : data.archs) {
        if (seen == arch) throw DataError(where + " repeats an earlier architecture");
      }
      data.index.push_back(static_cast<std::uint32_t>(data.archs.size()));
      data.archs.push_back(arch);
      if (!scores.is_object()) throw DataError(where + ": expected an object of scores");
      for (const auto& [name, value] : scores.items()) {
        if (!value.is_number()) {
          throw DataError(where + ": " + Quote(name) + " is " + value.dump() +
                          " (expected a number)");
        }
        auto& column = columns[name];
        column.resize(data.archs.size() - 1, NAN);
        column.push_back(StoredFloat(value.get<double>(), where + ": " + Quote(name)));
      }
    }
    if (!columns.contains("val_accuracy")) throw DataError(path + ": no \"val_accuracy\" scores");
    for (auto& [name, column] : columns) {
      column.resize(data.archs.size(), NAN);
      Table t;
      t.values = std::move(column);
      if (name == "val_accuracy") {
        t.epochs = {kEpochs};
        t.attrs = {{"split", "valid"},
                   {"unit", "percent"},
                   {"aggregation", "as NAS-Bench-Suite-Zero records it"}};
        data.tables["metrics/cifar10/valid_accuracy"] = std::move(t);
        continue;
      }
      t.attrs = {{"source", "NAS-Bench-Suite-Zero (zc_nasbench301.json)"}};
      if (name == "params") t.attrs["unit"] = "millions";
      if (name == "flops") t.attrs["unit"] = "MFLOPs";
      data.tables["features/cifar10/" + name] = std::move(t);
    }
    return data;
  }
};

}  // namespace

NASKIT_REGISTER_IMPORTER(DartsImporter, NoOptions, "darts",
                         "DARTS / NAS-Bench-301 cells of NAS-Bench-Suite-Zero: 500 with "
                         "validation accuracy and zero-cost scores (sparse)");

}  // namespace naskit

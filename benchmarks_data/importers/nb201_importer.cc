// NAS-Bench-201 CSV importer; see nb201_importer.h. Names in the result:
//   datasets cifar10, cifar100, imagenet16-120;
//   metrics/<dataset>/{valid_accuracy,test_accuracy}  percent, epochs {12, 200}
//   cost/<dataset>/train_seconds                      epochs {12, 200}, NaN where not recorded
//   hardware/<device>/latency_ms                      27 devices (HELP, Lee et al., NeurIPS 2021)
//   features/<dataset>/{params,flops,<zero-cost proxy>} where the zero-cost file lists the cell
#include "benchmarks_data/importers/nb201_importer.h"

#include <cmath>
#include <limits>

#include "benchmarks_data/csv_table.h"
#include "benchmarks_data/importer.h"
#include "core/errors.h"
#include "spaces/nb201/nb201_space.h"

namespace naskit {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct DatasetNames {
  const char* name;        // naskit's name
  const char* csv_prefix;  // column prefix in nb201.csv
  const char* csv_label;   // value of the `dataset` column in the other files
};
constexpr DatasetNames kDatasets[] = {{"cifar10", "cifar10", "cifar10"},
                                      {"cifar100", "cifar100", "cifar100"},
                                      {"imagenet16-120", "imagenet16", "ImageNet16-120"}};

const DatasetNames* DatasetByLabel(const CsvTable& csv, std::size_t row, std::size_t column) {
  for (const auto& d : kDatasets) {
    if (csv.Cell(row, column) == d.csv_label) return &d;
  }
  csv.Fail(row, column,
           "unknown dataset " + Quote(csv.Cell(row, column)) +
               " (expected cifar10, cifar100 or ImageNet16-120)");
}

Table MakeTable(std::vector<int> epochs, std::map<std::string, std::string> attrs) {
  Table table;
  table.columns = epochs.empty() ? 1 : epochs.size();
  table.epochs = std::move(epochs);
  table.attrs = std::move(attrs);
  table.values.assign(Nb201Space::kNumArchs * table.columns, kNaN);
  return table;
}

double CheckedReal(const CsvTable& csv, std::size_t row, std::size_t column, double lo, double hi,
                   bool allow_missing) {
  const double v = csv.Real(row, column);
  if (std::isnan(v)) {
    if (!allow_missing) csv.Fail(row, column, "empty cell (expected a number)");
    return v;
  }
  if (v < lo || v > hi) {
    csv.Fail(row, column,
             "value out of range (got " + csv.Cell(row, column) + "; expected " +
                 std::to_string(lo) + " to " + std::to_string(hi) + ")");
  }
  return v;
}

class Importer {
 public:
  explicit Importer(std::string folder) : folder_(std::move(folder)) {}

  BenchmarkData Run() {
    data_.attrs = {
        {"name", "nb201"},
        {"space", "nb201"},
        {"source",
         "NAS-Bench-201 / NATS-Bench topology search space, imported by `naskit import nb201` from "
         "the CSV exports nb201.csv, nb201_latency_ms.csv, nb201_zero_cost.csv, "
         "nb201_train_time_1k.csv"},
        {"licence",
         "NAS-Bench-201 data: see the NATS-Bench project (MIT-licensed code); HELP latency: MIT"},
        {"citation",
         "Dong & Yang, NAS-Bench-201, ICLR 2020; Dong et al., NATS-Bench, TPAMI 2021; Lee et al., "
         "HELP, "
         "NeurIPS 2021; Abdelfattah et al., Zero-Cost Proxies, ICLR 2021; Krishnakumar et al., "
         "NAS-Bench-Suite-Zero, NeurIPS 2022"},
        {"row_order", "the public NAS-Bench-201 index"},
    };
    ReadArchitectures();
    ReadLatency();
    ReadZeroCost();
    ReadTrainTimes();
    return std::move(data_);
  }

 private:
  std::string File(const char* name) const {
    return InputFile(folder_, std::string("derived/") + name);
  }

  void CheckRowCount(const CsvTable& csv, std::size_t expected) {
    if (csv.NumRows() != expected) {
      throw DataError(csv.path() + ": has " + std::to_string(csv.NumRows()) +
                      " data rows (expected " + std::to_string(expected) + ")");
    }
  }

  // Row of the public index in column `column`, checked.
  std::size_t IndexCell(const CsvTable& csv, std::size_t row, std::size_t column) {
    const long long index = csv.Integer(row, column);
    if (index < 0 || index >= static_cast<long long>(Nb201Space::kNumArchs)) {
      csv.Fail(row, column,
               "index out of range (got " + csv.Cell(row, column) + "; expected 0 to 15624)");
    }
    return static_cast<std::size_t>(index);
  }

  void ReadArchitectures() {
    const CsvTable csv = CsvTable::Read(File("nb201.csv"));
    CheckRowCount(csv, Nb201Space::kNumArchs);
    const std::size_t index_col = csv.Column("index");
    const std::size_t arch_col = csv.Column("arch_str");
    const std::size_t iso_col = csv.Column("iso_class");
    data_.archs.assign(Nb201Space::kNumArchs, 0);
    data_.index.resize(Nb201Space::kNumArchs);
    std::vector<bool> seen(Nb201Space::kNumArchs);
    std::vector<bool> arch_seen(Nb201Space::kNumArchs);
    for (const auto& d : kDatasets) {
      for (const char* metric : {"valid_accuracy", "test_accuracy"}) {
        data_.tables["metrics/" + std::string(d.name) + "/" + metric] = MakeTable(
            {12, 200},
            {{"split", std::string(metric).substr(0, metric[0] == 'v' ? 5 : 4)},
             {"unit", "percent"},
             {"aggregation", "mean over the recorded training seeds"},
             {"note", "12: after a 12-epoch cosine schedule; 200: after a 200-epoch schedule"}});
      }
    }
    const Nb201Space space;
    for (std::size_t row = 0; row < csv.NumRows(); ++row) {
      const std::size_t index = IndexCell(csv, row, index_col);
      if (seen[index]) csv.Fail(row, index_col, "duplicate index " + csv.Cell(row, index_col));
      seen[index] = true;
      ArchId arch;
      try {
        arch = space.Parse(csv.Cell(row, arch_col));
      } catch (const ConfigError& e) {
        csv.Fail(row, arch_col, e.what());
      }
      if (arch_seen[arch]) csv.Fail(row, arch_col, "architecture listed twice");
      arch_seen[arch] = true;
      if (Nb201Space::IsomorphismString(arch) != csv.Cell(row, iso_col)) {
        csv.Fail(row, iso_col,
                 "isomorphism class disagrees with the architecture (got " +
                     Quote(csv.Cell(row, iso_col)) + "; expected " +
                     Quote(Nb201Space::IsomorphismString(arch)) + ")");
      }
      data_.archs[index] = arch;
      data_.index[index] = static_cast<std::uint32_t>(index);
      for (const auto& d : kDatasets) {
        const std::string prefix = d.csv_prefix;
        auto& valid = data_.tables["metrics/" + std::string(d.name) + "/valid_accuracy"].values;
        auto& test = data_.tables["metrics/" + std::string(d.name) + "/test_accuracy"].values;
        valid[index * 2] = static_cast<float>(
            CheckedReal(csv, row, csv.Column(prefix + "_valid12"), 0, 100, false));
        test[index * 2] = static_cast<float>(
            CheckedReal(csv, row, csv.Column(prefix + "_test12"), 0, 100, false));
        test[index * 2 + 1] = static_cast<float>(
            CheckedReal(csv, row, csv.Column(prefix + "_test200"), 0, 100, false));
      }
    }
  }

  void ReadLatency() {
    const CsvTable csv = CsvTable::Read(File("nb201_latency_ms.csv"));
    CheckRowCount(csv, Nb201Space::kNumArchs);
    const std::size_t index_col = csv.Column("index");
    for (std::size_t c = 0; c < csv.header().size(); ++c) {
      if (c == index_col) continue;
      data_.tables["hardware/" + csv.header()[c] + "/latency_ms"] =
          MakeTable({}, {{"unit", "milliseconds"},
                         {"source",
                          "HELP (Lee et al., NeurIPS 2021); fpga, eyeriss, raspi4, pixel3 from "
                          "HW-NAS-Bench (Li et al., ICLR 2021)"}});
    }
    std::vector<bool> seen(Nb201Space::kNumArchs);
    for (std::size_t row = 0; row < csv.NumRows(); ++row) {
      const std::size_t index = IndexCell(csv, row, index_col);
      if (seen[index]) csv.Fail(row, index_col, "duplicate index " + csv.Cell(row, index_col));
      seen[index] = true;
      for (std::size_t c = 0; c < csv.header().size(); ++c) {
        if (c == index_col) continue;
        data_.tables["hardware/" + csv.header()[c] + "/latency_ms"].values[index] =
            static_cast<float>(CheckedReal(csv, row, c, 0, 1e6, false));
      }
    }
  }

  void ReadZeroCost() {
    const CsvTable csv = CsvTable::Read(File("nb201_zero_cost.csv"));
    const std::size_t dataset_col = csv.Column("dataset");
    const std::size_t index_col = csv.Column("index");
    const std::size_t arch_col = csv.Column("arch_str");
    const std::size_t valid_col = csv.Column("val_accuracy");
    const Nb201Space space;
    std::map<std::string, std::size_t> feature_cols;
    for (std::size_t c = 0; c < csv.header().size(); ++c) {
      if (c != dataset_col && c != index_col && c != arch_col && c != valid_col) {
        feature_cols[csv.header()[c]] = c;
      }
    }
    for (std::size_t row = 0; row < csv.NumRows(); ++row) {
      const DatasetNames* d = DatasetByLabel(csv, row, dataset_col);
      const std::size_t index = IndexCell(csv, row, index_col);
      if (space.Format(data_.archs[index]) != csv.Cell(row, arch_col)) {
        csv.Fail(row, arch_col,
                 "architecture disagrees with index " + std::to_string(index) +
                     " of nb201.csv (got " + Quote(csv.Cell(row, arch_col)) + "; expected " +
                     Quote(space.Format(data_.archs[index])) + ")");
      }
      for (const auto& [name, c] : feature_cols) {
        const std::string path = "features/" + std::string(d->name) + "/" + name;
        if (!data_.tables.contains(path)) {
          std::map<std::string, std::string> attrs = {{"source",
                                                       "NAS-Bench-Suite-Zero (Krishnakumar et al., "
                                                       "NeurIPS 2022), scores at initialisation"}};
          if (name == "params" || name == "flops") attrs["unit"] = "millions";
          data_.tables[path] = MakeTable({}, attrs);
        }
        data_.tables[path].values[index] =
            static_cast<float>(CheckedReal(csv, row, c, -1e30, 1e30, true));
      }
      // The zero-cost file also holds the 200-epoch validation accuracy nb201.csv lacks.
      auto& valid = data_.tables["metrics/" + std::string(d->name) + "/valid_accuracy"].values;
      valid[index * 2 + 1] = static_cast<float>(CheckedReal(csv, row, valid_col, 0, 100, false));
    }
  }

  void ReadTrainTimes() {
    const CsvTable csv = CsvTable::Read(File("nb201_train_time_1k.csv"));
    const std::size_t dataset_col = csv.Column("dataset");
    const std::size_t index_col = csv.Column("index");
    const std::size_t t12_col = csv.Column("train_time_12ep_s");
    const std::size_t t200_col = csv.Column("train_time_200ep_s");
    for (const auto& d : kDatasets) {
      data_.tables["cost/" + std::string(d.name) + "/train_seconds"] = MakeTable(
          {12, 200}, {{"unit", "seconds"},
                      {"note",
                       "one seed's recorded training time on the full training split; NaN where "
                       "not recorded"}});
    }
    for (std::size_t row = 0; row < csv.NumRows(); ++row) {
      const DatasetNames* d = DatasetByLabel(csv, row, dataset_col);
      const std::size_t index = IndexCell(csv, row, index_col);
      auto& values = data_.tables["cost/" + std::string(d->name) + "/train_seconds"].values;
      values[index * 2] = static_cast<float>(CheckedReal(csv, row, t12_col, 0, 1e7, false));
      values[index * 2 + 1] = static_cast<float>(CheckedReal(csv, row, t200_col, 0, 1e8, false));
    }
  }

  std::string folder_;
  BenchmarkData data_;
};

}  // namespace

BenchmarkData ImportNb201(const std::string& folder) { return Importer(folder).Run(); }

namespace {

class Nb201Importer final : public BenchmarkImporter {
 public:
  explicit Nb201Importer(NoOptions) {}
  BenchmarkData Import(const std::string& folder) const override { return ImportNb201(folder); }
};

}  // namespace

NASKIT_REGISTER_IMPORTER(Nb201Importer, NoOptions, "nb201",
                         "NAS-Bench-201 from derived/nb201*.csv: 15,625 cells, 3 datasets, "
                         "27 devices' latency, zero-cost scores");

}  // namespace naskit

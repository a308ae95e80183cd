// A tabular NAS benchmark: the recorded results of architectures of a space, in RAM. A benchmark
// may hold every architecture of its space (NB201) or only some (sparse: NB101's 1,000 graphs,
// 500 DARTS cells); RowOf() says which.
//
// One HDF5 file per benchmark (format: benchmarks_data/FORMAT.md). Open() loads every table as a
// dense float32 array, so a query is an O(1) array read. A value that was never measured is NaN in
// the file; Query() returns std::nullopt for it and callers decide: the CLI reports "not measured",
// a search run treats a missing search signal as a DataError.
//
// A TabularBenchmark is immutable after Open() and safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "spaces/search_space.h"

namespace naskit {

inline constexpr const char* kBenchmarkFormat = "naskit-tabular";
inline constexpr int kBenchmarkFormatVersion = 1;

// One float32 dataset of the file: [rows, columns(, seeds)], where columns are fidelities (epochs)
// for metrics and costs, and a single column for hardware and features. A table with a seed
// dimension keeps every seed's value in `per_seed` and their mean (over the seeds that have one) in
// `values`.
struct Table {
  std::vector<int> epochs;                   // one per column; empty for single-column tables
  std::map<std::string, std::string> attrs;  // split, unit, aggregation, description, ...
  std::size_t columns = 1;
  std::vector<float> values;  // row-major [rows, columns]
  std::size_t seeds = 1;
  std::vector<float> per_seed;  // [rows, columns, seeds] when seeds > 1, else empty

  float At(std::size_t row, std::size_t column = 0) const { return values[row * columns + column]; }
  float AtSeed(std::size_t row, std::size_t column, std::size_t seed) const {
    return per_seed.empty() ? At(row, column) : per_seed[(row * columns + column) * seeds + seed];
  }
  // Fills `values` with the NaN-aware mean of `per_seed`.
  void AverageSeeds();
  // The column holding `epochs`; throws ConfigError listing the epochs the table has.
  std::size_t ColumnOf(int epochs, const std::string& what) const;
};

// Everything a benchmark file holds. The writer takes it, the reader produces it.
struct BenchmarkData {
  std::map<std::string, std::string> attrs;  // name, space, source, licence, citation, ...
  std::vector<ArchId> archs;                 // the space's id of each row
  std::vector<std::uint32_t> index;          // the public benchmark's index of each row
  // Tables by path below the root: "metrics/<dataset>/<metric>", "cost/<dataset>/train_seconds",
  // "hardware/<device>/latency_ms", "features/<dataset>/<name>".
  std::map<std::string, Table> tables;
};

// Rewrites the header of a benchmark file after it was edited with the HDF5 API directly, so that
// Open() accepts it again (Open() refuses any file whose bytes changed after naskit wrote it).
void SealBenchmarkFile(const std::string& path);

// Writes `data` to `path` atomically: a temporary file in the same folder, renamed when complete.
// Throws IoError when the folder is not writable or the disk is full; nothing is left behind.
void WriteBenchmark(const BenchmarkData& data, const std::string& path);

class TabularBenchmark {
 public:
  // Throws ConfigError for a missing file, DataError for anything malformed (not HDF5, truncated,
  // missing groups, wrong shapes or types, newer format version).
  static TabularBenchmark Open(const std::string& path);
  explicit TabularBenchmark(BenchmarkData data, std::string path = "(memory)");

  const std::string& path() const { return path_; }
  const BenchmarkData& data() const { return data_; }
  const SearchSpace& space() const { return *space_; }
  std::size_t NumRows() const { return data_.archs.size(); }
  std::uint64_t checksum() const { return checksum_; }
  std::string Attr(const std::string& key) const;

  // Row lookups. RowOf returns nullopt for an architecture the benchmark does not hold.
  // O(1): an array read for small dense spaces (NB201), a hash lookup otherwise.
  std::optional<std::size_t> RowOf(ArchId arch) const {
    if (sparse_rows_) {
      const auto it = row_of_key_.find(arch);
      return it == row_of_key_.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    }
    return arch < row_of_arch_.size() && row_of_arch_[arch] >= 0
               ? std::optional<std::size_t>(static_cast<std::size_t>(row_of_arch_[arch]))
               : std::nullopt;
  }
  // Whether every architecture of the space has a row.
  bool Complete() const { return space_->Dense() && NumRows() == space_->Size(); }
  std::size_t RowOfIndex(std::uint64_t index) const;  // throws ConfigError if out of range

  std::vector<std::string> Datasets() const;
  std::vector<std::string> Metrics(const std::string& dataset) const;
  // The table at `path`; throws ConfigError naming what is missing and what exists.
  const Table& Get(const std::string& path) const;
  const Table& Metric(const std::string& dataset, const std::string& metric) const;
  const Table* FindTable(const std::string& path) const;

  // The value of `metric` on `dataset` after `epochs` (the last recorded epoch if 0) for `row`;
  // nullopt if it was not measured.
  std::optional<double> Query(std::size_t row, const std::string& dataset,
                              const std::string& metric, int epochs = 0) const;

 private:
  // Throws DataError naming the table: shape against rows and epochs, values against their meaning.
  void CheckTable(const std::string& table_path, const Table& table) const;

  std::string path_;
  BenchmarkData data_;
  const SearchSpace* space_;
  bool sparse_rows_ = false;  // looked up through row_of_key_ instead of row_of_arch_
  std::vector<std::int32_t> row_of_arch_;
  std::unordered_map<ArchId, std::size_t> row_of_key_;
  std::unordered_map<std::uint64_t, std::size_t> row_of_index_;
  std::uint64_t checksum_ = 0;
};

}  // namespace naskit

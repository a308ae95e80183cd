// Benchmark columns that a long command fills row by row (`zc`'s scores, `latency`'s timings): the
// rows a column holds, as ranges in its `rows` attribute, and the settings they were measured with,
// in its `settings` attribute. The file is written every --checkpoint-seconds, at the end and on
// Ctrl-C; the same command resumes at the first row not yet measured. Values measured with other
// settings are never mixed with new ones, nor discarded without --replace.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/options.h"
#include "core/rng.h"

namespace naskit::torch_cli {

// The `rows` attribute: the measured rows as ranges ("0-99,105"). A value may itself be NaN
// (jacob_cov of a cell whose output ignores its input), so NaN cannot mark a row as not measured.
std::string FormatRows(const std::vector<bool>& measured);
// Throws DataError naming `where` for a range that is not FIRST-LAST or ROW within 0..n-1.
std::vector<bool> ParseRows(const std::string& text, std::size_t n, const std::string& where);

// Of the candidate `rows`, a sample of `sample` drawn with `rng` (0: all), then the first `limit`
// (0: all); ascending.
std::vector<std::size_t> SelectRows(std::vector<std::size_t> rows, std::int64_t limit,
                                    std::int64_t sample, Rng rng);

// One table a command writes, with the rows it holds values for.
struct ResumableColumn {
  std::string key, path;
  Table table;
  std::vector<bool> measured;
};

// What a command says of its columns in messages.
struct ColumnCommand {
  std::string name;       // "zc"
  std::string values;     // "scores"
  std::string elsewhere;  // how to keep both: "file the new scores under another --features-of"
};

// The column at `path` of `benchmark` (read from `file`), with the rows it holds values for, when
// it was measured with `settings` (as `normalise`d, if given, like the recorded ones: what may be
// spelt two ways, such as a folder); a new column of NaN with `attrs` (source, unit) otherwise. A
// column measured with other settings is an error naming both settings, unless `replace`, when
// its values are discarded and counted on stderr.
ResumableColumn OpenColumn(const TabularBenchmark& benchmark, const std::string& file,
                           const ColumnCommand& command, const std::string& key,
                           const std::string& path, const OptionValues& settings, bool replace,
                           std::size_t rows, std::map<std::string, std::string> attrs,
                           const std::function<OptionValues(OptionValues)>& normalise = {});

// Set by Ctrl-C or SIGTERM while FillColumns runs.
const std::atomic<bool>& Interrupted();

// A share of a command that fills columns (`--shard i/n`, or a Slurm array task's share): every
// n-th of the rows the command would fill, from the i-th, measured into a file of its own beside
// the benchmark (FILE.h5.share-i-of-n.h5, where the share also resumes), so that shares never
// write one file at once. The same command without a share merges the shares' files into the
// benchmark (MergeShares) and fills what they left.
struct ColumnShare {
  std::pair<int, int> shard{1, 1};
  std::string file;  // where this run reads (resumes from) and writes
  bool active() const { return shard.second > 1; }
};
// `shard_text` as core/job_runner.h's ResolveShard reads it.
ColumnShare ResolveColumnShare(const std::string& benchmark_file, const std::string& shard_text);
// Copies into `columns` the rows that the shares' files beside `file` measured with the same
// settings (a share measured with other settings is a DataError naming its file); returns the
// files merged, which the caller removes once `file` holds their rows.
std::vector<std::string> MergeShares(std::vector<ResumableColumn>& columns,
                                     const std::string& file);

// After a run that was not interrupted: removes the `merged` shares' files (the benchmark holds
// their rows now) and, for a share, says on stderr where its values are. Returns whether the run
// was a share (whose command ends there).
bool FinishShares(const ColumnShare& share, const std::vector<std::string>& merged,
                  const ColumnCommand& command, const std::string& benchmark_file);

// Measures every row of `todo` on `threads` threads (`measure` returns one value per column) and
// records the values under the pool's lock; the file is written every `checkpoint_seconds` and at
// the end (also after a failed row or Ctrl-C), and only when rows were measured since the last
// write, or `merged` rows from shares wait to be written: a run that fails before its first value
// leaves the file as it was.
void FillColumns(std::vector<ResumableColumn>& columns, const std::vector<std::size_t>& todo,
                 BenchmarkData& data, const std::string& file,
                 const std::function<std::vector<double>(std::size_t row)>& measure,
                 std::size_t threads, int checkpoint_seconds, const std::string& progress_label,
                 bool merged = false);

}  // namespace naskit::torch_cli

// Resumable benchmark columns; see resumable_columns.h.
#include "experiments/torch_cli/resumable_columns.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/errors.h"
#include "core/job_runner.h"
#include "core/names.h"
#include "core/progress.h"
#include "core/text.h"

namespace naskit::torch_cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void OnColumnInterrupt(int) { g_interrupted = true; }

// Ctrl-C and SIGTERM stop the measuring (the values so far are written) while one is alive.
struct StopOnInterrupt {
  StopOnInterrupt() {
    g_interrupted = false;
    std::signal(SIGINT, OnColumnInterrupt);
    std::signal(SIGTERM, OnColumnInterrupt);
  }
  ~StopOnInterrupt() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  StopOnInterrupt(const StopOnInterrupt&) = delete;
  StopOnInterrupt& operator=(const StopOnInterrupt&) = delete;
};

std::string Describe(const OptionValues& settings) {
  std::string text;
  for (const auto& [key, value] : settings) text += (text.empty() ? "" : ", ") + key + "=" + value;
  return text;
}

}  // namespace

std::vector<std::size_t> SelectRows(std::vector<std::size_t> rows, std::int64_t limit,
                                    std::int64_t sample, Rng rng) {
  if (sample > 0 && rows.size() > static_cast<std::size_t>(sample)) {
    for (std::size_t i = 0; i < static_cast<std::size_t>(sample); ++i) {
      std::swap(rows[i], rows[i + rng.UniformInt(rows.size() - i)]);
    }
    rows.resize(static_cast<std::size_t>(sample));
    std::sort(rows.begin(), rows.end());
  }
  if (limit > 0 && rows.size() > static_cast<std::size_t>(limit)) {
    rows.resize(static_cast<std::size_t>(limit));
  }
  return rows;
}

std::string FormatRows(const std::vector<bool>& measured) {
  std::string text;
  for (std::size_t row = 0; row < measured.size(); ++row) {
    if (!measured[row]) continue;
    std::size_t last = row;
    while (last + 1 < measured.size() && measured[last + 1]) ++last;
    if (!text.empty()) text += ',';
    text += last == row ? std::to_string(row) : fmt::format("{}-{}", row, last);
    row = last;
  }
  return text;
}

std::vector<bool> ParseRows(const std::string& text, std::size_t n, const std::string& where) {
  std::vector<bool> measured(n, false);
  for (const std::string& range : SplitList(text)) {
    std::size_t first = 0, last = 0;
    char dash = 0, extra = 0;
    std::istringstream in(range);
    const bool ok = range.find('-') == std::string::npos
                        ? static_cast<bool>(in >> first) && !(in >> extra) && (last = first, true)
                        : (in >> first >> dash >> last) && dash == '-' && !(in >> extra);
    if (!ok || first > last || last >= n) {
      throw DataError(
          fmt::format("{}: attribute \"rows\": bad range {} (expected FIRST-LAST or "
                      "ROW, rows 0-{})",
                      where, Quote(range), n - 1));
    }
    for (std::size_t row = first; row <= last; ++row) measured[row] = true;
  }
  return measured;
}

ResumableColumn OpenColumn(const TabularBenchmark& benchmark, const std::string& file,
                           const ColumnCommand& command, const std::string& key,
                           const std::string& path, const OptionValues& settings, bool replace,
                           std::size_t rows, std::map<std::string, std::string> attrs,
                           const std::function<OptionValues(OptionValues)>& normalise) {
  const std::string settings_json = nlohmann::json(settings).dump();
  ResumableColumn column{key, path, {}, std::vector<bool>(rows, false)};
  if (const Table* done = benchmark.FindTable(path); done && done->attrs.contains("settings")) {
    std::vector<bool> measured(rows, false);
    if (done->attrs.contains("rows")) {
      measured = ParseRows(done->attrs.at("rows"), rows, file + ": " + path);
    } else {  // written before the attribute existed: the rows with a value
      for (std::size_t row = 0; row < rows; ++row) measured[row] = !std::isnan(done->At(row));
    }
    OptionValues recorded;
    try {
      recorded = nlohmann::json::parse(done->attrs.at("settings")).get<OptionValues>();
    } catch (const nlohmann::json::exception&) {
      throw DataError(file + ": " + path +
                      ": attribute \"settings\" is not a JSON object of "
                      "option values (got " +
                      Quote(done->attrs.at("settings")) + ")");
    }
    if (normalise) recorded = normalise(std::move(recorded));
    if (recorded == settings) {
      column.table = *done;
      column.table.attrs["settings"] = settings_json;
      column.measured = std::move(measured);
      return column;
    }
    const auto count = std::count(measured.begin(), measured.end(), true);
    if (!replace) {
      throw ConfigError(
          fmt::format("{}: {}: {} holds {} {} recorded with other settings ({}; now {}); keep its "
                      "settings to add rows, {}, or pass --replace true to discard them",
                      command.name, file, path, count, command.values, Describe(recorded),
                      Describe(settings), command.elsewhere));
    }
    std::cerr << fmt::format("naskit {}: --replace: discarding {} {} of {} recorded with {}\n",
                             command.name, count, command.values, path, Describe(recorded));
  }
  column.table.values.assign(rows, NAN);
  column.table.attrs = std::move(attrs);
  column.table.attrs["settings"] = settings_json;
  return column;
}

ColumnShare ResolveColumnShare(const std::string& benchmark_file, const std::string& shard_text) {
  ColumnShare share;
  share.shard = ResolveShard(shard_text);
  share.file = share.active() ? fmt::format("{}.share-{}-of-{}.h5", benchmark_file,
                                            share.shard.first, share.shard.second)
                              : benchmark_file;
  return share;
}

std::vector<std::string> MergeShares(std::vector<ResumableColumn>& columns,
                                     const std::string& file) {
  namespace fs = std::filesystem;
  const fs::path path(file);
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const std::string prefix = path.filename().string() + ".share-";
  std::vector<std::string> merged;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(prefix) || !name.ends_with(".h5")) continue;
    const TabularBenchmark share = TabularBenchmark::Open(entry.path().string());
    for (ResumableColumn& c : columns) {
      const Table* t = share.FindTable(c.path);
      if (t == nullptr || !t->attrs.contains("rows")) continue;
      if (t->attrs.count("settings") == 0 || t->attrs.at("settings") != c.table.attrs["settings"] ||
          t->values.size() != c.table.values.size()) {
        throw DataError(
            fmt::format("{}: {} was measured with other settings than {} holds ({}); "
                        "remove the share's file or measure with its settings",
                        entry.path().string(), c.path, file,
                        t->attrs.count("settings") ? t->attrs.at("settings") : "none"));
      }
      const auto rows =
          ParseRows(t->attrs.at("rows"), t->values.size(), entry.path().string() + ": " + c.path);
      for (std::size_t row = 0; row < rows.size(); ++row) {
        if (!rows[row] || c.measured[row]) continue;
        c.table.values[row] = t->values[row];
        c.measured[row] = true;
      }
    }
    merged.push_back(entry.path().string());
  }
  std::sort(merged.begin(), merged.end());
  return merged;
}

bool FinishShares(const ColumnShare& share, const std::vector<std::string>& merged,
                  const ColumnCommand& command, const std::string& benchmark_file) {
  for (const std::string& file : merged) std::filesystem::remove(file);
  if (!share.active()) return false;
  std::cerr << fmt::format(
      "naskit {}: share {} of {}: its {} are in {}; the same command without a share merges the "
      "shares into {}\n",
      command.name, share.shard.first, share.shard.second, command.values, share.file,
      benchmark_file);
  return true;
}

const std::atomic<bool>& Interrupted() { return g_interrupted; }

void FillColumns(std::vector<ResumableColumn>& columns, const std::vector<std::size_t>& todo,
                 BenchmarkData& data, const std::string& file,
                 const std::function<std::vector<double>(std::size_t row)>& measure,
                 std::size_t threads, int checkpoint_seconds, const std::string& progress_label,
                 bool merged) {
  bool unwritten = merged;
  auto write_file = [&] {
    if (!unwritten) return;
    for (ResumableColumn& c : columns) {
      c.table.attrs["rows"] = FormatRows(c.measured);
      data.tables[c.path] = c.table;
    }
    WriteBenchmark(data, file);
    unwritten = false;
  };
  Progress progress(progress_label, todo.size());
  const StopOnInterrupt stop_on_interrupt;
  RunJobPool(todo.size(),
             [&](std::size_t i) -> std::function<void()> {
               const std::size_t row = todo[i];
               std::vector<double> values = measure(row);
               return [&columns, &unwritten, row, values = std::move(values)] {
                 unwritten = true;
                 for (std::size_t c = 0; c < columns.size(); ++c) {
                   columns[c].table.values[row] = static_cast<float>(values[c]);
                   columns[c].measured[row] = true;
                 }
               };
             },
             {.threads = threads,
              .stop = &g_interrupted,
              .progress = &progress,
              .checkpoint = write_file,
              .checkpoint_seconds = checkpoint_seconds});
  write_file();  // rows merged from shares, with nothing left to measure
  if (!g_interrupted) progress.Finish();
}

}  // namespace naskit::torch_cli

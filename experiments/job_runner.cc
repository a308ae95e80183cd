// The job runner; see job_runner.h.
#include "experiments/job_runner.h"

#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/progress.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// One results folder holds one suite: refuse to mix results of different suites, overrides or
// benchmark versions.
void ClaimFolder(const JobFolder& folder, const std::string& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw IoError(out_dir + ": cannot create results folder (" + ec.message() + ")");
  // The first run in a folder creates suite.yaml exclusively, so that of two different suites
  // started at once exactly one is refused (no exists-then-write window).
  const std::string suite_copy = out_dir + "/suite.yaml";
  if (!CreateFileAtomically(suite_copy, folder.canonical_yaml) &&
      ReadFile(suite_copy) != folder.canonical_yaml) {
    throw ConfigError(out_dir +
                      " holds results of a different suite (or of other --set overrides); "
                      "choose another --out or remove the folder");
  }
  const std::string checksum_file = out_dir + "/benchmark.checksum";
  if (!CreateFileAtomically(checksum_file, folder.checksums)) {
    if (const std::string recorded = ReadFile(checksum_file); recorded != folder.checksums) {
      auto line = [](const std::string& text) {
        return text.substr(0, text.find_last_not_of('\n') + 1);
      };
      throw ConfigError(out_dir + " holds results computed on another version of " +
                        folder.benchmarks + " (checksum " + line(recorded) + ", now " +
                        line(folder.checksums) + "); choose another --out or remove the folder");
    }
  }
}

}  // namespace

void CheckRunnerOptions(const RunnerOptions& options) {
  // More threads than this only cost memory: runs are CPU-bound and write one small file each.
  constexpr int kMaxJobs = 1024;
  if (options.jobs < 1 || options.jobs > kMaxJobs) {
    throw ConfigError(fmt::format("--jobs must be in [1, {}] (got {})", kMaxJobs, options.jobs));
  }
  if (options.shard_count < 1 || options.shard_index < 1 ||
      options.shard_index > options.shard_count) {
    throw ConfigError(fmt::format("--shard must be i/n with 1 <= i <= n (got {}/{})",
                                  options.shard_index, options.shard_count));
  }
}

RunnerSummary RunJobs(const JobFolder& folder, const std::vector<std::string>& keys,
                      const std::function<std::string(std::size_t)>& run,
                      const RunnerOptions& options) {
  CheckRunnerOptions(options);
  RunnerSummary summary;
  summary.out_dir = options.out_dir.empty() ? "results/" + folder.suite_name : options.out_dir;
  ClaimFolder(folder, summary.out_dir);
  RemoveStaleTemporaries(summary.out_dir);

  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(options.shard_count)) !=
        options.shard_index - 1)
      continue;
    ++summary.planned;
    if (fs::exists(summary.out_dir + "/" + keys[i] + ".json")) {
      ++summary.already_done;
    } else {
      todo.push_back(i);
    }
  }

  std::optional<Progress> progress;
  if (options.progress && !todo.empty())
    progress.emplace("naskit " + folder.command + " " + folder.suite_name, todo.size());
  std::atomic<std::size_t> next{0}, completed{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  auto worker = [&] {
    for (;;) {
      if (options.stop && options.stop->load()) return;
      {
        const std::lock_guard lock(error_mutex);
        if (error) return;
      }
      const std::size_t i = next++;
      if (i >= todo.size()) return;
      try {
        const std::string text = run(todo[i]);
        const std::string path = summary.out_dir + "/" + keys[todo[i]] + ".json";
        std::error_code dir_error;
        fs::create_directories(fs::path(path).parent_path(), dir_error);
        WriteFileAtomically(path, text);
        ++completed;
        if (progress) progress->Advance();
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        return;
      }
    }
  };
  std::vector<std::jthread> threads;
  for (int t = 1; t < options.jobs; ++t) threads.emplace_back(worker);
  worker();
  threads.clear();  // joins
  if (progress) progress->Finish();
  if (error) std::rethrow_exception(error);
  summary.completed = completed;
  summary.interrupted = summary.already_done + summary.completed < summary.planned;
  return summary;
}

}  // namespace naskit

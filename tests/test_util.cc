// Test helpers; see test_util.h.
#include "tests/test_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"

namespace naskit::testing {
namespace {

namespace fs = std::filesystem;

struct TempDirs {
  std::vector<std::string> paths;
  ~TempDirs() {
    std::error_code ignored;
    for (const auto& p : paths) fs::remove_all(p, ignored);
  }
};
TempDirs& Temps() {
  static TempDirs temps;
  return temps;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

std::optional<std::string> SharedDataFile(const std::string& relative) {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("NASKIT_DATA")) roots.emplace_back(env);
  roots.push_back(fs::path(NASKIT_SOURCE_DIR) / ".." / "shared" / "data");
  for (const auto& root : roots) {
    if (fs::exists(root / relative)) return (root / relative).lexically_normal().string();
  }
  return std::nullopt;
}

std::string MissingDataMessage(const std::string& relative) {
  return "shared NAS data file " + relative +
         " not found under $NASKIT_DATA or ../shared/data beside the checkout";
}

std::string TempDir(const std::string& tag) {
  static std::mutex mutex;
  static int counter = 0;
  std::lock_guard lock(mutex);
  const fs::path path =
      fs::temp_directory_path() /
      ("naskit-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path);
  fs::create_directories(path);
  Temps().paths.push_back(path.string());
  return path.string();
}

std::string WriteTemporaryOfAKilledWriter(const std::string& path, const std::string& content) {
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);  // its pid now names no process
  std::string temporary = TemporaryPathFor(path);
  const std::string own_pid = "-" + std::to_string(::getpid()) + "-";
  temporary.replace(temporary.rfind(own_pid), own_pid.size(), "-" + std::to_string(child) + "-");
  std::ofstream(temporary) << content;
  return temporary;
}

std::optional<std::string> ImportedNb201() {
  // The file naskit ships is the import of the shared CSVs (ShippedNb201Test checks the bytes).
  return std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201.h5";
}

std::string NaskitBinary() { return NASKIT_BINARY; }
std::string NaskitTorchBinary() {
  return (std::filesystem::path(NASKIT_BINARY).parent_path() / "naskit-torch").string();
}

CliResult RunCli(const std::vector<std::string>& args, const std::string& shell_prefix) {
  const std::string dir = TempDir("cli");
  std::string command = shell_prefix + "exec " + ShellQuote(NASKIT_BINARY);
  for (const auto& a : args) command += " " + ShellQuote(a);
  command += " >" + dir + "/out 2>" + dir + "/err";
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), ReadAll(dir + "/out"),
          ReadAll(dir + "/err")};
}

}  // namespace naskit::testing

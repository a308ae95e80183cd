// Helpers shared by tests and micro-benchmarks: the shared NAS data, temporary folders, running the
// CLI.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace naskit::testing {

bool InCi();  // CI=true: a missing shared file is a failure, not a skip

// `$NASKIT_DATA/<relative>` or `<source>/../shared/data/<relative>`, if it exists.
std::optional<std::string> SharedDataFile(const std::string& relative);
std::string MissingDataMessage(const std::string& relative);

// A fresh folder under the system temp dir, removed when the process exits.
std::string TempDir(const std::string& tag);

// Writes `content` to the temporary a writer of `path` killed before its rename would leave
// (core/atomic_file.h: named for a process of this host that no longer exists); returns its path.
std::string WriteTemporaryOfAKilledWriter(const std::string& path, const std::string& content);

// The NB201 benchmark imported from the public CSVs: the file naskit ships.
std::optional<std::string> ImportedNb201();

struct CliResult {
  int exit_code;
  std::string out;
  std::string err;
};
// The paths of the built `naskit` and `naskit-torch` binaries.
std::string NaskitBinary();
std::string NaskitTorchBinary();

// Runs build/naskit with `args` (shell-quoted here) and captures its output; `shell_prefix` runs
// first in the same shell (e.g. a `ulimit`).
CliResult RunCli(const std::vector<std::string>& args, const std::string& shell_prefix = "");

}  // namespace naskit::testing

// Binds `var` to the path of a shared data file, or skips the test (fails it under CI). `var` may
// go unused when a test only needs the file to exist.
#define NASKIT_REQUIRE(var, optional_path, relative)                   \
  const auto var##_found = (optional_path);                            \
  if (!var##_found) {                                                  \
    if (::naskit::testing::InCi()) {                                   \
      FAIL() << ::naskit::testing::MissingDataMessage(relative);       \
    } else {                                                           \
      GTEST_SKIP() << ::naskit::testing::MissingDataMessage(relative); \
    }                                                                  \
  }                                                                    \
  [[maybe_unused]] const std::string& var = *var##_found

#define NASKIT_REQUIRE_SHARED(var, relative) \
  NASKIT_REQUIRE(var, ::naskit::testing::SharedDataFile(relative), relative)
#define NASKIT_REQUIRE_NB201(var) \
  NASKIT_REQUIRE(var, ::naskit::testing::ImportedNb201(), "derived/nb201*.csv")

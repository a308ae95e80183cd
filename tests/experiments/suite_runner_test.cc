// The runner: results independent of --jobs, resume and rerun, shards, and SIGKILL at random
// moments.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/rng.h"
#include "experiments/suite_runner.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

// Every file under `dir` (relative path → bytes), run results without their wall-clock timing.
std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path());
    std::stringstream s;
    s << in.rdbuf();
    std::string bytes = s.str();
    if (e.path().extension() == ".json" && bytes.find("\"timing\"") != std::string::npos) {
      auto j = nlohmann::ordered_json::parse(bytes);
      j.erase("timing");
      bytes = j.dump();
    }
    files[fs::relative(e.path(), dir).string()] = bytes;
  }
  return files;
}

RunnerSummary RunInto(const Suite& suite, const std::string& out, int jobs, int shard = 1,
                      int shards = 1) {
  RunnerOptions options;
  options.out_dir = out;
  options.jobs = jobs;
  options.shard_index = shard;
  options.shard_count = shards;
  options.progress = false;
  return RunSuite(suite, options);
}

class SuiteRunnerTest : public ::testing::Test {
 protected:
  Suite suite_ =
      LoadSuite(testing::WriteSyntheticSuite(testing::SyntheticNb201File(), "0..9", "[25, 50]"));
};

TEST_F(SuiteRunnerTest, ResultsDoNotDependOnJobs) {
  const std::string one = testing::TempDir("jobs1"), two = testing::TempDir("jobs2");
  const auto summary = RunInto(suite_, one, 1);
  EXPECT_EQ(summary.completed, PlanRuns(suite_).size());
  RunInto(suite_, two, 2);
  const auto a = Snapshot(one), b = Snapshot(two);
  EXPECT_EQ(a.size(),
            PlanRuns(suite_).size() + 3);  // + suite.yaml, benchmark.checksum, planned.txt
  EXPECT_EQ(a, b);
}

TEST_F(SuiteRunnerTest, ResumeCompletesExactlyTheMissingRunsAndRerunDoesNothing) {
  const std::string full = testing::TempDir("full"), partial = testing::TempDir("partial");
  RunInto(suite_, full, 2);
  RunInto(suite_, partial, 2);
  int removed = 0;
  for (const auto& [path, bytes] : Snapshot(partial)) {
    if (path.ends_with(".json") && ++removed % 3 == 0) fs::remove(partial + "/" + path);
  }
  const auto resumed = RunInto(suite_, partial, 2);
  EXPECT_EQ(resumed.completed, static_cast<std::size_t>(removed / 3));
  EXPECT_EQ(Snapshot(partial), Snapshot(full));
  const auto again = RunInto(suite_, partial, 2);
  EXPECT_EQ(again.completed, 0u);
  EXPECT_EQ(again.already_done, PlanRuns(suite_).size());
}

TEST_F(SuiteRunnerTest, ShardsTogetherEqualTheWholeSuite) {
  const std::string whole = testing::TempDir("whole"), sharded = testing::TempDir("sharded");
  RunInto(suite_, whole, 1);
  std::size_t planned = 0;
  for (int i = 1; i <= 3; ++i) planned += RunInto(suite_, sharded, 1, i, 3).planned;
  EXPECT_EQ(planned, PlanRuns(suite_).size());
  EXPECT_EQ(Snapshot(sharded), Snapshot(whole));
  EXPECT_THROW(RunInto(suite_, sharded, 1, 4, 3), ConfigError);
}

TEST_F(SuiteRunnerTest, RefusesToMixSuitesInOneFolder) {
  const std::string out = testing::TempDir("mix");
  RunInto(suite_, out, 1);
  const Suite other = LoadSuite(suite_.path, {"seeds=0..3"});
  EXPECT_THAT([&] { RunInto(other, out, 1); },
              ::testing::ThrowsMessage<ConfigError>(
                  ::testing::HasSubstr("holds results of a different suite")));
}

TEST_F(SuiteRunnerTest, RefusesToMixVersionsOfTheBenchmarkInOneFolder) {
  const std::string dir = testing::TempDir("versions");
  const std::string benchmark = dir + "/bench.h5";
  fs::copy_file(testing::SyntheticNb201File(0), benchmark);
  const Suite suite = LoadSuite(testing::WriteSyntheticSuite(benchmark, "0..3", "[25]"));
  RunInto(suite, dir + "/out", 1);
  fs::copy_file(testing::SyntheticNb201File(1), benchmark, fs::copy_options::overwrite_existing);
  EXPECT_THAT([&] { RunInto(suite, dir + "/out", 1); },
              ::testing::ThrowsMessage<ConfigError>(::testing::HasSubstr(
                  "holds results computed on another version of " + benchmark)));
}

TEST_F(SuiteRunnerTest, UnwritableOutputIsAClearError) {
  EXPECT_THROW(RunInto(suite_, "/proc/naskit-results", 1), IoError);
}

TEST_F(SuiteRunnerTest, SurvivesSigkillAtRandomMomentsWithNothingLostOrDuplicated) {
  // A suite large enough to take a few hundred milliseconds, killed 20 times at random moments
  // and resumed each time, must end byte-identical to an uninterrupted run.
  const Suite big = LoadSuite(testing::WriteSyntheticSuite(
      testing::SyntheticNb201File(), "0..199", "[100]", testing::UnguidedCliStrategies()));
  const std::string reference = testing::TempDir("reference");
  RunInto(big, reference, 2);
  const std::string out = testing::TempDir("killed");
  Rng rng(2024);
  int kills_mid_run = 0;
  for (int attempt = 0; attempt < 20; ++attempt) {
    const std::string binary = testing::NaskitBinary();
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      const int in = ::open("/dev/null", O_WRONLY);
      ::dup2(in, 2);
      ::execl(binary.c_str(), "naskit", "run", big.path.c_str(), "--out", out.c_str(), "--jobs",
              "2", "--quiet", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::usleep(static_cast<useconds_t>(5000 + rng.UniformInt(150000)));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    kills_mid_run += WIFSIGNALED(status);
  }
  EXPECT_GT(kills_mid_run, 0);
  const auto finished = RunInto(big, out, 2);
  EXPECT_EQ(finished.already_done + finished.completed, PlanRuns(big).size());
  // Temporaries of killed writers are cleaned up by the resuming run: the folders are identical.
  EXPECT_EQ(Snapshot(out), Snapshot(reference));
}

// SIGINT (Ctrl-C) and SIGTERM (a scheduler's stop) both end a suite cleanly.
class SuiteRunnerSignalTest : public ::testing::TestWithParam<int> {};

TEST_P(SuiteRunnerSignalTest, StopsCleanlyAndSaysHowToResume) {
  // 1,320 runs: about two seconds here, far longer than the signal takes to arrive, and short
  // enough to resume to the end under AddressSanitizer.
  const Suite big = LoadSuite(testing::WriteSyntheticSuite(
      testing::SyntheticNb201File(), "0..59", "[100]", testing::UnguidedCliStrategies()));
  const std::string out = testing::TempDir("signal");
  const std::string binary = testing::NaskitBinary();
  const std::string err = testing::TempDir("signal-stderr") + "/err";  // not in the results folder
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::execl(binary.c_str(), "naskit", "run", big.path.c_str(), "--out", out.c_str(), "--quiet",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Signal once the run has begun: suite.yaml appears in the results folder after the handlers
  // are installed (a fixed delay let a loaded machine deliver the signal before them).
  for (int waited_ms = 0; waited_ms < 60000 && !std::filesystem::exists(out + "/suite.yaml");
       waited_ms += 5) {
    ::usleep(5000);
  }
  ::kill(child, GetParam());
  int status = 0;
  ::waitpid(child, &status, 0);
  std::ifstream in(err);
  std::stringstream message;
  message << in.rdbuf();
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    GTEST_SKIP() << "the suite finished before the signal";
  EXPECT_EQ(WEXITSTATUS(status), 130) << message.str();
  EXPECT_THAT(message.str(), ::testing::HasSubstr("run the same command again to resume"));
  const auto resumed = RunInto(big, out, 2);
  EXPECT_EQ(resumed.already_done + resumed.completed, PlanRuns(big).size());
}

INSTANTIATE_TEST_SUITE_P(IntAndTerm, SuiteRunnerSignalTest, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) {
                           return info.param == SIGINT ? "Sigint" : "Sigterm";
                         });

// Two different suites started together on one empty folder: exactly one is refused, every time
// (suite.yaml is created exclusively; no exists-then-write window, no timing assumption).
TEST(SuiteRunnerConcurrencyTest, OfTwoDifferentSuitesOnOneFolderExactlyOneIsRefused) {
  const std::string path =
      testing::WriteSyntheticSuite(testing::SyntheticNb201File(), "0..1", "[5]", {"random"});
  const Suite a = LoadSuite(path, {"seeds=0..1"});
  const Suite b = LoadSuite(path, {"seeds=0..2"});
  for (int attempt = 0; attempt < 25; ++attempt) {
    const std::string out = testing::TempDir("race");
    std::vector<pid_t> children;
    for (const Suite* suite : {&a, &b}) {
      const pid_t child = ::fork();
      ASSERT_GE(child, 0);
      if (child == 0) {
        int code = 0;
        try {
          RunInto(*suite, out, 1);
        } catch (const ConfigError&) {
          code = 3;
        } catch (...) {
          code = 4;
        }
        ::_exit(code);
      }
      children.push_back(child);
    }
    int refused = 0;
    for (const pid_t child : children) {
      int status = 0;
      ::waitpid(child, &status, 0);
      ASSERT_TRUE(WIFEXITED(status));
      ASSERT_NE(WEXITSTATUS(status), 4);
      refused += WEXITSTATUS(status) == 3;
    }
    EXPECT_EQ(refused, 1) << "attempt " << attempt;
  }
}

}  // namespace
}  // namespace naskit

// The executor every long command shares (core/job_runner.h): what it promises about failures,
// stops and checkpoints, independent of the commands built on it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <stdexcept>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/job_runner.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Every job is committed exactly once, whatever the thread count; the final checkpoint sees them
// all.
TEST(JobPoolTest, CommitsEveryJobOnceAndCheckpointsAtTheEnd) {
  for (std::size_t threads : {1u, 3u, 8u}) {
    std::multiset<std::size_t> committed;
    std::size_t at_checkpoint = 0;
    const std::size_t n =
        RunJobPool(100,
                   [&](std::size_t i) -> std::function<void()> {
                     return [&committed, i] { committed.insert(i); };
                   },
                   {.threads = threads, .checkpoint = [&] { at_checkpoint = committed.size(); }});
    EXPECT_EQ(n, 100u);
    EXPECT_EQ(committed.size(), 100u);
    EXPECT_EQ(std::set<std::size_t>(committed.begin(), committed.end()).size(), 100u);
    EXPECT_EQ(at_checkpoint, 100u);
  }
}

// A failing job stops the pool; what finished before is still checkpointed, and the failure is
// what the caller sees.
TEST(JobPoolTest, AFailureStopsThePoolAfterKeepingWhatWasDone) {
  std::size_t committed = 0, kept = 0;
  EXPECT_THAT(
      [&] {
        RunJobPool(1000,
                   [&](std::size_t i) -> std::function<void()> {
                     if (i == 10) throw DataError("job 10 failed");
                     return [&] { ++committed; };
                   },
                   {.threads = 1, .checkpoint = [&] { kept = committed; }});
      },
      ThrowsMessage<DataError>(HasSubstr("job 10 failed")));
  EXPECT_EQ(committed, 10u);
  EXPECT_EQ(kept, 10u);
}

TEST(JobPoolTest, AStopFlagEndsItAfterTheJobsInFlight) {
  std::atomic<bool> stop{false};
  std::size_t committed = 0;
  const std::size_t n = RunJobPool(1000,
                                   [&](std::size_t i) -> std::function<void()> {
                                     if (i == 4) stop = true;
                                     return [&] { ++committed; };
                                   },
                                   {.threads = 1, .stop = &stop});
  EXPECT_EQ(n, 5u);
  EXPECT_EQ(committed, 5u);
}

// Keyed jobs: each result is a file; a second run does only what is missing; another definition
// in the same folder is refused.
TEST(RunJobsTest, ResumesByKeyAndRefusesAnotherDefinition) {
  const std::string dir = testing::TempDir("jobs");
  const std::vector<std::string> keys = {"a/0", "a/1", "b/0"};
  JobFolder folder{.command = "test", .name = "jobs", .definition = "one\n"};
  std::filesystem::create_directories(dir + "/a");
  WriteFileAtomically(dir + "/a/1.json", "done before\n");
  std::vector<std::size_t> ran;
  const RunnerSummary summary = RunJobs(folder, keys,
                                        [&](std::size_t i) {
                                          ran.push_back(i);
                                          return keys[i] + "\n";
                                        },
                                        {.out_dir = dir, .progress = false});
  EXPECT_EQ(ran, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(summary.already_done, 1u);
  EXPECT_EQ(summary.completed, 2u);
  EXPECT_FALSE(summary.interrupted);
  EXPECT_TRUE(std::filesystem::exists(dir + "/b/0.json"));
  folder.definition = "two\n";
  EXPECT_THAT([&] { RunJobs(folder, keys, [](std::size_t) { return ""; }, {.out_dir = dir}); },
              ThrowsMessage<ConfigError>(HasSubstr("holds results of a different suite")));
}

}  // namespace
}  // namespace naskit

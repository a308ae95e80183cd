#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

TEST(AtomicFileTest, WritesAndReplacesWholeFiles) {
  const std::string dir = testing::TempDir("atomic");
  WriteFileAtomically(dir + "/a.txt", "first");
  WriteFileAtomically(dir + "/a.txt", "second");
  std::ifstream in(dir + "/a.txt");
  std::string text;
  in >> text;
  EXPECT_EQ(text, "second");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
}

TEST(AtomicFileTest, AFullDiskIsAnIoErrorAndLeavesNothing) {
  // A file-size limit makes writes fail as a full disk does (EFBIG instead of ENOSPC); the child
  // reports through its exit status whether it saw an IoError and left no file behind.
  const std::string dir = testing::TempDir("full");
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{100, 100};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    try {
      WriteFileAtomically(dir + "/result.json", std::string(10000, 'x'));
      ::_exit(1);  // no error: wrong
    } catch (const IoError& e) {
      ::_exit(fs::is_empty(dir) && std::string(e.what()).find("result.json") != std::string::npos
                  ? 0
                  : 2);
    }
    ::_exit(3);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "1: no error, 2: file left behind or message without the path";
}

TEST(AtomicFileTest, UnwritableFolderIsAnIoError) {
  EXPECT_THROW(WriteFileAtomically("/nonexistent-folder/x.json", "x"), IoError);
}

}  // namespace
}  // namespace naskit

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <H5Cpp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
namespace fs = std::filesystem;

// A three-architecture benchmark with one two-fidelity metric, one NaN and one feature.
BenchmarkData SmallBenchmark() {
  BenchmarkData data;
  data.attrs = {{"name", "tiny"}, {"space", "nb201"}, {"source", "unit test"}};
  data.archs = {7, 3, 15624};
  data.index = {0, 1, 2};
  Table acc;
  acc.epochs = {12, 200};
  acc.columns = 2;
  acc.attrs = {{"split", "valid"}, {"unit", "percent"}};
  acc.values = {50, 60, 70, NAN, 80, 90};
  data.tables["metrics/toy/valid_accuracy"] = acc;
  Table params;
  params.values = {1, 2, 3};
  data.tables["features/toy/params"] = params;
  return data;
}

TEST(TabularBenchmarkTest, WriteThenOpenRoundTrips) {
  const std::string path = testing::TempDir("bench") + "/tiny.h5";
  WriteBenchmark(SmallBenchmark(), path);
  const auto b = TabularBenchmark::Open(path);
  EXPECT_EQ(b.NumRows(), 3u);
  EXPECT_EQ(b.Attr("name"), "tiny");
  EXPECT_EQ(b.Attr("format_version"), "1");
  EXPECT_EQ(b.Datasets(), std::vector<std::string>{"toy"});
  EXPECT_EQ(*b.RowOf(3), 1u);
  EXPECT_FALSE(b.RowOf(4).has_value());
  EXPECT_EQ(*b.Query(0, "toy", "valid_accuracy", 12), 50.0);
  EXPECT_EQ(*b.Query(0, "toy", "valid_accuracy"), 60.0);               // last recorded epoch
  EXPECT_FALSE(b.Query(1, "toy", "valid_accuracy", 200).has_value());  // NaN = not measured
  EXPECT_EQ(b.Get("features/toy/params").At(2), 3.0f);
  EXPECT_EQ(b.Metric("toy", "valid_accuracy").attrs.at("split"), "valid");
  EXPECT_NE(b.checksum(), 0u);
}

TEST(TabularBenchmarkTest, UnknownNamesAreErrorsWithSuggestions) {
  const TabularBenchmark b(SmallBenchmark());
  EXPECT_THAT([&] { b.Query(0, "tyo", "valid_accuracy"); },
              ThrowsMessage<ConfigError>(
                  HasSubstr("unknown dataset \"tyo\"; known: toy (did you mean \"toy\"?)")));
  EXPECT_THAT([&] { b.Query(0, "toy", "valid_acc"); },
              ThrowsMessage<ConfigError>(HasSubstr("unknown metric \"valid_acc\"")));
  EXPECT_THAT([&] { b.Query(0, "toy", "valid_accuracy", 13); },
              ThrowsMessage<ConfigError>(
                  HasSubstr("has no column for 13 epochs (expected one of: 12, 200)")));
  EXPECT_THAT([&] { b.RowOfIndex(3); },
              ThrowsMessage<ConfigError>(HasSubstr("no architecture with index 3")));
}

TEST(TabularBenchmarkTest, MissingFileIsAConfigError) {
  EXPECT_THAT([] { TabularBenchmark::Open("/nonexistent/x.h5"); },
              ThrowsMessage<ConfigError>(HasSubstr("/nonexistent/x.h5: benchmark file not found")));
}

// A FIFO would block a reader forever and /dev/zero never ends: only regular files are read.
TEST(TabularBenchmarkTest, WhatIsNotARegularFileIsRefusedWithoutReadingIt) {
  const std::string fifo = testing::TempDir("fifo") + "/bench.h5";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {fifo, std::string("/dev/zero"), testing::TempDir("folder")}) {
    EXPECT_THAT([&] { TabularBenchmark::Open(path); },
                ThrowsMessage<ConfigError>(HasSubstr(path + ": not a regular file")));
  }
}

// A file can be sealed and still wrong (written by another tool): every table is checked against
// the layout and the meaning of its values at open.
TEST(TabularBenchmarkTest, InconsistentTablesAreRefusedAtOpen) {
  struct Case {
    std::function<void(BenchmarkData&)> edit;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](BenchmarkData& d) {
         d.tables["metrics/toy/valid_accuracy"].epochs = {12, 200};
       },
       "has 1 columns but 2 epochs"},
      {[](BenchmarkData& d) { d.tables["cost/toy/train_seconds"].values[3] = -1; },
       "\"/cost/toy/train_seconds\" holds -1 at row 3 (expected a finite value >= 0)"},
      // A parameter count is a size; other features may be infinite (naswot's -inf).
      {[](BenchmarkData& d) {
         Table params;
         params.values.assign(50, 1.5f);
         params.values[4] = -0.2f;
         d.tables["features/toy/params"] = params;
       },
       "\"/features/toy/params\" holds -0.2 at row 4 (expected a finite value >= 0)"},
      {[](BenchmarkData& d) {
         Table flops;
         flops.values.assign(50, INFINITY);
         d.tables["features/toy/flops"] = flops;
       },
       "holds inf at row 0 (expected a finite value >= 0)"},
      {[](BenchmarkData& d) { d.tables["metrics/toy/valid_accuracy"].values[5] = INFINITY; },
       "holds inf at row 5 (expected a finite value or NaN)"},
      {[](BenchmarkData& d) {
         auto& t = d.tables["metrics/toy/valid_accuracy"];
         t.attrs["unit"] = "percent";
         t.values[7] = 140;
       },
       "holds 140 at row 7 (expected a percentage in [0, 100])"},
      {[](BenchmarkData& d) { d.tables["metrics/toy/valid_accuracy"].values.pop_back(); },
       "has the wrong size"},
  };
  const std::string dir = testing::TempDir("inconsistent");
  for (const auto& c : cases) {
    BenchmarkData data = testing::SyntheticSparse("nb201", 50);
    c.edit(data);
    EXPECT_THAT([&] { TabularBenchmark(data, "edited.h5"); },
                ThrowsMessage<DataError>(HasSubstr(c.message)))
        << c.message;
  }
  // Through a sealed file: negative seconds written with the HDF5 API, then sealed.
  const std::string path = dir + "/sealed.h5";
  WriteBenchmark(testing::SyntheticSparse("nb201", 50), path);
  {
    H5::H5File file(path, H5F_ACC_RDWR);
    H5::DataSet ds = file.openDataSet("/cost/toy/train_seconds");
    std::vector<float> values(50, -2.0f);
    ds.write(values.data(), H5::PredType::NATIVE_FLOAT);
  }
  SealBenchmarkFile(path);
  EXPECT_THAT(
      [&] { TabularBenchmark::Open(path); },
      ThrowsMessage<DataError>(HasSubstr("holds -2 at row 0 (expected a finite value >= 0)")));
}

// Public indices are looked up in a map: a huge one costs nothing.
TEST(TabularBenchmarkTest, AHugeIndexAllocatesNothing) {
  BenchmarkData data = testing::SyntheticSparse("nb201", 50);
  data.index[0] = 4000000000u;
  const TabularBenchmark b(std::move(data));
  EXPECT_EQ(b.RowOfIndex(4000000000u), 0u);
  EXPECT_THROW(b.RowOfIndex(3999999999u), ConfigError);
}

TEST(TabularBenchmarkTest, TruncatedOrForeignFilesAreDataErrors) {
  const std::string dir = testing::TempDir("bench");
  WriteBenchmark(SmallBenchmark(), dir + "/good.h5");
  const auto size = fs::file_size(dir + "/good.h5");
  for (auto cut : {size / 2, size - 100, std::uintmax_t{800}}) {
    fs::copy_file(dir + "/good.h5", dir + "/cut.h5", fs::copy_options::overwrite_existing);
    fs::resize_file(dir + "/cut.h5", cut);
    EXPECT_THROW(TabularBenchmark::Open(dir + "/cut.h5"), DataError) << "cut at " << cut;
  }
  std::ofstream(dir + "/text.h5") << "not hdf5 at all";
  EXPECT_THAT([&] { TabularBenchmark::Open(dir + "/text.h5"); },
              ThrowsMessage<DataError>(HasSubstr("not a naskit benchmark file (no naskit header")));
  // One flipped byte anywhere after the header is caught before HDF5 parses the file.
  fs::copy_file(dir + "/good.h5", dir + "/flipped.h5");
  {
    std::fstream f(dir + "/flipped.h5", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.put('\x5a');
  }
  EXPECT_THAT([&] { TabularBenchmark::Open(dir + "/flipped.h5"); },
              ThrowsMessage<DataError>(HasSubstr("checksum mismatch")));
}

// Writes SmallBenchmark() and then lets `edit` damage the file with the HDF5 API.
std::string Damaged(const std::function<void(H5::H5File&)>& edit) {
  std::string path = testing::TempDir("bench") + "/damaged.h5";
  WriteBenchmark(SmallBenchmark(), path);
  {
    H5::H5File file(path, H5F_ACC_RDWR);
    edit(file);
  }
  SealBenchmarkFile(path);  // so that the damage is past the checksum and reaches the reader
  return path;
}

TEST(TabularBenchmarkTest, StructuralDamageIsNamed) {
  EXPECT_THAT([] { TabularBenchmark::Open(Damaged([](H5::H5File& f) { f.unlink("archs"); })); },
              ThrowsMessage<DataError>(HasSubstr("group \"/archs\" not found")));
  EXPECT_THAT(
      [] { TabularBenchmark::Open(Damaged([](H5::H5File& f) { f.unlink("archs/index"); })); },
      ThrowsMessage<DataError>(HasSubstr("dataset \"/archs/index\" not found")));
  EXPECT_THAT(
      [] {
        TabularBenchmark::Open(Damaged([](H5::H5File& f) {
          f.unlink("features/toy/params");
          hsize_t n = 2;
          f.openGroup("features/toy")
              .createDataSet("params", H5::PredType::IEEE_F32LE, H5::DataSpace(1, &n));
        }));
      },
      ThrowsMessage<DataError>(
          HasSubstr("dataset \"/features/toy/params\" has 2 rows (expected 3")));
  EXPECT_THAT(
      [] {
        TabularBenchmark::Open(Damaged([](H5::H5File& f) {
          f.unlink("features/toy/params");
          hsize_t n = 3;
          f.openGroup("features/toy")
              .createDataSet("params", H5::PredType::STD_I32LE, H5::DataSpace(1, &n));
        }));
      },
      ThrowsMessage<DataError>(HasSubstr("is not a float array")));
}

TEST(TabularBenchmarkTest, NewerFormatVersionIsRefused) {
  const std::string path = Damaged([](H5::H5File& f) {
    H5::Group root = f.openGroup("/");
    root.removeAttr("format_version");
    const int version = 99;
    root.createAttribute("format_version", H5::PredType::STD_I32LE, H5::DataSpace(H5S_SCALAR))
        .write(H5::PredType::NATIVE_INT, &version);
  });
  EXPECT_THAT([&] { TabularBenchmark::Open(path); },
              ThrowsMessage<DataError>(
                  HasSubstr("written in format version 99, newer than this naskit reads (1)")));
}

TEST(TabularBenchmarkTest, UnwritableFolderIsAnIoErrorAndLeavesNothing) {
  EXPECT_THAT([] { WriteBenchmark(SmallBenchmark(), "/nonexistent-folder/x.h5"); },
              ThrowsMessage<IoError>(HasSubstr("does not exist")));
  if (::getuid() == 0) GTEST_SKIP() << "root can write anywhere; read-only folder not testable";
  const std::string dir = testing::TempDir("ro");
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(WriteBenchmark(SmallBenchmark(), dir + "/x.h5"), IoError);
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(TabularBenchmarkTest, FullDiskIsAnIoErrorAndLeavesNothing) {
  // A file-size limit makes writes fail as a full disk does (EFBIG instead of ENOSPC), in a child
  // process so that the limit stays there.
  const std::string dir = testing::TempDir("full");
  const std::string path = dir + "/x.h5";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{1024, 1024};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    bool io_error = false;
    try {
      WriteBenchmark(SmallBenchmark(), path);
    } catch (const IoError&) {
      io_error = true;
    }
    ::_exit(io_error ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(fs::is_empty(dir));  // neither the file nor a temporary
}

// A writer killed before its rename leaves a temporary; the next write of the same file removes it.
TEST(TabularBenchmarkTest, TemporariesOfAKilledWriterAreRemovedByTheNextWrite) {
  const std::string dir = testing::TempDir("killed");
  const std::string path = dir + "/x.h5";
  testing::WriteTemporaryOfAKilledWriter(path, "half a benchmark");
  ASSERT_EQ(std::distance(fs::directory_iterator(dir), {}), 1);
  WriteBenchmark(SmallBenchmark(), path);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 1);
  EXPECT_NO_THROW(TabularBenchmark::Open(path));
}

}  // namespace
}  // namespace naskit

namespace naskit {
namespace {

TEST(TabularBenchmarkTest, FuzzFoundFilesAreDataErrors) {
  // Regression inputs found by tests/fuzz/benchmark_opener_fuzz.cc.
  for (const char* name : {"benchmark_huge_extent.h5"}) {
    const std::string path = std::string(NASKIT_SOURCE_DIR) + "/tests/data/regressions/" + name;
    EXPECT_THROW(TabularBenchmark::Open(path), DataError) << name;
  }
}

TEST(TabularBenchmarkTest, PerSeedTablesRoundTripAndAverage) {
  BenchmarkData data = SmallBenchmark();
  Table t;
  t.epochs = {1};
  t.columns = 1;
  t.seeds = 2;
  t.per_seed = {1, 3, NAN, 5, 7, NAN};
  t.AverageSeeds();
  data.tables["metrics/toy/test_accuracy"] = t;
  const std::string path = testing::TempDir("seeds") + "/seeds.h5";
  WriteBenchmark(data, path);
  const auto b = TabularBenchmark::Open(path);
  const Table& read = b.Metric("toy", "test_accuracy");
  EXPECT_EQ(read.seeds, 2u);
  EXPECT_EQ(read.At(0), 2.0f);
  EXPECT_EQ(read.At(1), 5.0f);  // NaN seeds are left out of the mean
  EXPECT_EQ(read.AtSeed(2, 0, 0), 7.0f);
}

}  // namespace
}  // namespace naskit

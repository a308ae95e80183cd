// The `naskit` binary: exit codes (0 ok, 2 bad input or usage, 1 other failures) and messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <H5Cpp.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/pareto.h"
#include "experiments/suite.h"
#include "records/statistics.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using testing::RunCli;
using ::testing::StartsWith;

TEST(CliTest, UsageAndUnknownCommands) {
  EXPECT_EQ(RunCli({"--help"}).exit_code, 0);
  const auto none = RunCli({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("usage:"));
  const auto typo = RunCli({"qeury"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_THAT(typo.err, StartsWith("naskit: error: unknown command \"qeury\""));
  EXPECT_THAT(typo.err, HasSubstr("did you mean \"query\"?"));
  EXPECT_EQ(RunCli({"query", "--bogus"}).exit_code, 2);
}

TEST(CliTest, ListAndDescribeShowTheRegistries) {
  const auto list = RunCli({"list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("nb201"));
  EXPECT_EQ(RunCli({"describe", "space", "nb201"}).exit_code, 0);
  const auto bad = RunCli({"describe", "space", "nb210"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("unknown space \"nb210\"; known: "));
  EXPECT_THAT(bad.err, HasSubstr("nb201"));
}

// Every key a suite experiment accepts is listed by `naskit describe experiment`, group keys under
// their group's name, from the one declaration the reader uses.
TEST(CliTest, DescribeExperimentListsEveryKeyTheReaderAccepts) {
  const auto described = RunCli({"describe", "experiment"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  std::vector<std::string> keys = DeclaredKeys<SuiteExperiment>();
  for (const auto& key : DeclaredKeys<WarmStartSettings>()) keys.push_back("warm_start." + key);
  for (const auto& key : DeclaredKeys<SurrogateSettings>()) keys.push_back("surrogate." + key);
  EXPECT_GE(keys.size(), 28u);
  for (const auto& key : keys) EXPECT_THAT(described.out, HasSubstr("\n  " + key + " ")) << key;
  const auto evaluators = RunCli({"list", "evaluators"});
  EXPECT_THAT(evaluators.out, HasSubstr("  tabular "));
  EXPECT_THAT(evaluators.out, HasSubstr("  surrogate "));
  EXPECT_EQ(RunCli({"describe", "evaluator", "tabular"}).exit_code, 0);
  EXPECT_EQ(RunCli({"describe", "strategy"}).exit_code, 2);  // a registry kind needs its KEY
}

TEST(CliTest, QueryPrintsThePublishedAccuracy) {
  NASKIT_REQUIRE_NB201(bench);
  const auto by_index = RunCli({"query", "--benchmark", bench, "--index", "6111", "--dataset",
                                "cifar10", "--metric", "test_accuracy", "--epochs", "200"});
  EXPECT_EQ(by_index.exit_code, 0) << by_index.err;
  EXPECT_EQ(by_index.out, "94.3733\n");
  // The same cell by its published string.
  const std::string cell =
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
      "nor_conv_1x1~2|";
  const auto arch = RunCli({"query", "--benchmark", bench, "--arch", cell, "--dataset", "cifar10",
                            "--metric", "test_accuracy", "--epochs", "200"});
  EXPECT_EQ(arch.exit_code, 0) << arch.err;
  EXPECT_EQ(arch.out, "94.3733\n");
  EXPECT_EQ(RunCli({"info", bench}).exit_code, 0);
}

TEST(CliTest, QueryErrorsAreClearAndNonZero) {
  NASKIT_REQUIRE_NB201(bench);
  struct Case {
    std::vector<std::string> args;
    std::string dataset, metric;
    const char* message;
  };
  const std::string c10 = "cifar10", test = "test_accuracy";
  const std::vector<Case> cases = {
      {{"--arch", "|nor_conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"},
       c10,
       test,
       "unknown op \"nor_conv\" at position 1"},
      {{"--arch", "|none~0|+|none~0|"}, c10, test, "unterminated token at position 17"},
      {{"--index", "20000"}, c10, test, "no architecture with index 20000"},
      {{"--index", "1", "--epochs", "13"}, c10, test, "no column for 13 epochs"},
      {{"--index", "1"}, "cifar1O", test, "unknown dataset \"cifar1O\""},
      {{"--index", "1"}, c10, "test_acc", "unknown metric \"test_acc\""},
      {{}, c10, test, "give exactly one of --arch and --index"},
      {{"--index", "1", "--epochs", "200"}, c10, "valid_accuracy", "was not measured"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"query",   "--benchmark", bench,   "--dataset",
                                     c.dataset, "--metric",    c.metric};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const auto r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << c.message;
    EXPECT_THAT(r.err, StartsWith("naskit: error: "));
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
}

TEST(CliTest, BrokenBenchmarkFilesAreErrorsNotCrashes) {
  NASKIT_REQUIRE_NB201(bench);
  const std::string dir = testing::TempDir("cli");
  namespace fs = std::filesystem;
  fs::copy_file(bench, dir + "/cut.h5");
  fs::resize_file(dir + "/cut.h5", fs::file_size(bench) / 3);
  std::ofstream(dir + "/text.h5") << "hello";
  for (const std::string& file : {dir + "/cut.h5", dir + "/text.h5", dir + "/missing.h5"}) {
    const auto r = RunCli({"query", "--benchmark", file, "--index", "1", "--dataset", "cifar10",
                           "--metric", "test_accuracy"});
    EXPECT_EQ(r.exit_code, 2) << file << ": " << r.err;
    EXPECT_THAT(r.err, HasSubstr(file));
  }
}

// A file edited with the HDF5 API (as h5py users do) is refused until `naskit bench seal` checks
// and seals it; a file naskit would refuse is never sealed.
TEST(CliTest, BenchSealAcceptsAnEditedFileAndRefusesABrokenOne) {
  const std::string dir = testing::TempDir("seal");
  const std::string file = dir + "/edited.h5";
  std::filesystem::copy_file(NASKIT_SOURCE_DIR "/benchmarks_data/nb201.h5", file);
  {
    H5::H5File h5(file, H5F_ACC_RDWR);
    H5::Group root = h5.openGroup("/");
    H5::StrType type(H5::PredType::C_S1, 4);
    root.createAttribute("editor", type, H5::DataSpace(H5S_SCALAR))
        .write(type, std::string("h5py"));
  }
  EXPECT_THAT(RunCli({"info", file}).err, HasSubstr("its header says"));
  const auto sealed = RunCli({"bench", "seal", file});
  EXPECT_EQ(sealed.exit_code, 0) << sealed.err;
  EXPECT_THAT(sealed.err, HasSubstr("15625 architectures of space nb201"));
  EXPECT_THAT(RunCli({"info", file}).out, HasSubstr("editor: h5py"));

  const std::string broken = dir + "/broken.h5";
  std::ofstream(broken) << "not hdf5";
  const auto refused = RunCli({"bench", "seal", broken});
  EXPECT_EQ(refused.exit_code, 2);  // bad input, named as given, not as the temporary copy
  EXPECT_THAT(refused.err, HasSubstr(std::filesystem::canonical(broken).string() + ": "));
  EXPECT_THAT(refused.err, ::testing::Not(HasSubstr(".tmp-")));
  std::ifstream in(broken);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "not hdf5");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 2);  // no leftovers
}

// Sealing follows a link (the target is sealed, the link stays), and removes the full-size copies
// that sealings killed before they finished left beside the file.
TEST(CliTest, BenchSealFollowsLinksAndRemovesWhatKilledSealsLeft) {
  namespace fs = std::filesystem;
  const std::string dir = testing::TempDir("seal-link");
  const std::string file = dir + "/target.h5", link = dir + "/link.h5";
  fs::copy_file(NASKIT_SOURCE_DIR "/benchmarks_data/nb201_fashion_mnist.h5", file);
  {
    H5::H5File h5(file, H5F_ACC_RDWR);
    H5::StrType type(H5::PredType::C_S1, 4);
    h5.openGroup("/")
        .createAttribute("editor", type, H5::DataSpace(H5S_SCALAR))
        .write(type, std::string("h5py"));
  }
  fs::create_symlink(file, link);
  const std::string stale = testing::WriteTemporaryOfAKilledWriter(file, "a killed sealing's copy");

  const auto sealed = RunCli({"bench", "seal", link});
  EXPECT_EQ(sealed.exit_code, 0) << sealed.err;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_THAT(RunCli({"info", file}).out, HasSubstr("editor: h5py"));
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 2);
}

TEST(CliTest, ImportFailureLeavesNoOutput) {
  const std::string dir = testing::TempDir("cli");
  const auto r = RunCli({"import", "nb201", "--from", dir, "--out", dir + "/out.h5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("source file \"derived/nb201.csv\" not found"));
  EXPECT_TRUE(std::filesystem::is_empty(dir) || !std::filesystem::exists(dir + "/out.h5"));
  const auto bad = RunCli({"import", "nb102", "--from", dir, "--out", dir + "/out.h5"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("unknown importer \"nb102\""));
}

// The printed front is the brute-force non-dominated set of the cells that meet the condition;
// the figure draws it over every such cell.
// `naskit devices`: the rank correlations of two devices' latencies, and one device's exact front
// scored on the other, against the same computed here from the tables: a front is exact for its own
// device (ratio 1) and loses volume on another.
TEST(CliTest, DevicesComparesLatencyRankingsAndFrontsAcrossDevices) {
  const std::string file = std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201.h5";
  const auto r = RunCli({"devices", "--benchmark", file, "--devices", "pixel3,1080ti_1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const TabularBenchmark b = TabularBenchmark::Open(file);
  const Table& pixel3 = b.Get("hardware/pixel3/latency_ms");
  const Table& gpu = b.Get("hardware/1080ti_1/latency_ms");
  const Table& accuracy = b.Metric("cifar10", "test_accuracy");
  const std::size_t column = accuracy.ColumnOf(200, "");
  std::vector<double> a, c;
  ObjectivePoints on_pixel3, on_gpu;
  for (std::size_t row = 0; row < b.NumRows(); ++row) {
    a.push_back(pixel3.At(row));
    c.push_back(gpu.At(row));
    on_pixel3.push_back({accuracy.At(row, column), -pixel3.At(row)});
    on_gpu.push_back({accuracy.At(row, column), -gpu.At(row)});
  }
  EXPECT_THAT(r.out, HasSubstr(fmt::format("pixel3{:>21.3f}{:>13.3f}", 1.0, Spearman(a, c))));
  // pixel3's front on the GPU, over the GPU's own front; reference: 90 % and the GPU front's
  // largest latency.
  const auto gpu_front = NonDominated(on_gpu);
  std::vector<double> reference = {90, INFINITY};
  ObjectivePoints own, moved;
  for (std::size_t i : gpu_front) {
    reference[1] = std::min(reference[1], on_gpu[i][1]);
    own.push_back(on_gpu[i]);
  }
  for (std::size_t i : NonDominated(on_pixel3)) moved.push_back(on_gpu[i]);
  const double ratio = Hypervolume(moved, reference) / Hypervolume(own, reference);
  EXPECT_LT(ratio, 0.95);
  EXPECT_THAT(r.out, HasSubstr(fmt::format("pixel3{:>21.3f}{:>13.3f}", 1.0, ratio)));
  const auto bad = RunCli({"devices", "--benchmark", file, "--devices", "pixel3"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("names 1 (expected two or more)"));
}

TEST(CliTest, ParetoPrintsTheExactFrontAndDrawsIt) {
  const std::string file = std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201.h5";
  const std::string dir = testing::TempDir("cli-pareto");
  const auto r = RunCli({"pareto", "--benchmark", file, "--objectives",
                         "max test_accuracy on cifar10 at 200, min latency_ms on pixel3", "--where",
                         "test_accuracy on cifar10 at 200 >= 90", "--figure", dir + "/front.svg"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::uint32_t> printed;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0])))
      printed.insert(static_cast<std::uint32_t>(std::stoul(line)));
  }
  const TabularBenchmark b = TabularBenchmark::Open(file);
  const Table& accuracy = b.Metric("cifar10", "test_accuracy");
  const Table& latency = b.Get("hardware/pixel3/latency_ms");
  const std::size_t column = accuracy.ColumnOf(200, "");
  std::vector<std::size_t> eligible;
  for (std::size_t row = 0; row < b.NumRows(); ++row) {
    if (accuracy.At(row, column) >= 90) eligible.push_back(row);
  }
  std::set<std::uint32_t> brute;
  for (std::size_t a : eligible) {
    bool dominated = false;
    for (std::size_t c : eligible) {
      const float acc_a = accuracy.At(a, column), acc_c = accuracy.At(c, column);
      const float lat_a = latency.At(a), lat_c = latency.At(c);
      dominated |= acc_c >= acc_a && lat_c <= lat_a && (acc_c > acc_a || lat_c < lat_a);
      if (dominated) break;
    }
    if (!dominated) brute.insert(b.data().index[a]);
  }
  EXPECT_EQ(printed, brute);
  EXPECT_GT(brute.size(), 5u);
  EXPECT_THAT(r.out, HasSubstr(fmt::format("{} of {} cells", brute.size(), eligible.size())));
  std::stringstream svg;
  svg << std::ifstream(dir + "/front.svg").rdbuf();
  EXPECT_THAT(svg.str(), HasSubstr("data-series=\"Pareto front\""));
  // The dots of the points series: its group's circles (the legend draws one more).
  const std::string text = svg.str();
  const std::size_t group = text.find("<g data-series=");
  ASSERT_NE(group, std::string::npos);
  std::size_t dots = 0;
  for (auto at = text.find("<circle", group); at < text.find("</g>", group);
       at = text.find("<circle", at + 1)) {
    ++dots;
  }
  EXPECT_EQ(dots, eligible.size()) << "one dot per cell that meets the condition";
  const auto one =
      RunCli({"pareto", "--benchmark", file, "--objectives", "min latency_ms on pixel3"});
  EXPECT_EQ(one.exit_code, 2);
  EXPECT_THAT(one.err, HasSubstr("names 1 objectives (expected 2 or 3"));
  const auto bad = RunCli({"pareto", "--benchmark", file, "--objectives",
                           "fast latency_ms on pixel3, max test_accuracy on cifar10 at 200"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("objective \"fast latency_ms on pixel3\": expected 'max|min"));
}

// A full disk (here a file-size limit, which fails writes the same way): one clear line, exit 1,
// no crash in libhdf5's exit-time cleanup, nothing left behind.
TEST(CliTest, AFullDiskIsAClearErrorAndLeavesNothing) {
  const std::string dir = testing::TempDir("cli-full-disk");
  const auto r = RunCli({"surrogate", std::string(NASKIT_SOURCE_DIR) + "/benchmarks_data/nb201.h5",
                         "--out", dir + "/surrogate.h5", "--metric", "test_accuracy", "--epochs",
                         "200", "--predictor", "ridge", "--extra", "0"},
                        "trap '' XFSZ; ulimit -f 64; ");  // 32 KB; SIGXFSZ ignored: writes fail
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err,
              ::testing::StartsWith("naskit: error: " + dir + "/surrogate.h5: cannot write ("));
  EXPECT_THAT(r.err, HasSubstr("is the folder writable and the disk not full?)\n"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "libhdf5's own text: " << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

}  // namespace
}  // namespace naskit

namespace naskit {
namespace {

// `naskit slurm` checks the command before submitting anything, and its job scripts run the
// command itself in every array task (the share comes from SLURM_ARRAY_TASK_ID) and once more in
// the final step, then the report. Submission is tested against a real Slurm in
// tests/slurm/slurm_test.sh.
TEST(CliTest, SlurmChecksTheCommandAndWritesTheJobScripts) {
  const std::string dir = testing::TempDir("slurm-cli");
  const std::string suite =
      testing::WriteSyntheticSuite(testing::SyntheticNb201File(), "0..3", "[10]", {"random"});
  const struct {
    std::vector<std::string> args;
    std::string message;
  } refused[] = {
      {{"slurm", "--tasks", "2", "--", "run", suite}, "needs --out"},
      {{"slurm", "--", "run", suite, "--out", dir + "/out", "--shard", "1/2"}, "leave out --shard"},
      {{"slurm", "--", "train", "--arch", "x"},
       "one of run, eval-predictors, bench build, zc, latency"},
      {{"slurm", "--", "zc", "--proxies", "synflow"}, "needs --benchmark"},
      {{"slurm", "--", "run", suite, "--out", dir + "/out", "--set", "seeds=x"}, "seeds"},
  };
  for (const auto& [args, message] : refused) {
    const auto result = RunCli(args);
    EXPECT_EQ(result.exit_code, 2) << args.back();
    EXPECT_THAT(result.err, HasSubstr(message));
  }

  const auto dry = RunCli({"slurm", "--tasks", "3", "--dry-run", "--scripts", dir + "/scripts",
                           "--", "run", suite, "--out", dir + "/out"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("--dependency=afterany:"));
  std::stringstream array, final_step;
  array << std::ifstream(dir + "/scripts/naskit-run-array.sh").rdbuf();
  final_step << std::ifstream(dir + "/scripts/naskit-run-final.sh").rdbuf();
  EXPECT_THAT(array.str(),
              ::testing::AllOf(HasSubstr("#SBATCH --array=1-3"), HasSubstr("'run' '" + suite),
                               ::testing::Not(HasSubstr("--shard"))));
  EXPECT_THAT(final_step.str(),
              ::testing::AllOf(HasSubstr("'run' '" + suite), HasSubstr("'report'")));
  EXPECT_FALSE(std::filesystem::exists(dir + "/out"));  // a dry run runs nothing
}

}  // namespace
}  // namespace naskit

// The commands `naskit` hands to naskit-torch: a bad value of each kind of option is exit 2 with a
// message naming the option and the value (the option parser is the suites', tested in depth
// there).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "benchmarks_data/csv_table.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "experiments/suite_runner.h"
#include "records/run_result.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(TorchCliTest, BadOptionValuesAreClearErrors) {
  const std::string arch = "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|";
  const std::string dir = testing::TempDir("torch-cli");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"train", "--arch", arch, "--epochs", "0"},
       "option \"epochs\" must be in [1, 100000] (got 0)"},
      {{"train", "--arch", arch, "--epochs", "4294967297"},
       "\"epochs\" must be in [1, 100000] (got 4294967297)"},
      {{"train", "--arch", arch, "--data-dir", ""}, "option --data-dir is empty"},
      {{"train", "--arch", arch, "--data-dir", "/nonexistent"}, "/nonexistent/train-images"},
      {{"train", "--arch", arch, "--device", "tpu"}, "must be one of cpu, cuda (got \"tpu\")"},
      {{"train", "--arch", arch, "--batch-size", "x"},
       "\"batch_size\" is not an integer (got \"x\")"},
      {{"train", "--arch", arch, "--learning-rate", "100"}, "must be in [1e-08, 10] (got 100)"},
      {{"train", "--arch", arch, "--data-dir", dir},
       dir + "/train-images-idx3-ubyte: file not found"},
      {{"train", "--arch", arch, "--bogus", "1"}, "unknown option \"bogus\""},
      {{"train", "--epochs", "1"}, "missing required option --arch"},
      {{"train", "--arch", arch, "--nesterov", "--epochs", "1"},
       "option --nesterov needs a value (the next word, --epochs, is an option)"},
      {{"train", "--arch", arch, "--epochs"}, "option --epochs needs a value"},
      {{"train", "--space", "darts", "--arch", "x"},
       "darts architecture \"x\": expected NASLib's compact form"},
      {{"bench", "build", "--out", dir + "/b.h5", "--seeds", "a"},
       "comma-separated integers (got \"a\")"},
      {{"bench", "build", "--out", dir + "/b.h5", "--workers", "0"},
       "\"workers\" must be in [1, 1024]"},
      {{"bench", "worker", "--work", dir, "--index", "abc"},
       "bench worker: option \"index\" is not an integer (got \"abc\")"},
      {{"bench", "worker", "--index", "0"}, "bench worker: option \"work\" is required"},
      {{"bench", "build", "--out", dir + "/b.h5", "--space", "nb101"},
       "too many to enumerate; set option \"sample\""},
      {{"verify", dir + "/none"}, "none: results folder not found"},
      {{"zc", "--benchmark", dir + "/x.h5", "--proxies", "snip,snyflow"},
       "did you mean \"synflow\""},
      {{"zc", "--benchmark", dir + "/x.h5", "--batch-size", "1"}, "\"batch_size\" must be >= 2"},
      {{"zc", "--benchmark", dir + "/x.h5", "--dataset", "none", "--features-of", "cifar10",
        "--proxies", "synflow,snip"},
       "\"snip\" needs a minibatch"},
  };
  for (const auto& c : cases) {
    const auto r = testing::RunCli(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.message << "\n" << r.err;
    EXPECT_THAT(r.err, StartsWith("naskit: error: ")) << c.message;
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
}

// verify retrains what the runs promised; a folder whose runs promise different things (another
// dataset, metric or benchmark) is refused with both files named, never judged by the last one
// read.
TEST(TorchCliTest, BenchHelpListsItsSubcommands) {
  const auto help = testing::RunCli({"bench", "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_THAT(help.out, HasSubstr("naskit bench build --out FILE.h5"));
  EXPECT_THAT(help.out, HasSubstr("naskit bench seal FILE.h5"));
}

TEST(TorchCliTest, VerifyRefusesAFolderThatMixesPromises) {
  const std::string dir = testing::TempDir("verify-mixed");
  const Suite suite = LoadSuite(
      testing::WriteSyntheticSuite(testing::SyntheticNb201File(), "0", "[5]", {"random"}));
  RunnerOptions options;
  options.out_dir = dir;
  options.progress = false;
  RunSuite(suite, options);
  const std::string source = dir + "/queries/toy/random/5q/seed-0.json";
  auto result = nlohmann::json::parse(std::ifstream(source));
  result["dataset"] = "other";
  std::ofstream(dir + "/queries/toy/random/5q/seed-1.json") << result.dump();
  const auto r = testing::RunCli({"verify", dir});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("the folder mixes"));
  EXPECT_THAT(r.err, HasSubstr("of other after 200 epochs"));
  EXPECT_THAT(r.err, HasSubstr("of toy after 200 epochs"));
}

// `bench build` and `verify` for every space that registers a LibTorch network, not NB201 alone: a
// benchmark of drawn classes, a search on it, and its incumbents retrained against what the
// benchmark promised.
class AnySpaceBenchTest : public ::testing::TestWithParam<std::string> {};

TEST_P(AnySpaceBenchTest, BuildsASampledBenchmarkAndVerifiesASearchOnIt) {
  const std::string space = GetParam();
  const std::string dir = testing::TempDir("bench-" + space);
  const std::string file = dir + "/" + space + ".h5";
  const auto built = testing::RunCli(
      {"bench",         "build", "--space",        space, "--sample",     "3",
       "--seeds",       "0",     "--epochs",       "1",   "--dataset",    "synthetic",
       "--image-size",  "0",     "--train-subset", "0",   "--valid-size", "100",
       "--test-subset", "0",     "--channels",     "4",   "--cells",      "1",
       "--workers",     "2",     "--out",          file});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  const TabularBenchmark benchmark = TabularBenchmark::Open(file);
  EXPECT_EQ(benchmark.space().Name(), space);
  ASSERT_EQ(benchmark.NumRows(), 3u);
  const Table& params = benchmark.Get("features/synthetic/params");
  const Table& test = benchmark.Metric("synthetic", "test_accuracy");
  for (std::size_t row = 0; row < 3; ++row) {
    EXPECT_EQ(benchmark.data().index[row], row);
    EXPECT_GT(params.At(row), 0);
    EXPECT_FALSE(std::isnan(test.At(row)));
  }

  // Retrained with the benchmark's own seed, an incumbent measures exactly what the file promised,
  // for the promised metric at the promised epoch: an accuracy and a loss alike.
  for (const std::string metric : {"test_accuracy", "test_loss"}) {
    const std::string suite_path = dir + "/" + metric + ".yaml";
    std::ofstream(suite_path) << "name: any_space\nbenchmark: " << file
                              << "\nseeds: 0..3\nstrategies:\n  - strategy: random\n"
                                 "experiments:\n  - name: q\n    datasets: [synthetic]\n"
                                 "    signal_metric: valid_accuracy\n    signal_epochs: 1\n"
                                 "    report_metric: "
                              << metric
                              << "\n    report_epochs: 1\n"
                                 "    budget_unit: queries\n    budgets: [2]\n";
    RunnerOptions options;
    options.out_dir = dir + "/" + metric;
    options.progress = false;
    RunSuite(LoadSuite(suite_path), options);
    const auto verified = testing::RunCli(
        {"verify", options.out_dir, "--top-k", "2", "--threads", "1", "--seed", "0"});
    ASSERT_EQ(verified.exit_code, 0) << verified.err;
    const Table& promise = benchmark.Metric("synthetic", metric);
    const CsvTable csv = CsvTable::Read(options.out_dir + "/verify/verify.csv");
    ASSERT_GE(csv.NumRows(), 1u);
    for (std::size_t i = 0; i < csv.NumRows(); ++i) {
      const std::size_t row =
          benchmark.RowOfIndex(static_cast<std::uint64_t>(csv.Integer(i, csv.Column("index"))));
      EXPECT_EQ(csv.Cell(i, csv.Column("architecture")),
                benchmark.space().Format(benchmark.data().archs[row]));
      EXPECT_NEAR(csv.Real(i, csv.Column("promised")), promise.At(row), 1e-3);
      EXPECT_NEAR(csv.Real(i, csv.Column("measured")), promise.At(row), 1e-3) << metric;
    }
  }
  // The recipe is the benchmark's: a training option given to verify is refused, not ignored.
  const auto ignored = testing::RunCli({"verify", dir + "/test_loss", "--epochs", "9"});
  EXPECT_EQ(ignored.exit_code, 2);
  EXPECT_THAT(ignored.err, HasSubstr("unknown option \"epochs\""));
}

INSTANTIATE_TEST_SUITE_P(Spaces, AnySpaceBenchTest, ::testing::Values("nb101", "darts"),
                         [](const auto& info) { return info.param; });

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::vector<std::string> ZcArgs(const std::string& file, const std::string& proxies,
                                const std::string& limit) {
  return {"zc",  "--benchmark", file,  "--dataset", "synthetic", "--features-of",
          "toy", "--channels",  "4",   "--cells",   "1",         "--threads",
          "1",   "--limit",     limit, "--proxies", proxies};
}

// Rerun, `naskit zc` scores only the rows a requested proxy lacks, and leaves a file that holds
// them all untouched.
TEST(TorchCliTest, ZeroCostRerunScoresOnlyWhatIsMissing) {
  const std::string file = testing::TempDir("zc-rerun") + "/toy.h5";
  std::filesystem::copy_file(testing::SyntheticNb201File(), file);
  const auto first = testing::RunCli(ZcArgs(file, "synflow", "6"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::vector<float> synflow =
      TabularBenchmark::Open(file).Get("features/toy/naskit_synflow").values;

  const auto second = testing::RunCli(ZcArgs(file, "synflow,snip,params", "6"));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.err, Not(HasSubstr("already scored")));  // snip and params lack every row
  const std::string bytes = ReadBytes(file);
  const auto third = testing::RunCli(ZcArgs(file, "synflow,snip,params", "6"));
  EXPECT_THAT(third.err, HasSubstr("6 of 6 rows already scored"));
  EXPECT_EQ(ReadBytes(file), bytes);
  const auto fourth = testing::RunCli(ZcArgs(file, "synflow,snip,params", "9"));
  EXPECT_THAT(fourth.err, HasSubstr("6 of 9 rows already scored"));

  const auto b = TabularBenchmark::Open(file);
  for (const char* proxy : {"synflow", "snip", "params"}) {
    const Table& t = b.Get(std::string("features/toy/naskit_") + proxy);
    EXPECT_EQ(t.attrs.at("rows"), "0-8") << proxy;
    for (std::size_t row = 0; row < b.data().archs.size(); ++row)
      EXPECT_EQ(std::isnan(t.At(row)), row >= 9) << proxy << " row " << row;
  }
  const Table& t = b.Get("features/toy/naskit_synflow");
  EXPECT_TRUE(std::equal(synflow.begin(), synflow.begin() + 6, t.values.begin()));
}

// `naskit latency` adds this machine to a benchmark as a device: the median and spread of timed
// forward passes under hardware/<name>/, with the machine's description; a rerun times only the
// rows missing; other settings are refused before the file is touched; and a multi-objective
// search then names the device, searching the cells it timed.
TEST(TorchCliTest, LatencyAddsThisMachineAsADeviceThatASearchNames) {
  const std::string dir = testing::TempDir("latency");
  const std::string file = dir + "/toy.h5";
  std::filesystem::copy_file(testing::SyntheticNb201File(), file);
  auto args = [&](const std::string& limit, const std::vector<std::string>& extra = {},
                  const std::string& name = "here") {
    std::vector<std::string> a = {
        "latency", "--benchmark", file, "--device-name", name, "--channels", "4",  "--cells",
        "1",       "--warmup",    "1",  "--repeats",     "3",  "--limit",    limit};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  const auto first = testing::RunCli(args("12"));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  {
    const auto b = TabularBenchmark::Open(file);
    const Table& t = b.Get("hardware/here/latency_ms");
    EXPECT_EQ(t.attrs.at("rows"), "0-11");
    EXPECT_THAT(t.attrs.at("source"), HasSubstr("median of 3 forward passes of batch 1"));
    EXPECT_THAT(t.attrs.at("source"), HasSubstr("cpu: "));
    for (std::size_t row = 0; row < b.NumRows(); ++row) {
      EXPECT_EQ(std::isnan(t.At(row)), row >= 12) << row;
      if (row < 12) {
        EXPECT_GT(t.At(row), 0) << row;
      }
    }
    EXPECT_GE(b.Get("hardware/here/latency_iqr_ms").At(0), 0);
  }
  const auto second = testing::RunCli(args("20"));
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.err, HasSubstr("12 of 20 rows already timed"));
  const std::string bytes = ReadBytes(file);
  const auto other = testing::RunCli(args("20", {"--batch", "2"}));
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_THAT(other.err, HasSubstr("holds 20 timings recorded with other settings"));
  EXPECT_EQ(ReadBytes(file), bytes);
  const auto bad_name = testing::RunCli(args("20", {}, "../x"));
  EXPECT_EQ(bad_name.exit_code, 2) << bad_name.err;
  EXPECT_THAT(bad_name.err, HasSubstr("--device-name"));
  EXPECT_EQ(ReadBytes(file), bytes);

  std::ofstream(dir + "/suite.yaml") << "name: here\nbenchmark: " << file << R"(
seeds: 0..1
strategies:
  - strategy: nsga2
experiments:
  - {name: front, datasets: [toy], budgets: [10], objectives: ["min latency_ms on here"]}
)";
  const auto run =
      testing::RunCli({"run", dir + "/suite.yaml", "--out", dir + "/results", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const RunResult r = ReadRunResult(dir + "/results/front/toy/nsga2/10q/seed-0.json");
  ASSERT_EQ(r.queries, 10u);
  for (const auto& values : r.objectives) EXPECT_GT(values[1], 0);  // timed cells only
  EXPECT_FALSE(r.pareto.empty());
}

// `naskit zc` never loses a measured score: arguments that cannot be scored (a predictor that is no
// proxy, an unknown name) and settings that differ from the recorded ones are refused before the
// file is touched; the same settings spelt differently are the same; only --replace discards, and
// says how many.
TEST(TorchCliTest, ZeroCostNeverDiscardsRecordedScores) {
  const std::string dir = testing::TempDir("zc-keep");
  const std::string file = dir + "/toy.h5";
  std::filesystem::copy_file(testing::SyntheticNb201File(), file);
  ASSERT_EQ(testing::RunCli(ZcArgs(file, "synflow", "3")).exit_code, 0);
  const std::string bytes = ReadBytes(file);
  auto with = [&](std::vector<std::string> args, const std::vector<std::string>& extra) {
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const std::vector<std::pair<std::vector<std::string>, std::string>> refused = {
      {ZcArgs(file, "synflow,xgboost", "3"), "unknown zero-cost proxy \"xgboost\""},
      {ZcArgs(file, "ridge", "3"), "unknown zero-cost proxy \"ridge\""},
      {with(ZcArgs(file, "synflow", "3"), {"--seed", "1"}),
       "holds 3 scores recorded with other settings"},
      {with(ZcArgs(file, "synflow", "5"), {"--batch-size", "8"}),
       "holds 3 scores recorded with other settings"},
  };
  for (const auto& [args, message] : refused) {
    const auto r = testing::RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(message));
    EXPECT_EQ(ReadBytes(file), bytes) << message;
  }
  // A dataset folder for a dataset without files is no setting at all.
  const auto same = testing::RunCli(with(ZcArgs(file, "synflow", "3"), {"--data-dir", dir + "/"}));
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_THAT(same.err, HasSubstr("3 of 3 rows already scored"));
  EXPECT_EQ(ReadBytes(file), bytes);

  const auto replaced =
      testing::RunCli(with(ZcArgs(file, "synflow", "3"), {"--seed", "1", "--replace", "true"}));
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_THAT(replaced.err, HasSubstr("discarding 3 scores of features/toy/naskit_synflow"));
  const Table& t = TabularBenchmark::Open(file).Get("features/toy/naskit_synflow");
  EXPECT_EQ(t.attrs.at("rows"), "0-2");
  EXPECT_THAT(t.attrs.at("settings"), HasSubstr("\"seed\":\"1\""));

  // The default dataset folder spelt out (with a trailing '/') names the same data.
  const std::string fashion = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(fashion + "/t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << fashion << " is missing (Debian's dataset-fashion-mnist package)";
  }
  const std::vector<std::string> base = {"zc",
                                         "--benchmark",
                                         file,
                                         "--dataset",
                                         "fashion-mnist",
                                         "--features-of",
                                         "fm",
                                         "--channels",
                                         "4",
                                         "--cells",
                                         "1",
                                         "--threads",
                                         "1",
                                         "--limit",
                                         "2",
                                         "--proxies",
                                         "snip",
                                         "--batch-size",
                                         "8"};
  ASSERT_EQ(testing::RunCli(base).exit_code, 0);
  const std::string scored = ReadBytes(file);
  const auto spelt = testing::RunCli(with(base, {"--data-dir", fashion + "/"}));
  EXPECT_EQ(spelt.exit_code, 0) << spelt.err;
  EXPECT_THAT(spelt.err, HasSubstr("2 of 2 rows already scored"));
  EXPECT_EQ(ReadBytes(file), scored);
}

// A seeded fuzz driver of zc's arguments (zc needs LibTorch, which the libFuzzer build leaves
// out): random mixes of proxy lists (typos, predictors that are no proxy, repeats), row
// selections, seeds, batch sizes, datasets, folders and --replace, run in turn on one copy of a
// benchmark. Whatever the arguments, the command exits 0 or 2 (never a crash), an exit 2 leaves
// the file byte-identical, and no value recorded before a run changes after it unless the run
// said --replace true.
TEST(TorchCliTest, ZeroCostArgumentsNeverLoseRecordedValues) {
  const std::string dir = testing::TempDir("zc-fuzz");
  const std::string file = dir + "/toy.h5";
  std::filesystem::copy_file(testing::SyntheticNb201File(), file);
  std::mt19937_64 rng(20261205);
  auto pick = [&](const std::vector<std::string>& options) {
    return options[std::uniform_int_distribution<std::size_t>(0, options.size() - 1)(rng)];
  };
  auto coin = [&] { return std::bernoulli_distribution(0.5)(rng); };
  const std::vector<std::string> proxies = {"synflow", "snip",   "params", "flops", "grad_norm",
                                            "xgboost", "synflw", "all",    "",      "snip"};
  std::map<std::string, int> outcomes;  // the driver reaches each kind of outcome
  for (int run = 0; run < 24; ++run) {
    std::string proxy_list = pick(proxies);
    while (coin()) proxy_list += "," + pick(proxies);
    std::vector<std::string> args = {"zc",
                                     "--benchmark",
                                     file,
                                     "--channels",
                                     "4",
                                     "--cells",
                                     "1",
                                     "--threads",
                                     "1",
                                     "--proxies",
                                     proxy_list,
                                     "--features-of",
                                     pick({"toy", "toy", "toy", "other", "../x"})};
    const std::vector<std::vector<std::string>> optional = {
        {"--dataset", pick({"synthetic", "synthetic", "none", "nope"})},
        {"--limit", pick({"1", "2", "3", "0", "-1", "abc"})},
        {"--sample", pick({"2", "4"})},
        {"--seed", pick({"0", "1"})},
        {"--batch-size", pick({"8", "16"})},
        {"--data-dir", pick({dir, dir + "/", dir + "/missing"})},
        {"--replace", pick({"true", "false", "maybe"})},
    };
    for (const auto& flag : optional) {
      if (coin()) args.insert(args.end(), flag.begin(), flag.end());
    }
    if (std::find(args.begin(), args.end(), "--limit") == args.end() &&
        std::find(args.begin(), args.end(), "--sample") == args.end()) {
      args.insert(args.end(), {"--limit", "2"});  // a few rows: each run takes a second
    }
    const bool replace = std::find(args.begin(), args.end(), "true") != args.end();
    const std::string before_bytes = ReadBytes(file);
    const BenchmarkData before = TabularBenchmark::Open(file).data();
    const auto r = testing::RunCli(args);
    std::string command;
    for (const auto& a : args) command += " " + a;
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 2) << command << "\n" << r.err;
    if (r.exit_code == 2) EXPECT_EQ(ReadBytes(file), before_bytes) << command;
    ++outcomes[r.exit_code == 2                  ? "refused"
               : ReadBytes(file) == before_bytes ? "unchanged"
               : replace                         ? "replaced"
                                                 : "scored"];
    const BenchmarkData after = TabularBenchmark::Open(file).data();
    for (const auto& [path, table] : before.tables) {
      if (replace && path.find("/naskit_") != std::string::npos) continue;
      ASSERT_TRUE(after.tables.contains(path)) << command << ": " << path << " is gone";
      const Table& now = after.tables.at(path);
      for (std::size_t i = 0; i < table.values.size(); ++i) {
        if (std::isnan(table.values[i])) continue;
        ASSERT_EQ(now.values[i], table.values[i]) << command << ": " << path << " value " << i;
      }
    }
  }
  for (const char* outcome : {"refused", "scored", "replaced"}) {
    EXPECT_GE(outcomes[outcome], 1) << outcome;
  }
  for (const auto& [outcome, count] : outcomes) std::cout << outcome << ": " << count << "\n";
}

// Ctrl-C and a scheduler's SIGTERM keep the rows scored so far; the rerun ends byte-identical to
// an uninterrupted run.
class ZeroCostSignalTest : public ::testing::TestWithParam<int> {};

TEST_P(ZeroCostSignalTest, KeepsItsScoresAndResumes) {
  const std::string dir = testing::TempDir("zc-signal");
  const std::string reference = dir + "/reference.h5", file = dir + "/toy.h5";
  std::filesystem::copy_file(testing::SyntheticNb201File(), reference);
  std::filesystem::copy_file(testing::SyntheticNb201File(), file);
  const auto args = ZcArgs(file, "all", "300");
  const auto whole = testing::RunCli(ZcArgs(reference, "all", "300"));
  ASSERT_EQ(whole.exit_code, 0) << whole.err;

  const std::string binary = testing::NaskitBinary(), err = dir + "/err";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    std::vector<char*> argv = {const_cast<char*>("naskit")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  // The signal comes once the first tenth of the rows is scored: the handler is in place.
  for (int waited = 0; waited < 600 && ReadBytes(err).find("(10%)") == std::string::npos; ++waited)
    ::usleep(50000);
  ::kill(child, GetParam());
  int status = 0;
  ::waitpid(child, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    GTEST_SKIP() << "naskit zc finished before the signal";
  EXPECT_EQ(WEXITSTATUS(status), 130) << ReadBytes(err);
  EXPECT_THAT(ReadBytes(err), HasSubstr("run the same command again to resume"));
  const std::string kept =
      TabularBenchmark::Open(file).Get("features/toy/naskit_snip").attrs.at("rows");
  EXPECT_THAT(kept, StartsWith("0-"));
  EXPECT_NE(kept, "0-299");

  const auto resumed = testing::RunCli(args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.err, HasSubstr("rows already scored"));
  EXPECT_TRUE(ReadBytes(file) == ReadBytes(reference)) << "the files differ";
}

INSTANTIATE_TEST_SUITE_P(IntAndTerm, ZeroCostSignalTest, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) {
                           return info.param == SIGINT ? "Sigint" : "Sigterm";
                         });

// Rows are scored in parallel, each on one LibTorch thread: --threads changes no byte of the file.
TEST(TorchCliTest, ZeroCostScoresDoNotDependOnThreads) {
  const std::string dir = testing::TempDir("zc-threads");
  std::map<std::string, std::string> files;
  for (const char* threads : {"1", "2"}) {
    const std::string file = dir + "/toy" + threads + ".h5";
    std::filesystem::copy_file(testing::SyntheticNb201File(), file);
    const auto r = testing::RunCli({"zc", "--benchmark", file, "--dataset", "synthetic",
                                    "--features-of", "toy", "--channels", "8", "--cells", "1",
                                    "--limit", "12", "--threads", threads});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    files[threads] = ReadBytes(file);
  }
  EXPECT_TRUE(files["1"] == files["2"]) << "the files differ";
}

// Shares (--shard i/n, or a Slurm array task's) measure into files of their own; the command
// without a share merges them and measures what is left: the same bytes as one whole run, and the
// shares' files gone.
TEST(TorchCliTest, ZeroCostSharesMergeIntoTheSameFileAsOneRun) {
  const std::string dir = testing::TempDir("zc-shares");
  const std::vector<std::string> options = {
      "--dataset", "synthetic", "--features-of", "toy", "--channels", "8",
      "--cells",   "1",         "--limit",       "12",  "--proxies",  "synflow,params"};
  auto zc = [&](const std::string& file, const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"zc", "--benchmark", file};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = testing::RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  };
  const std::string whole = dir + "/whole.h5", shared = dir + "/shared.h5";
  std::filesystem::copy_file(testing::SyntheticNb201File(), whole);
  std::filesystem::copy_file(testing::SyntheticNb201File(), shared);
  zc(whole, {});
  const std::string before = ReadBytes(shared);
  EXPECT_THAT(zc(shared, {"--shard", "1/3"}).err, HasSubstr("share 1 of 3"));
  zc(shared, {"--shard", "3/3"});
  EXPECT_EQ(ReadBytes(shared), before) << "a share wrote the benchmark itself";
  EXPECT_TRUE(std::filesystem::exists(shared + ".share-3-of-3.h5"));
  // Share 2 never ran: the whole command measures its rows after merging the others.
  EXPECT_THAT(zc(shared, {}).err, HasSubstr("8 of 12 rows already scored"));
  EXPECT_TRUE(ReadBytes(shared) == ReadBytes(whole)) << "the merged file differs";
  for (const char* share : {".share-1-of-3.h5", ".share-3-of-3.h5"}) {
    EXPECT_FALSE(std::filesystem::exists(shared + share)) << share;
  }
}

}  // namespace
}  // namespace naskit

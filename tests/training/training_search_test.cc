// The training evaluator (experiments/training_evaluator.cc) end to end, through `naskit run`:
// real trainings on the synthetic dataset, a SIGKILL mid-search and its resume, a diverging
// training and a killed worker as failed evaluations, continuation, and the benchmark the search
// leaves behind, searched tabularly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "benchmarks_data/image_file.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "core/atomic_file.h"
#include "core/rng.h"
#include "records/run_result.h"
#include "spaces/search_space.h"
#include "strategies/search_strategy.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using ::testing::HasSubstr;

// A real-training suite on the synthetic dataset: small enough that a training takes well under a
// second, most of it LibTorch's start.
std::string WriteSuite(const std::string& dir, const std::string& strategy, int queries,
                       const std::string& fidelities, const std::string& extra_options = "",
                       int workers = 1, const std::string& unit = "queries") {
  std::string path = dir + "/suite.yaml";
  std::ofstream(path) << fmt::format(
      "name: real\nspace: nb201\nseeds: 0..0\nstrategies:\n  - strategy: {}\nexperiments:\n"
      "  - name: real\n    datasets: [synthetic]\n    signal_metric: valid_accuracy\n"
      "    fidelities: {}\n    report_metric: test_accuracy\n    budget_unit: {}\n"
      "    budgets: [{}]\n    workers: {}\n    evaluator: {{name: training, channels: 4, "
      "image_size: 8, train_subset: 0, valid_size: 200, test_subset: 0{}}}\n",
      strategy, fidelities, unit, queries, workers, extra_options);
  return path;
}

std::vector<std::string> Records(const std::string& out) {
  std::vector<std::string> records;
  if (!fs::exists(out + "/trainings")) return records;
  for (const auto& e : fs::recursive_directory_iterator(out + "/trainings")) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".json") && name != "recipe.json") records.push_back(e.path().string());
  }
  return records;
}

RunResult OnlyResult(const std::string& out) {
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (e.path().string().find("/seed-") != std::string::npos) {
      return ReadRunResult(e.path().string());
    }
  }
  ADD_FAILURE() << "no result in " << out;
  return {};
}

// The pid of a running `naskit-torch train-job` whose record goes under `out`, or 0.
pid_t FindTrainingWorker(const std::string& out) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline;
    try {
      cmdline = ReadFileContents(e.path().string() + "/cmdline");
    } catch (const std::exception&) {
      continue;
    }
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find("train-job") != std::string::npos &&
        cmdline.find(out + "/trainings") != std::string::npos) {
      return static_cast<pid_t>(std::stol(name));
    }
  }
  return 0;
}

pid_t StartRun(const std::string& suite, const std::string& out) {
  const std::string binary = testing::NaskitBinary();
  const pid_t child = ::fork();
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    ::execl(binary.c_str(), "naskit", "run", suite.c_str(), "--out", out.c_str(), "--quiet",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return child;
}

TEST(TrainingSearchTest, ResumesAfterSigkillReusingEveryFinishedTraining) {
  const std::string dir = testing::TempDir("training-kill");
  const std::string suite = WriteSuite(dir, "regularized_evolution", 12, "[2]");
  const auto reference = testing::RunCli({"run", suite, "--out", dir + "/reference", "--quiet"});
  ASSERT_EQ(reference.exit_code, 0) << reference.err;

  const std::string out = dir + "/killed";
  const pid_t child = StartRun(suite, out);
  ASSERT_GT(child, 0);
  // Killed once a few trainings are finished, in the middle of the search.
  for (int waited = 0; Records(out).size() < 4 && waited < 120000; waited += 5) ::usleep(5000);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the search ended before it was killed";
  const std::size_t kept = Records(out).size();
  // The workers die with the search: none is left to write.
  for (int waited = 0; FindTrainingWorker(out) != 0 && waited < 5000; waited += 5) ::usleep(5000);
  EXPECT_EQ(FindTrainingWorker(out), 0);

  const auto resumed = testing::RunCli({"run", suite, "--out", out, "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const RunResult a = OnlyResult(dir + "/reference"), b = OnlyResult(out);
  EXPECT_EQ(b.reused_evaluations, kept);
  EXPECT_GE(kept, 4U);
  EXPECT_EQ(Records(out).size(), Records(dir + "/reference").size());
  // One worker and deterministic trainings: the same search, query for query (the clock of
  // trainings run again is measured again).
  EXPECT_EQ(b.archs, a.archs);
  EXPECT_EQ(b.signal_values, a.signal_values);
  EXPECT_EQ(b.curve, a.curve);
  EXPECT_EQ(b.incumbent, a.incumbent);
  ASSERT_EQ(a.queries, 12U);
}

// Every strategy works unchanged against real trainings: each registered one spends its budget on a
// two-fidelity problem with two workers, and none of its queries fails.
TEST(TrainingSearchTest, EveryRegisteredStrategySearchesWithRealTrainings) {
  const std::string dir = testing::TempDir("training-every");
  std::string strategies;
  for (const auto& key : StrategyRegistry::Global().Keys()) {
    strategies += "  - strategy: " + key + "\n";
  }
  const std::string suite = dir + "/suite.yaml";
  std::ofstream(suite) << "name: every\nspace: nb201\nseeds: 0..0\nstrategies:\n"
                       << strategies
                       << "experiments:\n  - name: e\n    datasets: [synthetic]\n"
                          "    fidelities: [1, 2]\n    budgets: [4]\n    workers: 2\n"
                          "    evaluator: {name: training, channels: 4, image_size: 8, "
                          "train_subset: 0, valid_size: 200, test_subset: 0}\n";
  const auto run = testing::RunCli({"run", suite, "--out", dir + "/out", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::size_t runs = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/out")) {
    if (e.path().string().find("/seed-") == std::string::npos) continue;
    const RunResult r = ReadRunResult(e.path().string());
    ++runs;
    EXPECT_TRUE(r.queries == 4 || r.stalled) << r.strategy << ": " << r.queries << " queries";
    EXPECT_TRUE(r.failures.empty()) << r.strategy << ": " << r.failures.front().second;
  }
  EXPECT_EQ(runs, StrategyRegistry::Global().Keys().size());
}

TEST(TrainingSearchTest, ADivergingTrainingIsAFailedEvaluationNotACrash) {
  const std::string dir = testing::TempDir("training-diverge");
  // SGD at learning rate 10, momentum 0.99 and weight decay 1 sends the loss of cells with
  // convolutions to NaN within three epochs.
  const std::string suite =
      WriteSuite(dir, "random", 4, "[3]", ", learning_rate: 10, momentum: 0.99, weight_decay: 1");
  const auto run = testing::RunCli({"run", suite, "--out", dir + "/out", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const RunResult r = OnlyResult(dir + "/out");
  EXPECT_EQ(r.queries, 4U);
  ASSERT_FALSE(r.failures.empty());
  EXPECT_THAT(r.failures.front().second, HasSubstr("diverged (training loss"));
  for (const auto& [query, reason] : r.failures) EXPECT_TRUE(std::isnan(r.signal_values[query]));
}

TEST(TrainingSearchTest, AKilledWorkerIsAFailedEvaluationAndTheSearchGoesOn) {
  const std::string dir = testing::TempDir("training-worker");
  const std::string suite = WriteSuite(dir, "random", 3, "[2]");
  const std::string out = dir + "/out";
  const pid_t search = StartRun(suite, out);
  pid_t worker = 0;
  for (int waited = 0; worker == 0 && waited < 120000; waited += 1) {
    worker = FindTrainingWorker(out);
    if (worker == 0) ::usleep(1000);
  }
  ASSERT_NE(worker, 0);
  ::kill(worker, SIGKILL);
  int status = 0;
  ::waitpid(search, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const RunResult r = OnlyResult(out);
  EXPECT_EQ(r.queries, 3U);
  ASSERT_EQ(r.failures.size(), 1U);
  EXPECT_EQ(r.failures.front().first, 0U);
  EXPECT_THAT(r.failures.front().second, HasSubstr("signal 9"));
  EXPECT_TRUE(r.incumbent.has_value());  // from the two trainings that finished
}

TEST(TrainingSearchTest, HyperbandContinuesPromotedTrainingsAndTheBenchmarkReproducesThem) {
  const std::string dir = testing::TempDir("training-hyperband");
  const std::string suite = WriteSuite(dir, "hyperband", 20, "[1, 2, 4]");
  const auto run = testing::RunCli({"run", suite, "--out", dir + "/out"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("the trainings are a benchmark: "));

  // Promotions resumed from the checkpoint of the shorter training, whose curve they extend.
  std::size_t continued = 0;
  std::map<std::string, Json> records;
  for (const std::string& path : Records(dir + "/out")) {
    records[path] = Json::parse(ReadFileContents(path));
    const Json& j = records[path];
    const int resumed = j["resumed_epochs"].get<int>();
    if (resumed == 0) continue;
    ++continued;
    const std::string shorter =
        path.substr(0, path.rfind("-e")) + fmt::format("-e{}.json", resumed);
    const Json before = Json::parse(ReadFileContents(shorter));
    for (int e = 0; e < resumed; ++e) EXPECT_EQ(j["epochs"][e], before["epochs"][e]) << path;
  }
  EXPECT_GT(continued, 0U);

  // The benchmark holds every training's final values at its fidelity.
  std::string file;
  for (const auto& e : fs::directory_iterator(dir + "/out/trainings")) {
    if (e.path().extension() == ".h5") file = e.path().string();
  }
  ASSERT_FALSE(file.empty());
  const TabularBenchmark benchmark = TabularBenchmark::Open(file);
  const Table& valid = benchmark.Get("metrics/synthetic/valid_accuracy");
  const SearchSpace& space = benchmark.space();
  for (const auto& [path, j] : records) {
    const auto row = benchmark.RowOf(space.Parse(j["arch"].get<std::string>()));
    ASSERT_TRUE(row.has_value());
    const int epochs = std::stoi(path.substr(path.rfind("-e") + 2));
    EXPECT_FLOAT_EQ(valid.At(*row, valid.ColumnOf(epochs, "epochs")),
                    j["epochs"].back()["valid_accuracy"].get<float>())
        << path;
  }
  EXPECT_EQ(testing::RunCli({"info", file}).exit_code, 0);

  // A second search, tabular on that file, is told the recorded values (at 1 epoch, where Hyperband
  // trained most architectures).
  const std::string tabular = dir + "/tabular.yaml";
  std::ofstream(tabular) << "name: tabular\nbenchmark: " << file
                         << "\nseeds: 0..0\nstrategies:\n  - strategy: random\nexperiments:\n"
                            "  - name: t\n    datasets: [synthetic]\n    signal_metric: "
                            "valid_accuracy\n    signal_epochs: 1\n    report_metric: "
                            "test_accuracy\n    report_epochs: 1\n    budgets: [3]\n";
  const auto second = testing::RunCli({"run", tabular, "--out", dir + "/tabular", "--quiet"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  const RunResult t = OnlyResult(dir + "/tabular");
  ASSERT_EQ(t.queries, 3U);
  for (std::size_t q = 0; q < t.queries; ++q) {
    const std::size_t row = *t.index[q];
    EXPECT_FLOAT_EQ(static_cast<float>(t.signal_values[q]), valid.At(row, valid.ColumnOf(1, "")));
  }
}

TEST(TrainingSearchTest, AnEpochsBudgetCountsTheEpochsTrained) {
  const std::string dir = testing::TempDir("training-epochs");
  const auto run = testing::RunCli(
      {"run", WriteSuite(dir, "random", 6, "[2]", "", 1, "epochs"), "--out", dir + "/out"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const RunResult r = OnlyResult(dir + "/out");
  EXPECT_EQ(r.budget_unit, "epochs");
  EXPECT_EQ(r.seconds, (std::vector<double>{2, 4, 6}));  // the clock: epochs trained
  // A benchmark charges recorded seconds: an epochs budget there is refused.
  const std::string tabular = dir + "/tabular.yaml";
  std::ofstream(tabular) << "name: t\nbenchmark: " << NASKIT_SOURCE_DIR
                         << "/benchmarks_data/nb201_fashion_mnist.h5\nseeds: 0..0\nstrategies:\n"
                            "  - strategy: random\nexperiments:\n  - name: t\n    datasets: "
                            "[fashion-mnist]\n    signal_epochs: 4\n    report_epochs: 4\n"
                            "    budget_unit: epochs\n    budgets: [8]\n";
  const auto refused = testing::RunCli({"run", tabular, "--out", dir + "/t", "--quiet"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("budget_unit epochs counts epochs trained"));
}

TEST(TrainingSearchTest, DataFractionsAreFidelities) {
  const std::string dir = testing::TempDir("training-fractions");
  // Successive halving over a quarter of the training images for one epoch, then all of them for
  // two.
  const auto run = testing::RunCli(
      {"run", WriteSuite(dir, "successive_halving", 8, "[1, 2]", ", data_fractions: \"0.25,1\""),
       "--out", dir + "/out", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<double, int> images;
  for (const std::string& path : Records(dir + "/out")) {
    const Json j = Json::parse(ReadFileContents(path));
    images[j["data_fraction"].get<double>()] = j["train_images"].get<int>();
    EXPECT_EQ(j["resumed_epochs"], 0) << path;  // another fraction is another training
  }
  ASSERT_EQ(images.size(), 2U);
  EXPECT_EQ(images[0.25], 250);  // of the 1,000 synthetic training images left after validation
  EXPECT_EQ(images[1.0], 1000);
  // A list that does not match the fidelities is refused before any training.
  fs::create_directories(dir + "/b");
  const auto bad = testing::RunCli(
      {"run", WriteSuite(dir + "/b", "random", 2, "[2, 4]", ", data_fractions: \"0.5\""), "--out",
       dir + "/bad", "--quiet"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("data_fractions has 1 values for 2 fidelities"));
}

TEST(TrainingSearchTest, ADatasetOfYourOwnIsSearchedWithRealTrainings) {
  const std::string dir = testing::TempDir("training-own-data");
  // Two classes of 8x8 grey images told apart by brightness, as a naskit image dataset.
  ImageFile file;
  file.classes = {"dark", "light"};
  Rng rng(3);
  for (ImageArrays* split : {&file.train, &file.test}) {
    split->count = split == &file.train ? 300 : 60;
    split->height = split->width = 8;
    split->channels = 1;
    for (std::int64_t i = 0; i < split->count; ++i) {
      const int label = static_cast<int>(rng.UniformInt(2));
      split->labels.push_back(label);
      for (int p = 0; p < 64; ++p) {
        split->pixels.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(label) * 120 +
                                                          rng.UniformInt(100)));
      }
    }
  }
  WriteImageFile(file, dir + "/mine.h5");
  const std::string suite = dir + "/suite.yaml";
  std::ofstream(suite) << "name: own\nspace: nb201\nseeds: 0..0\nstrategies:\n  - strategy: "
                          "random\nexperiments:\n  - name: own\n    datasets: [brightness]\n"
                          "    signal_epochs: 2\n    budgets: [3]\n    evaluator: {name: training, "
                          "data_file: "
                       << dir
                       << "/mine.h5, channels: 4, train_subset: 0, valid_size: 60, batch_size: 16, "
                          "test_subset: 0, image_size: 8, split_seed: 5}\n";
  const auto run = testing::RunCli({"run", suite, "--out", dir + "/out", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const RunResult r = OnlyResult(dir + "/out");
  ASSERT_EQ(r.queries, 3U);
  // Brightness is learnt in two epochs of 15 steps: far above chance (50 %) on the held-out test
  // images.
  EXPECT_GT(r.FinalReport(0), 80.0);
  const std::vector<std::string> records = Records(dir + "/out");
  ASSERT_FALSE(records.empty());
  const Json record = Json::parse(ReadFileContents(records.front()));
  EXPECT_EQ(record["train_images"], 240);  // 300 less the 60 held out for validation

  // A dataset of one's own without its file is refused before any training.
  std::ofstream(dir + "/bad.yaml") << "name: bad\nspace: nb201\nseeds: 0..0\nstrategies:\n"
                                      "  - strategy: random\nexperiments:\n  - name: b\n"
                                      "    datasets: [pets]\n    signal_epochs: 1\n"
                                      "    budgets: [1]\n    evaluator: {name: training}\n";
  const auto bad = testing::RunCli({"run", dir + "/bad.yaml", "--out", dir + "/bad", "--quiet"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("dataset \"pets\" is not one of naskit's"));
  EXPECT_EQ(Records(dir + "/bad").size(), 0U);
}

}  // namespace
}  // namespace naskit

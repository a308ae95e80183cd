// Weight sharing (training/supernet.h, training/one_shot.h, experiments/supernet_evaluator.cc):
// the supernet's paths against the stand-alone networks, DARTS's mixture and GDAS's
// straight-through estimator, deterministic and resumable trainings, and one-shot searches through
// `naskit run`, killed and resumed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/rng.h"
#include "records/run_result.h"
#include "spaces/nb201/nb201_space.h"
#include "tests/test_util.h"
#include "training/nb201_torch_network.h"
#include "training/one_shot.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const NetworkShape kShape{
    .channels = 4, .cells = 1, .classes = 4, .in_channels = 3, .image_size = 8};

std::shared_ptr<SupernetImpl> Supernet(std::uint64_t seed) {
  torch::manual_seed(seed);
  return FindSupernet("nb201").build(kShape);
}

// A supernet whose batch-norm statistics and weights are not their initial values, so that a
// copy that missed a tensor would show.
std::shared_ptr<SupernetImpl> TrainedSupernet() {
  auto supernet = Supernet(1);
  torch::NoGradGuard no_grad;
  for (auto& p : supernet->parameters()) p.add_(0.1 * torch::randn_like(p));
  supernet->train();
  Rng rng(3);
  for (int i = 0; i < 4; ++i) {
    std::vector<int> ops(6);
    for (int& op : ops) op = static_cast<int>(rng.UniformInt(5));
    supernet->SetPath({.kind = SupernetPath::Kind::kSingle, .ops = ops});
    supernet->forward(torch::randn({16, 3, 8, 8}));
  }
  return supernet;
}

TEST(SupernetTest, ASinglePathEqualsTheStandAloneNetworkWithTheInheritedWeights) {
  const auto supernet = TrainedSupernet();
  const SearchSpace& space = GetSpace("nb201");
  Rng rng(7);
  const auto x = torch::randn({8, 3, 8, 8});
  for (int i = 0; i < 20; ++i) {
    const ArchId arch = space.Sample(rng);
    const auto network = FindTorchNetwork("nb201").build(arch, kShape);
    supernet->CopyPathInto(arch, *network);
    supernet->SetPath({.kind = SupernetPath::Kind::kSingle, .ops = supernet->OpsOf(arch)});
    torch::NoGradGuard no_grad;
    for (bool training : {false, true}) {
      supernet->train(training);
      network->train(training);
      EXPECT_TRUE(torch::allclose(supernet->forward(x), network->forward(x), 1e-5, 1e-6))
          << space.Format(arch) << (training ? " (batch statistics)" : " (running statistics)");
    }
  }
}

TEST(SupernetTest, TheDartsSupernetsPathsEqualTheStandAloneNetwork) {
  const NetworkShape shape{
      .channels = 4, .cells = 1, .classes = 4, .in_channels = 3, .image_size = 8};
  torch::manual_seed(4);
  const auto supernet = FindSupernet("darts").build(shape);
  const SearchSpace& space = GetSpace("darts");
  EXPECT_EQ(supernet->NumDecisions(), 28u);
  EXPECT_EQ(supernet->ChoiceName(0), "none");
  Rng rng(9);
  const auto x = torch::randn({4, 3, 8, 8});
  torch::NoGradGuard no_grad;
  for (auto& p : supernet->parameters()) p.add_(0.1 * torch::randn_like(p));
  for (int i = 0; i < 5; ++i) {
    const ArchId arch = space.Sample(rng);
    const auto network = FindTorchNetwork("darts").build(arch, shape);
    supernet->CopyPathInto(arch, *network);
    supernet->SetPath({.kind = SupernetPath::Kind::kSingle, .ops = supernet->OpsOf(arch)});
    supernet->train();
    network->train();
    EXPECT_TRUE(torch::allclose(supernet->forward(x), network->forward(x), 1e-5, 1e-6))
        << space.Format(arch);
    // The architecture's one-hot weights derive it back (DARTS's top-2 edges per node).
    auto one_hot = torch::zeros({28, 8});
    const auto ops = supernet->OpsOf(arch);
    for (int d = 0; d < 28; ++d) one_hot[d][ops[d]] = 1;
    EXPECT_EQ(supernet->Derive(one_hot), arch) << space.Format(arch);
  }
}

TEST(SupernetTest, AOneHotMixtureIsThatOperation) {
  const auto supernet = TrainedSupernet();
  supernet->eval();
  const auto x = torch::randn({4, 3, 8, 8});
  Rng rng(11);
  torch::NoGradGuard no_grad;
  for (int i = 0; i < 10; ++i) {
    std::vector<int> ops(6);
    for (int& op : ops) op = static_cast<int>(rng.UniformInt(5));
    auto one_hot = torch::zeros({6, 5});
    for (int e = 0; e < 6; ++e) one_hot[e][ops[e]] = 1;
    supernet->SetPath({.kind = SupernetPath::Kind::kSingle, .ops = ops});
    const auto single = supernet->forward(x);
    // Weights that require a gradient, as DARTS's do: every term is computed, zeros included.
    supernet->SetPath({.kind = SupernetPath::Kind::kMixture, .weights = one_hot.requires_grad_()});
    EXPECT_TRUE(torch::allclose(supernet->forward(x), single, 1e-5, 1e-6));
  }
  // Weights of another shape than [decisions, choices] are refused.
  EXPECT_THROW(
      supernet->SetPath({.kind = SupernetPath::Kind::kMixture, .weights = torch::zeros({5, 5})}),
      std::invalid_argument);
}

TEST(SupernetTest, GdasStraightThroughWeightsPassGradientsToEveryArchitectureParameter) {
  const auto supernet = Supernet(2);
  auto alphas = (1e-3 * torch::randn({6, 5})).requires_grad_();
  const auto probs = torch::softmax((torch::log_softmax(alphas, 1) + 0.5) / 1.0, 1);
  const auto index = probs.argmax(1);
  const auto hard = torch::zeros_like(probs).scatter_(1, index.unsqueeze(1), 1.0);
  std::vector<int> ops;
  for (int e = 0; e < 6; ++e) ops.push_back(index[e].item<int>());
  supernet->SetPath(
      {.kind = SupernetPath::Kind::kSampled, .ops = ops, .weights = hard - probs.detach() + probs});
  const auto loss = torch::nn::functional::cross_entropy(
      supernet->forward(torch::randn({8, 3, 8, 8})), torch::randint(0, 4, {8}));
  loss.backward();
  ASSERT_TRUE(alphas.grad().defined());
  EXPECT_TRUE(alphas.grad().ne(0).all().item<bool>()) << alphas.grad();
}

TEST(OneShotTest, TheRegistryHoldsExactlyTheMethodsTheOptionsName) {
  EXPECT_EQ(OneShotRegistry::Global().Keys(),
            std::vector<std::string>({"darts", "darts_pt", "gdas", "single_path"}));
  std::vector<std::string> named = kOneShotMethods;
  std::sort(named.begin(), named.end());
  EXPECT_EQ(named, OneShotRegistry::Global().Keys());
}

SupernetJob Job(const std::string& folder, const std::string& method, int epochs) {
  SupernetJob job;
  job.seed = 5;
  job.out = folder + "/" + method + ".json";
  job.one_shot.method = method;
  job.one_shot.epochs = epochs;
  job.one_shot.batch_size = 64;
  job.one_shot.pt_tune_epochs = 1;
  job.setup.dataset = "synthetic";
  job.setup.channels = 4;
  job.setup.cells = 1;
  job.setup.valid_size = 300;
  job.threads = 1;
  fs::create_directories(folder);
  return job;
}

// A record without what depends on the clock.
Json Timeless(const std::string& path) {
  Json j = Json::parse(ReadFileContents(path));
  for (const char* key : {"train_seconds", "derive_seconds", "search_seconds", "process_seconds",
                          "peak_memory_mib"}) {
    j.erase(key);
  }
  for (Json& e : j["epochs"]) e.erase("seconds");
  return j;
}

TEST(OneShotTest, EveryMethodIsDeterministicPerSeedAndResumesToTheSameTraining) {
  const std::string dir = testing::TempDir("one-shot");
  for (const std::string method : {"single_path", "darts", "gdas", "darts_pt"}) {
    SCOPED_TRACE(method);
    RunSupernetJob(Job(dir + "/a-" + method, method, 2));
    RunSupernetJob(Job(dir + "/b-" + method, method, 2));
    const Json a = Timeless(dir + "/a-" + method + "/" + method + ".json");
    EXPECT_EQ(a, Timeless(dir + "/b-" + method + "/" + method + ".json"));
    // Stopped after one epoch, then run again: it resumes from the first epoch's checkpoint.
    const std::string resumed = dir + "/c-" + method;
    SupernetJob two = Job(resumed, method, 2);
    two.stop_after = 1;
    RunSupernetJob(two);
    EXPECT_FALSE(fs::exists(two.out));
    two.stop_after = 0;
    RunSupernetJob(two);
    EXPECT_EQ(a, Timeless(two.out));
    EXPECT_EQ(a["epochs"].size(), 2u);
    EXPECT_EQ(a["derived"].is_null(), method == "single_path");
    if (method != "single_path") {
      const Json& weights = a["epochs"].back()["architecture_weights"];
      ASSERT_EQ(weights.size(), 6u);
      for (const Json& row : weights) {
        double sum = 0;
        for (const Json& w : row) sum += w.get<double>();
        EXPECT_NEAR(sum, 1.0, 1e-5);
      }
    }
  }
}

TEST(OneShotTest, DartsAndGdasDeriveACellOfTheDartsSpace) {
  const std::string dir = testing::TempDir("one-shot-darts");
  for (const std::string method : {"darts", "gdas", "single_path"}) {
    SupernetJob job = Job(dir + "/" + method, method, 1);
    job.space = "darts";
    job.setup.channels = 2;
    job.setup.train_subset = 128;
    job.setup.valid_size = 128;
    RunSupernetJob(job);
    const Json record = Json::parse(ReadFileContents(job.out));
    EXPECT_EQ(record["choices"].size(), 8u);
    if (method == "single_path") continue;
    EXPECT_EQ(record["epochs"][0]["architecture_weights"].size(), 28u);
    const std::string derived = record["derived"].get<std::string>();
    EXPECT_EQ(GetSpace("darts").Format(GetSpace("darts").Parse(derived)), derived);
  }
  SupernetJob pt = Job(dir + "/pt", "darts_pt", 1);
  pt.space = "darts";
  pt.setup.channels = 2;
  pt.setup.train_subset = 128;
  pt.setup.valid_size = 128;
  EXPECT_THROW(RunSupernetJob(pt), ConfigError);
}

TEST(OneShotTest, ACheckpointOfAnotherTrainingIsADataError) {
  const std::string dir = testing::TempDir("one-shot-bad");
  SupernetJob job = Job(dir, "darts", 1);
  WriteFileAtomically(dir + "/darts1.pt", "not a checkpoint");
  EXPECT_THROW(RunSupernetJob(job), DataError);
}

// A one-shot suite on the synthetic dataset, searched through `naskit run` (no benchmark).
std::string WriteSuite(const std::string& dir, int epochs) {
  std::string path = dir + "/suite.yaml";
  std::ofstream(path) << fmt::format(
      "name: one_shot\nspace: nb201\nseeds: [0]\nstrategies:\n"
      "  - strategy: random\n    label: rsps\n"
      "  - strategy: regularized_evolution\n    label: spos\n"
      "    options: {{population_size: 6, sample_size: 2}}\n"
      "experiments:\n"
      "  - name: single_path\n    datasets: [synthetic]\n    signal_metric: valid_accuracy\n"
      "    report_metric: test_accuracy\n    budget_unit: queries\n    budgets: [12]\n"
      "    evaluator: {{name: supernet, method: single_path, epochs: {0}, channels: 4, "
      "image_size: 0, train_subset: 0, valid_size: 300, test_subset: 0}}\n"
      "  - name: gdas\n    datasets: [synthetic]\n    strategies: [rsps]\n"
      "    signal_metric: valid_accuracy\n    report_metric: test_accuracy\n"
      "    budget_unit: queries\n    budgets: [1]\n"
      "    evaluator: {{name: supernet, method: gdas, epochs: {0}, channels: 4, "
      "image_size: 0, train_subset: 0, valid_size: 300, test_subset: 0}}\n",
      epochs);
  return path;
}

// Every run's result without its timings.
std::map<std::string, std::string> Results(const std::string& out) {
  std::map<std::string, std::string> results;
  for (const auto& e : fs::recursive_directory_iterator(out)) {
    if (e.path().string().find("/seed-") == std::string::npos) continue;
    RunResult r = ReadRunResult(e.path().string());
    r.wall_seconds = NAN;
    r.part_seconds.clear();
    r.path.clear();
    r.final_seconds = 0;  // the clock of queries measured
    for (double& s : r.signal_values) s = std::round(s * 1e4) / 1e4;
    results[fs::relative(e.path(), out).string()] = RunResultJson(r);
  }
  return results;
}

TEST(SupernetSearchTest, RspsSposAndGdasSearchTheirSupernetsThroughNaskitRun) {
  const std::string dir = testing::TempDir("supernet-search");
  const auto run = testing::RunCli({"run", WriteSuite(dir, 2), "--out", dir + "/out", "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto results = Results(dir + "/out");
  ASSERT_EQ(results.size(), 3u);
  // RSPS and SPOS searched one supernet, trained once.
  std::vector<std::string> checkpoints;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/out/supernets")) {
    if (e.path().extension() == ".pt") checkpoints.push_back(e.path().filename().string());
  }
  std::sort(checkpoints.begin(), checkpoints.end());
  EXPECT_EQ(checkpoints, std::vector<std::string>({"gdas.pt", "single_path.pt"}));
  const RunResult spos = ReadRunResult(dir + "/out/single_path/synthetic/spos/12q/seed-0.json");
  EXPECT_EQ(spos.queries, 12u);
  EXPECT_GT(spos.part_seconds.size(), 0u);
  // GDAS's one query is its derived cell.
  const RunResult gdas = ReadRunResult(dir + "/out/gdas/synthetic/rsps/1q/seed-0.json");
  std::string derived;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/out/supernets")) {
    if (e.path().filename() == "gdas.json") {
      derived = Json::parse(ReadFileContents(e.path().string()))["derived"].get<std::string>();
    }
  }
  ASSERT_TRUE(gdas.incumbent);
  EXPECT_EQ(*gdas.incumbent, derived);
  // The report reads the folder, supernets aside.
  const auto report = testing::RunCli({"report", dir + "/out", "--out", dir + "/report"});
  EXPECT_EQ(report.exit_code, 0) << report.err;
}

TEST(SupernetSearchTest, ASupernetTrainingKilledMidwayResumesFromItsCheckpoint) {
  const std::string dir = testing::TempDir("supernet-kill");
  const std::string suite = WriteSuite(dir, 6);
  const auto reference = testing::RunCli({"run", suite, "--out", dir + "/reference", "--quiet"});
  ASSERT_EQ(reference.exit_code, 0) << reference.err;

  const std::string out = dir + "/killed";
  const std::string binary = testing::NaskitBinary();
  const pid_t child = ::fork();
  if (child == 0) {
    ::setpgid(0, 0);
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    ::execl(binary.c_str(), "naskit", "run", suite.c_str(), "--out", out.c_str(), "--quiet",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Killed, workers and all, once the first supernet has a checkpoint and before its last epoch.
  auto checkpointed = [&] {
    if (!fs::exists(out + "/supernets")) return false;
    for (const auto& e : fs::recursive_directory_iterator(out + "/supernets")) {
      if (e.path().extension() == ".pt") return true;
    }
    return false;
  };
  for (int waited = 0; !checkpointed() && waited < 120000; waited += 2) ::usleep(2000);
  ::kill(-child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the suite ended before it was killed";
  std::size_t checkpoints = 0, records = 0;
  for (const auto& e : fs::recursive_directory_iterator(out + "/supernets")) {
    checkpoints += e.path().extension() == ".pt";
    records += e.path().extension() == ".json";
  }
  ASSERT_LT(records, checkpoints) << "killed after the supernets were trained";
  const auto resumed = testing::RunCli({"run", suite, "--out", out, "--quiet"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_EQ(Results(out), Results(dir + "/reference"));
}

}  // namespace
}  // namespace naskit

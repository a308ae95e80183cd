// The LibTorch layer. One executable, run as a single ctest entry: every process linked to LibTorch
// spends most of a second starting.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "benchmarks_data/csv_table.h"
#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "core/rng.h"
#include "spaces/nb201/nb201_space.h"
#include "spaces/network_cost.h"
#include "tests/test_util.h"
#include "training/bench_build.h"
#include "training/image_dataset.h"
#include "training/nb201_torch_network.h"
#include "training/trainer.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
namespace fs = std::filesystem;

TEST(Nb201NetworkTest, ParameterCountsMatchThePublishedTableForAll491Cells) {
  NASKIT_REQUIRE_SHARED(path, "derived/nb201_zero_cost.csv");
  const CsvTable csv = CsvTable::Read(path);
  const Nb201Space space;
  int checked = 0;
  for (std::size_t row = 0; row < csv.NumRows(); ++row) {
    if (csv.Cell(row, csv.Column("dataset")) != "cifar10") continue;
    const ArchId arch = space.Parse(csv.Cell(row, csv.Column("arch_str")));
    const Nb201MacroOptions options;  // C=16, N=5, 10 classes, 32x32x3
    Nb201Network network(arch, options);
    EXPECT_NEAR(network->NumParameters() / 1e6, csv.Real(row, csv.Column("params")), 5e-7)
        << space.Format(arch);
    EXPECT_EQ(network->NumParameters(), Nb201NetworkCost(arch, options).params);
    ++checked;
  }
  EXPECT_EQ(checked, 491);
}

TEST(Nb201NetworkTest, ForwardShapesAndZeroCells) {
  const Nb201Space space;
  Nb201Network network(
      0, Nb201MacroOptions{
             .channels = 4, .cells = 1, .classes = 7, .in_channels = 1, .image_size = 8});
  const auto out =
      network->forward(torch::randn({2, 1, 8, 8}));  // the all-`none` cell outputs zeros
  EXPECT_EQ(out.sizes(), (std::vector<std::int64_t>{2, 7}));
}

// Every space's LibTorch network is the one its NetworkCounter counts (whose counts equal the
// published ones: tests/spaces/), at the space's own shape and at a small one, and maps images to
// class scores.
TEST(TorchNetworkTest, ParameterCountsMatchTheAnalyticCountAndForwardShapes) {
  ASSERT_EQ(TorchNetworkSpaces(), (std::vector<std::string>{"darts", "nb101", "nb201"}));
  for (const std::string& key : TorchNetworkSpaces()) {
    const SearchSpace& space = GetSpace(key);
    const TorchNetworkEntry& entry = FindTorchNetwork(key);
    const NetworkShape own,
        small{.channels = 8, .cells = 1, .classes = 7, .in_channels = 1, .image_size = 16};
    Rng rng(3);
    for (int i = 0; i < 4; ++i) {
      const ArchId arch = space.Sample(rng);
      for (const NetworkShape& shape : {own, small}) {
        const auto counter = NetworkRegistry::Global().Create(key, entry.counter_options(shape));
        EXPECT_EQ(entry.build(arch, shape)->NumParameters(), counter->Count(arch).params)
            << key << " " << space.Format(arch) << " channels " << shape.channels;
      }
    }
    const auto network = entry.build(space.Sample(rng), small);
    EXPECT_EQ(network->forward(torch::randn({2, 1, 16, 16})).sizes(),
              (std::vector<std::int64_t>{2, 7}))
        << key;
  }
  EXPECT_THAT([] { FindTorchNetwork("toy_bits"); },
              ThrowsMessage<ConfigError>(HasSubstr(
                  "space \"toy_bits\" has no LibTorch network (spaces with one: darts, nb101, "
                  "nb201)")));
}

DatasetSplits Synthetic() { return LoadDataset({.name = "synthetic", .valid_size = 200}); }

TEST(TrainerTest, TwoEpochsOnOneSeedAreBitIdentical) {
  const DatasetSplits data = Synthetic();
  const NetworkShape network{
      .channels = 4, .cells = 1, .classes = 4, .in_channels = 1, .image_size = 8};
  const TrainOptions options{.epochs = 2, .batch_size = 64, .threads = 1};
  const ArchId arch = Nb201Space().Parse(
      "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|skip_connect~2|");
  const TrainResult a = TrainNetwork("nb201", arch, network, data, options, 11);
  const TrainResult b = TrainNetwork("nb201", arch, network, data, options, 11);
  const TrainResult c = TrainNetwork("nb201", arch, network, data, options, 12);
  ASSERT_EQ(a.epochs.size(), 2u);
  for (std::size_t e = 0; e < 2; ++e) {
    EXPECT_EQ(a.epochs[e].train_loss, b.epochs[e].train_loss);
    EXPECT_EQ(a.epochs[e].valid_loss, b.epochs[e].valid_loss);
    EXPECT_EQ(a.epochs[e].test_accuracy, b.epochs[e].test_accuracy);
  }
  EXPECT_NE(a.epochs[1].train_loss, c.epochs[1].train_loss);
  // The synthetic task is learnable: accuracy well above chance (25%) after two epochs.
  EXPECT_GT(a.epochs[1].train_accuracy, 60.0);
}

// Continuation (the training evaluator's promotions): one epoch, saved, then resumed to three, is
// the three-epoch training of the same schedule, bit for bit.
TEST(TrainerTest, AResumedTrainingEqualsAnUninterruptedOne) {
  const DatasetSplits data = Synthetic();
  const NetworkShape network{
      .channels = 4, .cells = 1, .classes = 4, .in_channels = 1, .image_size = 8};
  const ArchId arch = Nb201Space().Parse(
      "|nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|none~0|nor_conv_1x1~1|skip_connect~2|");
  const std::string checkpoint = testing::TempDir("continuation") + "/one.pt";
  const TrainResult whole =
      TrainNetwork("nb201", arch, network, data, {.epochs = 3, .batch_size = 64, .threads = 1}, 5);
  const TrainResult first =
      TrainNetwork("nb201", arch, network, data, {.epochs = 1, .batch_size = 64, .threads = 1}, 5,
                   {}, {.schedule_epochs = 3, .save_to = checkpoint});
  const TrainResult rest =
      TrainNetwork("nb201", arch, network, data, {.epochs = 3, .batch_size = 64, .threads = 1}, 5,
                   {}, {.resume_from = checkpoint, .resumed_epochs = 1});
  ASSERT_EQ(first.epochs.size(), 1u);
  ASSERT_EQ(rest.epochs.size(), 2u);
  EXPECT_EQ(first.epochs[0].train_loss, whole.epochs[0].train_loss);
  EXPECT_EQ(first.epochs[0].valid_accuracy, whole.epochs[0].valid_accuracy);
  for (std::size_t e = 0; e < 2; ++e) {
    EXPECT_EQ(rest.epochs[e].epoch, whole.epochs[e + 1].epoch);
    EXPECT_EQ(rest.epochs[e].train_loss, whole.epochs[e + 1].train_loss);
    EXPECT_EQ(rest.epochs[e].valid_loss, whole.epochs[e + 1].valid_loss);
    EXPECT_EQ(rest.epochs[e].test_accuracy, whole.epochs[e + 1].test_accuracy);
  }
  // A file that is not a checkpoint is a clear error.
  const std::string bad = testing::TempDir("continuation") + "/bad.pt";
  std::ofstream(bad) << "not a checkpoint";
  EXPECT_THAT(
      [&] {
        TrainNetwork("nb201", arch, network, data, {.epochs = 3, .batch_size = 64, .threads = 1}, 5,
                     {}, {.resume_from = bad, .resumed_epochs = 1});
      },
      ThrowsMessage<DataError>(HasSubstr(bad + ": not a checkpoint of this training")));
}

// A run killed while saving a checkpoint leaves its temporary; the next save of that checkpoint
// removes it, and a save that fails leaves neither a checkpoint nor a temporary.
TEST(TrainerTest, CheckpointSavesLeaveNothingPartial) {
  const std::string dir = testing::TempDir("checkpoint");
  const std::string path = dir + "/one.pt";
  testing::WriteTemporaryOfAKilledWriter(path, "half a checkpoint");
  ASSERT_EQ(std::distance(fs::directory_iterator(dir), {}), 1);
  torch::serialize::OutputArchive archive;
  archive.write("weights", torch::ones({2, 3}));
  SaveCheckpoint(archive, path);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 1);
  torch::serialize::InputArchive loaded;
  loaded.load_from(path);
  torch::Tensor weights;
  loaded.read("weights", weights);
  EXPECT_TRUE(weights.equal(torch::ones({2, 3})));

  const std::string missing = dir + "/no such folder/two.pt";
  EXPECT_THAT([&] { SaveCheckpoint(archive, missing); },
              ThrowsMessage<IoError>(HasSubstr(missing + ": cannot create file")));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), {}), 1);
}

TEST(TrainerTest, CudaWithoutCudaIsAClearError) {
  if (torch::cuda::is_available()) GTEST_SKIP() << "a CUDA device is present";
  const DatasetSplits data = Synthetic();
  EXPECT_THAT([&] { TrainNetwork("nb201", 0, {}, data, {.device = "cuda"}, 0); },
              ThrowsMessage<ConfigError>(
                  HasSubstr("device \"cuda\" asked for, but LibTorch sees no CUDA device")));
}

// OpenBLAS's thread pool ignores at::set_num_threads; a zero-cost score computed with a pool the
// machine's size would depend on the machine (grasp's fifth digit did).
TEST(TrainerTest, ThreadCountPinsLibTorchAndOpenBlas) {
  using SetThreads = void (*)(int);
  using GetThreads = int (*)();
  auto* set_blas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  auto* get_blas = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  if (set_blas == nullptr || get_blas == nullptr) {
    const std::string why = "LibTorch's BLAS is not OpenBLAS (scripts/setup.sh installs it)";
    if (testing::InCi()) FAIL() << why;
    GTEST_SKIP() << why;
  }
  set_blas(3);
  ConfigureTorchThreads(2);
  EXPECT_EQ(at::get_num_threads(), 2);
  EXPECT_EQ(get_blas(), 2);
  ConfigureTorchThreads(1);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_EQ(get_blas(), 1);
}

std::string WriteBytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return path;
}

std::vector<unsigned char> IdxImages(std::uint32_t n, std::uint32_t size) {
  std::vector<unsigned char> b = {0, 0, 8, 3};
  for (std::uint32_t v : {n, size, size}) {
    for (int shift = 24; shift >= 0; shift -= 8)
      b.push_back(static_cast<unsigned char>(v >> shift));
  }
  b.resize(16 + n * size * size, 7);
  return b;
}

std::vector<unsigned char> IdxLabels(std::vector<unsigned char> labels) {
  std::vector<unsigned char> b = {0, 0, 8, 1};
  const auto n = static_cast<std::uint32_t>(labels.size());
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<unsigned char>(n >> shift));
  b.insert(b.end(), labels.begin(), labels.end());
  return b;
}

TEST(ImageDatasetTest, ReadsIdxAndRejectsCorruptFiles) {
  const std::string dir = testing::TempDir("idx");
  const auto images = WriteBytes(dir + "/images", IdxImages(3, 4));
  const auto labels = WriteBytes(dir + "/labels", IdxLabels({0, 9, 2}));
  const ImageDataset d = ReadIdxPair(images, labels, 10);
  EXPECT_EQ(d.size(), 3);
  EXPECT_EQ(d.images.sizes(), (std::vector<std::int64_t>{3, 1, 4, 4}));

  auto bad_magic = IdxImages(3, 4);
  bad_magic[3] = 9;
  EXPECT_THAT([&] { ReadIdxPair(WriteBytes(dir + "/magic", bad_magic), labels, 10); },
              ThrowsMessage<DataError>(HasSubstr("bad magic")));
  auto short_images = IdxImages(3, 4);
  short_images.erase(short_images.end() - 5, short_images.end());
  EXPECT_THAT([&] { ReadIdxPair(WriteBytes(dir + "/short", short_images), labels, 10); },
              ThrowsMessage<DataError>(HasSubstr("short read")));
  EXPECT_THAT(
      [&] {
        ReadIdxPair(images, WriteBytes(dir + "/range", IdxLabels({0, 10, 2})), 10);
      },
      ThrowsMessage<DataError>(HasSubstr("label 10 of item 1 out of range (expected 0 to 9)")));
  EXPECT_THAT(
      [&] {
        ReadIdxPair(images, WriteBytes(dir + "/count", IdxLabels({0, 1})), 10);
      },
      ThrowsMessage<DataError>(HasSubstr("expected 3, one per image")));
  EXPECT_THAT([&] { ReadIdxPair(dir + "/missing", labels, 10); },
              ThrowsMessage<ConfigError>(HasSubstr("file not found")));
}

TEST(ImageDatasetTest, RejectsTruncatedGzip) {
  const std::string dir = testing::TempDir("gz");
  const auto raw = WriteBytes(dir + "/images", IdxImages(50, 8));
  ASSERT_EQ(std::system(("gzip -k " + raw).c_str()), 0);
  fs::resize_file(raw + ".gz", fs::file_size(raw + ".gz") / 2);
  const auto labels = WriteBytes(dir + "/labels", IdxLabels(std::vector<unsigned char>(50, 1)));
  EXPECT_THROW(ReadIdxPair(raw + ".gz", labels, 10), DataError);
}

TEST(ImageDatasetTest, RejectsMalformedCifarBatches) {
  const std::string dir = testing::TempDir("cifar");
  std::vector<unsigned char> record(1 + 3 * 32 * 32, 0);
  std::vector<unsigned char> two = record;
  two.insert(two.end(), record.begin(), record.end());
  EXPECT_EQ(ReadCifar10Batches({WriteBytes(dir + "/ok.bin", two)}).size(), 2);
  two.pop_back();
  EXPECT_THAT([&] { ReadCifar10Batches({WriteBytes(dir + "/cut.bin", two)}); },
              ThrowsMessage<DataError>(HasSubstr("not a whole number of CIFAR-10 records")));
  record[0] = 12;
  EXPECT_THAT([&] { ReadCifar10Batches({WriteBytes(dir + "/label.bin", record)}); },
              ThrowsMessage<DataError>(HasSubstr("label 12 out of range")));
}

// The tables of a benchmark file that do not depend on wall-clock measurements.
std::map<std::string, std::vector<float>> Results(const std::string& path) {
  std::map<std::string, std::vector<float>> out;
  const TabularBenchmark benchmark = TabularBenchmark::Open(path);
  for (const auto& [name, table] : benchmark.data().tables) {
    if (name.starts_with("metrics/") || name.starts_with("features/"))
      out[name] = table.per_seed.empty() ? table.values : table.per_seed;
  }
  return out;
}

TEST(BenchBuildTest, ResumedBuildEqualsUninterruptedBuild) {
  BenchBuildOptions options;
  options.setup = {.dataset = "synthetic",
                   .channels = 4,
                   .cells = 1,
                   .image_size = 0,
                   .train_subset = 0,
                   .valid_size = 200,
                   .test_subset = 0};
  options.seeds = "0,1";
  options.max_classes = 5;
  options.workers = 2;
  options.train.epochs = 2;
  const std::string dir = testing::TempDir("bench");
  options.out = dir + "/whole.h5";
  const auto whole = BuildBenchmark(options, testing::NaskitTorchBinary(), nullptr);
  EXPECT_EQ(whole.completed, 10u);

  // Interrupted: only some trainings finish (a stop flag raised at once leaves the first in
  // flight), then the same command resumes.
  options.out = dir + "/resumed.h5";
  std::atomic<bool> stop{true};
  const auto first = BuildBenchmark(options, testing::NaskitTorchBinary(), &stop);
  EXPECT_TRUE(first.interrupted);
  EXPECT_FALSE(fs::exists(options.out));
  const auto second = BuildBenchmark(options, testing::NaskitTorchBinary(), nullptr);
  EXPECT_EQ(first.completed + second.completed, 10u);
  EXPECT_EQ(Results(dir + "/whole.h5"), Results(dir + "/resumed.h5"));
  const auto b = TabularBenchmark::Open(dir + "/whole.h5");
  EXPECT_EQ(b.Metric("synthetic", "valid_accuracy").seeds, 2u);
  EXPECT_EQ(b.Metric("synthetic", "valid_accuracy").epochs, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace naskit

namespace naskit {
namespace {

TEST(BenchBuildTest, SurvivesSigkillAtRandomMoments) {
  // `naskit-torch bench build` killed 20 times at random moments, then finished: the results equal
  // an uninterrupted build's.
  const std::string dir = testing::TempDir("bench-kill");
  const std::vector<std::string> args = {
      "bench",          "build", "--dataset",    "synthetic", "--image-size",  "0",
      "--train-subset", "0",     "--valid-size", "200",       "--test-subset", "0",
      "--max-classes",  "6",     "--epochs",     "2",         "--workers",     "2"};
  auto run = [&](const std::string& out, int kill_after_ms) {
    std::vector<std::string> argv_strings = {testing::NaskitTorchBinary()};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    argv_strings.push_back("--out");
    argv_strings.push_back(out);
    const pid_t child = ::fork();
    if (child == 0) {
      std::vector<char*> argv;
      for (auto& a : argv_strings) argv.push_back(a.data());
      argv.push_back(nullptr);
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 2);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    if (kill_after_ms > 0) {
      ::usleep(static_cast<useconds_t>(kill_after_ms) * 1000);
      ::kill(child, SIGKILL);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return status;
  };
  ASSERT_EQ(run(dir + "/whole.h5", 0), 0);
  Rng rng(5);
  for (int attempt = 0; attempt < 20 && !fs::exists(dir + "/killed.h5"); ++attempt) {
    run(dir + "/killed.h5", 200 + static_cast<int>(rng.UniformInt(1200)));
  }
  if (!fs::exists(dir + "/killed.h5")) {
    ASSERT_EQ(run(dir + "/killed.h5", 0), 0);
  }
  EXPECT_EQ(Results(dir + "/whole.h5"), Results(dir + "/killed.h5"));
}

}  // namespace
}  // namespace naskit

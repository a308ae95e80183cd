// The search loop's contracts, for every registered strategy, against a toy evaluator registered
// here: an analytic function of an NB201 architecture with random finishing times, one or two
// objectives and an optional constraint, and no benchmark file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/pareto.h"
#include "experiments/search_run.h"
#include "experiments/suite_runner.h"
#include "predictors/predictor.h"
#include "records/run_result.h"
#include "strategies/search_strategy.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

struct ToyOptions {
  int objectives = 1;
  double max_seconds = 50;
  int max_size = 1000;  // feasible: at most this many non-trivial operations' choice sum

  template <class V>
  void Visit(V& v) {
    v("objectives", objectives, "1: accuracy; 2: accuracy and size (minimised)", InRange(1, 2));
    v("max_seconds", max_seconds, "evaluations take 1 to this many simulated seconds",
      InRange(1, 1e6));
    v("max_size", max_size, "the constraint: size at most this", InRange(0, 1000));
  }
};

// accuracy(arch, epochs): a weighted sum over the architecture's choices, higher with more epochs;
// size(arch): the sum of its choices. Every evaluation takes a random time, so that with several
// workers completions come out of order.
class ToyEvaluator final : public SimulatedEvaluator {
 public:
  ToyEvaluator(const ToyOptions& options, const EvaluatorContext& context)
      : SimulatedEvaluator(context.start_seconds),
        options_(options),
        problem_(context.problem),
        rng_(Rng(context.seed).Derive("toy")) {}

  static double Accuracy(const SearchSpace& space, ArchId arch, int epochs) {
    double sum = 0;
    const auto choices = space.ToChoices(arch);
    for (std::size_t i = 0; i < choices.size(); ++i)
      sum += (i * 7 + static_cast<std::size_t>(choices[i]) * 13) % 11;
    return sum * (1 - 1.0 / (2 + epochs));
  }
  static int Size(const SearchSpace& space, ArchId arch) {
    int size = 0;
    for (int c : space.ToChoices(arch)) size += c;
    return size;
  }

  std::vector<float> Report(ArchId arch) const override {
    return {static_cast<float>(Accuracy(*problem_.space, arch, 1000))};
  }

  std::vector<Proposal> submitted;  // every proposal evaluated (not replayed)

 protected:
  Completion Answer(const Proposal& p) override {
    submitted.push_back(p);
    Completion c;
    c.proposal = p;
    c.objectives.push_back(Accuracy(*problem_.space, p.arch, problem_.fidelities[p.fidelity]));
    const int size = Size(*problem_.space, p.arch);
    if (options_.objectives == 2) c.objectives.push_back(size);
    c.feasible = size <= options_.max_size;
    c.seconds = 1 + rng_.UniformReal() * (options_.max_seconds - 1);
    return c;
  }

 private:
  ToyOptions options_;
  const SearchProblem& problem_;
  Rng rng_;
};

NASKIT_REGISTER_EVALUATOR(ToyEvaluator, ToyOptions, "toy",
                          "an analytic test function of the architecture (tests only)");

const SearchSpace& Nb201() {
  static const auto space = SpaceRegistry::Global().Create("nb201", {});
  return *space;
}

SearchProblem ToyProblem(int objectives, std::vector<int> fidelities = {4, 12, 36}) {
  SearchProblem problem;
  problem.space = &Nb201();
  problem.fidelities = std::move(fidelities);
  problem.default_fidelity = problem.fidelities.size() - 1;
  problem.objectives = {{"accuracy", "toy", problem.fidelities.back(), false}};
  if (objectives == 2) problem.objectives.push_back({"size", "toy", 0, true});
  problem.reports = {"accuracy on toy"};
  return problem;
}

struct ToyRun {
  RunTrace trace;
  std::vector<Proposal> submitted;
};

ToyRun RunToy(const SearchProblem& problem, const SearchBudget& budget, const std::string& strategy,
              std::uint64_t seed, ToyOptions options = {}) {
  options.objectives = static_cast<int>(problem.objectives.size());
  ToyEvaluator evaluator(options, {problem, nullptr, seed, 0});
  const StrategyContext context{*problem.space, problem.fidelities, problem.default_fidelity,
                                Rng(seed).Derive("strategy")};
  const auto s =
      StrategyRegistry::Global().Create(strategy, testing::TestOptions(strategy), context);
  RunTrace trace = RunSearch(problem, budget, evaluator, *s);
  return {std::move(trace), std::move(evaluator.submitted)};
}

class SearchLoopTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SearchLoopTest, TheBudgetIsNeverExceededWhateverTheWorkers) {
  const SearchProblem problem = ToyProblem(1);
  for (double amount : {1.0, 3.0, 7.0, 25.0}) {
    for (std::size_t workers : {1u, 2u, 8u}) {
      for (bool charge : {false, true}) {
        const ToyRun run = RunToy(problem, {"queries", amount, workers, charge, 0}, GetParam(), 5);
        EXPECT_LE(run.trace.arch.size(), amount) << amount << " queries, " << workers << " workers";
        EXPECT_LE(run.submitted.size(), amount);
        if (!run.trace.stalled) {
          EXPECT_EQ(run.trace.arch.size(), amount);
        }
      }
    }
  }
  // A seconds budget starts nothing once the clock has reached it: every query but those in
  // flight at that moment finished before it.
  for (std::size_t workers : {1u, 4u}) {
    const ToyRun run = RunToy(problem, {"seconds", 400, workers, false, 0}, GetParam(), 6);
    ASSERT_FALSE(run.trace.seconds.empty());
    EXPECT_TRUE(std::is_sorted(run.trace.seconds.begin(), run.trace.seconds.end()));
    const auto late = std::count_if(run.trace.seconds.begin(), run.trace.seconds.end(),
                                    [](double s) { return s > 400; });
    EXPECT_LE(static_cast<std::size_t>(late), workers);
  }
}

TEST_P(SearchLoopTest, ARepeatIsAnsweredFromTheCacheNeverEvaluatedAgain) {
  const SearchProblem problem = ToyProblem(1);
  for (bool charge : {false, true}) {
    for (std::size_t workers : {1u, 4u}) {
      const ToyRun run = RunToy(problem, {"queries", 60, workers, charge, 0}, GetParam(), 7);
      std::set<std::pair<ArchId, std::size_t>> unique;
      for (const Proposal& p : run.submitted) {
        EXPECT_TRUE(unique.emplace(p.arch, p.fidelity).second)
            << "evaluated twice: " << Nb201().Format(p.arch) << " at fidelity " << p.fidelity;
      }
      // Charged repeats are queries answered by a replay; free ones are not queries.
      EXPECT_EQ(run.trace.arch.size() - run.submitted.size(),
                charge ? run.trace.arch.size() - unique.size() : 0u);
      if (!charge) {
        EXPECT_EQ(run.trace.arch.size(), run.submitted.size());
      }
    }
  }
}

TEST_P(SearchLoopTest, TheIncumbentIsAlwaysFeasibleAndBestByDirection) {
  for (bool minimize : {false, true}) {
    SearchProblem problem = ToyProblem(1);
    problem.objectives[0].minimize = minimize;
    ToyOptions options;
    options.max_size = 6;  // about a third of NB201 is feasible
    const ToyRun run = RunToy(problem, {"queries", 50, 3, false, 0}, GetParam(), 8, options);
    std::optional<ArchId> best;
    double best_value = 0;
    for (std::size_t q = 0; q < run.trace.arch.size(); ++q) {
      const ArchId arch = run.trace.arch[q];
      const double value = run.trace.signal[q];
      const bool at_default = run.trace.fidelity[q] == problem.default_fidelity;
      const bool feasible = ToyEvaluator::Size(Nb201(), arch) <= options.max_size;
      if (at_default && feasible &&
          (!best || (minimize ? value < best_value : value > best_value))) {
        best = arch;
        best_value = value;
      }
      ASSERT_EQ(run.trace.incumbent[q].has_value(), best.has_value()) << "query " << q;
      if (best) {
        EXPECT_LE(ToyEvaluator::Size(Nb201(), *run.trace.incumbent[q]), options.max_size);
        EXPECT_EQ(static_cast<float>(ToyEvaluator::Accuracy(Nb201(), *run.trace.incumbent[q], 36)),
                  static_cast<float>(best_value))
            << "query " << q;
      }
    }
  }
}

TEST_P(SearchLoopTest, ATwoObjectiveArchiveIsTheNonDominatedSetOfWhatWasEvaluated) {
  const SearchProblem problem = ToyProblem(2, {36});
  ToyOptions options;
  options.max_size = 10;
  const ToyRun run = RunToy(problem, {"queries", 80, 4, false, 0}, GetParam(), 9, options);
  ASSERT_EQ(run.trace.objectives.size(), run.trace.arch.size());
  // Brute force: the distinct feasible architectures no other one dominates.
  std::map<ArchId, std::vector<double>> oriented;
  for (std::size_t q = 0; q < run.trace.arch.size(); ++q) {
    const ArchId arch = run.trace.arch[q];
    if (ToyEvaluator::Size(Nb201(), arch) > options.max_size) continue;
    const auto& values = run.trace.objectives[q];
    oriented[arch] = {values[0], -values[1]};
  }
  std::set<ArchId> expected;
  for (const auto& [arch, a] : oriented) {
    bool dominated = false;
    for (const auto& [other, b] : oriented) dominated |= Dominates(b, a);
    if (!dominated) expected.insert(arch);
  }
  std::set<ArchId> archive;
  for (std::size_t q : run.trace.pareto) archive.insert(run.trace.arch[q]);
  EXPECT_EQ(archive, expected);
  EXPECT_EQ(archive.size(), run.trace.pareto.size());  // each architecture once
  EXPECT_FALSE(archive.empty());
}

std::vector<std::string> Strategies() { return StrategyRegistry::Global().Keys(); }

INSTANTIATE_TEST_SUITE_P(EveryStrategy, SearchLoopTest, ::testing::ValuesIn(Strategies()),
                         [](const auto& info) { return info.param; });

TEST(SearchLoopTest, ObservationsCarryTheObjectiveVector) {
  SearchProblem problem = ToyProblem(2, {36});
  problem.objectives[0].minimize = true;
  // A strategy that records what it is told.
  class Recorder final : public SearchStrategy {
   public:
    std::vector<Proposal> Ask(std::size_t) override { return {{next_++, 0}}; }
    void Tell(std::span<const Observation> results) override {
      for (const auto& r : results) told.push_back({r.signal, r.objectives[0], r.objectives[1]});
    }
    std::vector<std::array<double, 3>> told;

   private:
    ArchId next_ = 0;
  } recorder;
  ToyOptions options;
  options.objectives = 2;
  ToyEvaluator evaluator(options, {problem, nullptr, 1, 0});
  RunSearch(problem, {"queries", 5, 1, false, 0}, evaluator, recorder);
  ASSERT_EQ(recorder.told.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    // Every objective oriented as the signal is: the minimised accuracy and size negated.
    EXPECT_EQ(recorder.told[i][0], recorder.told[i][1]);
    EXPECT_EQ(recorder.told[i][1], -ToyEvaluator::Accuracy(Nb201(), i, 36));
    EXPECT_EQ(recorder.told[i][2], -ToyEvaluator::Size(Nb201(), i));
  }
}

TEST(SearchLoopTest, AStrategyThatReturnsMoreThanAskedIsAnError) {
  const SearchProblem problem = ToyProblem(1, {36});
  class Greedy final : public SearchStrategy {
   public:
    std::vector<Proposal> Ask(std::size_t n) override {
      std::vector<Proposal> proposals;
      for (std::size_t i = 0; i <= n; ++i) proposals.push_back({next_++, 0});
      return proposals;
    }
    void Tell(std::span<const Observation>) override {}

   private:
    ArchId next_ = 0;
  } greedy;
  ToyEvaluator evaluator({}, {problem, nullptr, 1, 0});
  EXPECT_THROW(RunSearch(problem, {"queries", 3, 8, false, 0}, evaluator, greedy),
               std::logic_error);
}

// Zero-cost scores a strategy reads to choose its proposals are charged to a seconds budget before
// those proposals start: with one worker, each query finishes exactly the scores' cost later than
// in the same run with free scores. Unsaid costs are an error under a seconds budget, and queries
// budgets never charge them.
TEST(SearchLoopTest, ZeroCostScoresAStrategyReadsAreChargedBeforeItsProposalsStart) {
  const SearchProblem problem = ToyProblem(1, {36});
  // Reads three new architectures' score before each proposal, as a guided strategy ranking
  // candidates by a proxy does.
  class Scorer final : public SearchStrategy {
   public:
    explicit Scorer(ZeroCostMeter& meter) : meter_(meter) {}
    std::vector<Proposal> Ask(std::size_t) override {
      const std::array<ArchId, 3> candidates{3 * next_, 3 * next_ + 1, 3 * next_ + 2};
      meter_.Read(&meter_, candidates);
      meter_.Read(&meter_, candidates);  // read again: computed once, charged once
      return {{next_++, 0}};
    }
    void Tell(std::span<const Observation>) override {}

   private:
    ZeroCostMeter& meter_;
    ArchId next_ = 0;
  };
  auto run = [&](const std::string& unit, double amount, double seconds_per_score) {
    ZeroCostMeter meter;
    Scorer scorer(meter);
    SearchBudget budget{unit, amount, 1, false, 0};
    budget.zero_cost_meter = &meter;
    budget.seconds_per_score = seconds_per_score;
    ToyEvaluator evaluator({}, {problem, nullptr, 5, 0});
    return RunSearch(problem, budget, evaluator, scorer);
  };
  const RunTrace free = run("seconds", 1e5, 0), paid = run("seconds", 1e5, 2.5);
  ASSERT_GE(paid.seconds.size(), 100u);
  for (std::size_t q = 0; q < 100; ++q) {
    EXPECT_DOUBLE_EQ(paid.seconds[q], free.seconds[q] + 2.5 * 3 * static_cast<double>(q + 1)) << q;
  }
  // Every query's scores, and perhaps those of a last proposal that the budget no longer allowed.
  EXPECT_GE(paid.zero_cost_scores, 3 * paid.arch.size());
  EXPECT_LE(paid.zero_cost_scores, 3 * paid.arch.size() + 3);

  // A small budget: no evaluation starts once the clock, scores included, has reached it.
  const RunTrace small = run("seconds", 200, 10);
  ASSERT_FALSE(small.seconds.empty());
  for (std::size_t q = 0; q + 1 < small.seconds.size(); ++q) EXPECT_LT(small.seconds[q], 200);
  EXPECT_LT(small.arch.size(), run("seconds", 200, 0).arch.size());

  EXPECT_THAT([&] { run("seconds", 100, -1); },
              ThrowsMessage<ConfigError>(HasSubstr("zc_seconds_per_score")));
  EXPECT_EQ(run("queries", 7, 5).seconds, run("queries", 7, -1).seconds);
}

// Every registered strategy through a suite that names a space and the toy evaluator, and no
// benchmark file: results are written, deterministic and within budget.
TEST(SearchLoopTest, EveryStrategyRunsThroughASuiteWithNoBenchmarkFile) {
  const std::string dir = testing::TempDir("toy-suite");
  const std::string path = dir + "/toy.yaml";
  {
    std::ofstream out(path);
    out << "name: toy\nspace: nb201\nseeds: 0..1\nstrategies:\n";
    for (const auto& key : StrategyRegistry::Global().Keys()) {
      out << "  - strategy: " << key << "\n";
      if (const OptionValues options = testing::TestOptions(key); !options.empty()) {
        out << "    options:\n";
        for (const auto& [name, value] : options) out << "      " << name << ": " << value << "\n";
      }
    }
    out << "experiments:\n"
           "  - name: toy\n    datasets: [toy]\n    signal_metric: accuracy\n"
           "    fidelities: [4, 12, 36]\n    report_metric: accuracy\n    budgets: [30]\n"
           "    workers: 3\n    evaluator: {name: toy, max_seconds: 20}\n"
           "  - name: timed\n    datasets: [toy]\n    signal_metric: accuracy\n"
           "    signal_epochs: 36\n    fidelities: [4, 36]\n    budget_unit: seconds\n"
           "    budgets: [300]\n    workers: 2\n    evaluator: toy\n";
  }
  const Suite suite = LoadSuite(path);
  RunnerOptions options;
  options.out_dir = dir + "/results";
  options.jobs = 2;
  options.progress = false;
  const RunnerSummary summary = RunSuite(suite, options);
  EXPECT_EQ(summary.completed, std::size_t{4} * StrategyRegistry::Global().Keys().size());
  for (const auto& run : PlanRuns(suite)) {
    const std::string file = options.out_dir + "/" + run.key + ".json";
    std::ifstream in(file);
    ASSERT_TRUE(in) << run.key;
    std::stringstream text;
    text << in.rdbuf();
    // The one reader takes it, and the one writer gives it back byte for byte.
    EXPECT_EQ(RunResultJson(ReadRunResult(file)), text.str()) << run.key;
    const auto result = nlohmann::json::parse(text.str());
    EXPECT_EQ(result["benchmark"]["path"], "");
    EXPECT_EQ(result["benchmark"]["evaluator"], "toy");
    const auto& archs = result["trajectory"]["arch"];
    if (run.experiment == 0) {
      EXPECT_LE(archs.size(), 30u) << run.key;
    }
    ASSERT_FALSE(archs.empty()) << run.key;
    // The strings name architectures of the space, and the incumbent's report is the toy's.
    const std::string incumbent = result["final"]["incumbent"];
    EXPECT_FLOAT_EQ(result["final"]["report"]["toy"].get<double>(),
                    ToyEvaluator::Accuracy(Nb201(), Nb201().Parse(incumbent), 1000))
        << run.key;
  }
  // A second suite run finds everything done; a fresh folder gives the same bytes but timings.
  RunnerOptions again = options;
  again.out_dir = dir + "/again";
  RunSuite(suite, again);
  for (const auto& run : PlanRuns(suite)) {
    auto read = [&](const std::string& folder) {
      std::ifstream in(folder + "/" + run.key + ".json");
      auto j = nlohmann::json::parse(in);
      j.erase("timing");
      return j;
    };
    EXPECT_EQ(read(options.out_dir), read(again.out_dir)) << run.key;
  }
}

TEST(SearchLoopTest, ASuiteWithNeitherBenchmarkNorSpaceOrAnEvaluatorThatNeedsATableIsRefused) {
  const std::string dir = testing::TempDir("toy-suite-bad");
  auto load = [&](const std::string& text) {
    std::ofstream(dir + "/s.yaml") << text;
    return LoadSuite(dir + "/s.yaml");
  };
  const std::string strategies = "seeds: 0\nstrategies:\n  - strategy: random\n";
  const std::string experiments =
      "experiments:\n  - name: e\n    datasets: [toy]\n    budgets: [5]\n";
  EXPECT_THROW(load("name: x\n" + strategies + experiments), ConfigError);
  EXPECT_THROW(load("name: x\nspace: nb999\n" + strategies + experiments), ConfigError);
  EXPECT_THROW(load("name: x\nspace: nb201\n" + strategies + experiments +
                    "    evaluator: {name: no_such_evaluator}\n"),
               ConfigError);
  // With no benchmark, an evaluator must be named, and one that needs a table fails before any
  // run.
  RunnerOptions options;
  options.out_dir = dir + "/results";
  options.progress = false;
  for (const std::string evaluator : {"", "    evaluator: tabular\n"}) {
    const Suite suite = load("name: x\nspace: nb201\n" + strategies + experiments + evaluator);
    try {
      RunSuite(suite, options);
      ADD_FAILURE() << "a suite without a benchmark ran with evaluator " << evaluator;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("names no benchmark"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(options.out_dir + "/e")) << "a run was written";
  }
}

}  // namespace
}  // namespace naskit

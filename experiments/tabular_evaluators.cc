// The evaluators that answer from a benchmark file: its table (`tabular`) or a surrogate fitted on
// its recorded architectures (`surrogate`, experiments/surrogate.h). Both answer at once, on the
// simulated clock, charging the recorded (or modelled) training seconds.
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "core/errors.h"
#include "experiments/evaluator.h"
#include "experiments/search_run.h"

namespace naskit {
namespace {

const PreparedSearch& BenchmarkOf(const EvaluatorContext& context, const std::string& key) {
  if (!context.search) {
    throw ConfigError("evaluator " + Quote(key) +
                      " answers from a benchmark file: the suite names no benchmark");
  }
  return *context.search;
}

// Answers from the benchmark's table. With the experiment's `signal_seed: random` each evaluation
// reads the signal of one recorded training seed, drawn from the run's "signal seed" stream
// (NAS-Bench-201's is_random=True); otherwise the mean over seeds.
class TabularEvaluator final : public SimulatedEvaluator {
 public:
  TabularEvaluator(NoOptions, const EvaluatorContext& context)
      : SimulatedEvaluator(context.start_seconds),
        search_(BenchmarkOf(context, "tabular")),
        rng_(Rng(context.seed).Derive("signal seed")) {}

  std::vector<float> Report(ArchId arch) const override {
    const std::size_t row = search_.benchmark().RowOf(arch).value();  // evaluated, so recorded
    std::vector<float> values;
    for (std::size_t d = 0; d < search_.report_datasets().size(); ++d) {
      values.push_back(search_.Report(d, row));
    }
    return values;
  }

 protected:
  Completion Answer(const Proposal& p) override {
    const TabularBenchmark& benchmark = search_.benchmark();
    const SearchSettings& settings = search_.settings();
    const auto row = benchmark.RowOf(p.arch);
    if (!row) {
      throw DataError(benchmark.path() + ": a strategy proposed " +
                      Quote(benchmark.space().Format(p.arch)) +
                      ", which the benchmark does not hold");
    }
    const Table& table = search_.signal();
    float signal = table.At(*row, p.fidelity);
    if (settings.signal_random_seed && table.seeds > 1 && !std::isnan(signal)) {
      // One of the seeds that recorded a value (the mean is NaN only if none did).
      std::vector<float> recorded;
      for (std::size_t seed = 0; seed < table.seeds; ++seed) {
        const float v = table.AtSeed(*row, p.fidelity, seed);
        if (!std::isnan(v)) recorded.push_back(v);
      }
      signal = recorded[rng_.UniformInt(recorded.size())];
    }
    if (std::isnan(signal)) {
      const auto& epochs = table.epochs;
      throw DataError(benchmark.path() + ": " + settings.dataset + "/" + settings.signal_metric +
                      " was not measured for " + Quote(benchmark.space().Format(p.arch)) +
                      (p.fidelity < epochs.size()
                           ? " at " + std::to_string(epochs[p.fidelity]) + " epochs"
                           : ""));
    }
    Completion c;
    c.proposal = p;
    c.objectives.push_back(signal);
    for (std::size_t k = 0; k < settings.objectives.size(); ++k) {
      c.objectives.push_back(search_.ObjectiveValue(k, *row));  // measured: the domain has it
    }
    c.feasible = search_.Feasible(*row);
    if (search_.cost()) {
      c.seconds = search_.Seconds(*row, p.fidelity);
      c.modelled_cost = search_.Modelled(*row, p.fidelity);
    }
    return c;
  }

 private:
  const PreparedSearch& search_;
  Rng rng_;
};

// Answers from the experiment's surrogate (its `surrogate:` models, fitted once and shared by every
// run): the signal model's prediction at the proposal's fidelity and, for seconds budgets, the
// time model's (at least the cheapest recorded training).
class SurrogateEvaluator final : public SimulatedEvaluator {
 public:
  SurrogateEvaluator(NoOptions, const EvaluatorContext& context)
      : SimulatedEvaluator(context.start_seconds),
        search_(BenchmarkOf(context, "surrogate")),
        surrogate_(Models(search_)) {}

  std::vector<float> Report(ArchId arch) const override {
    std::vector<float> values;
    for (const auto& model : surrogate_.reports) {
      values.push_back(static_cast<float>(model->predictor->PredictMean({&arch, 1}).front()));
    }
    return values;
  }

  std::vector<std::pair<std::string, double>> Timings() const override {
    return {{"query", query_seconds_}};
  }

 protected:
  Completion Answer(const Proposal& p) override {
    const SearchSpace& space = search_.benchmark().space();
    if (p.fidelity >= surrogate_.signal.size()) {
      throw DataError(fmt::format(
          "a strategy proposed {} at fidelity {}; the surrogate answers fidelities up to {}",
          Quote(space.Format(p.arch)), p.fidelity, surrogate_.signal.size() - 1));
    }
    const auto start = std::chrono::steady_clock::now();
    Completion c;
    c.proposal = p;
    const double signal =
        surrogate_.signal[p.fidelity]->predictor->PredictMean({&p.arch, 1}).front();
    c.objectives.push_back(signal);
    if (!surrogate_.seconds.empty()) {
      const double predicted =
          surrogate_.seconds[p.fidelity]->predictor->PredictMean({&p.arch, 1}).front();
      c.seconds =
          std::max(predicted, surrogate_.min_seconds[p.fidelity]) * search_.settings().cost_scale;
      c.modelled_cost = true;
    }
    query_seconds_ +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (std::isnan(signal) || std::isnan(c.seconds)) {
      throw DataError("the surrogate (" + surrogate_.at_signal().predictor_text +
                      ") predicts no value for " + Quote(space.Format(p.arch)));
    }
    return c;
  }

 private:
  static const SearchSurrogate& Models(const PreparedSearch& search) {
    if (!search.surrogate()) {
      throw ConfigError(
          "evaluator \"surrogate\" answers from the experiment's fitted models: give the "
          "experiment a `surrogate:` key (e.g. `surrogate: gp`)");
    }
    return *search.surrogate();
  }

  const PreparedSearch& search_;
  const SearchSurrogate& surrogate_;
  double query_seconds_ = 0;
};

}  // namespace

NASKIT_REGISTER_EVALUATOR(TabularEvaluator, NoOptions, "tabular",
                          "the benchmark's recorded values and training seconds (simulated clock)");
NASKIT_REGISTER_EVALUATOR(SurrogateEvaluator, NoOptions, "surrogate",
                          "the experiment's surrogate models, for any architecture of the space");

}  // namespace naskit

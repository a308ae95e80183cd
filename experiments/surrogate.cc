// Surrogate benchmarks; see surrogate.h.
#include "experiments/surrogate.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/rng.h"
#include "experiments/search_run.h"
#include "predictors/predictor.h"
#include "records/statistics.h"

namespace naskit {

namespace {

// A surrogate's values are numbers: a model that predicts NaN or ±inf (features that are not finite
// for some architectures, a diverged fit) is refused, never written or ranked.
void RequireFinite(const std::vector<double>& predicted, const SurrogateSettings& settings,
                   const std::string& which) {
  const auto bad = static_cast<std::size_t>(std::count_if(
      predicted.begin(), predicted.end(), [](double v) { return !std::isfinite(v); }));
  if (bad > 0) {
    throw DataError(fmt::format(
        "surrogate: predictor {} predicted NaN or ±inf for {} of {} {}architectures (check that "
        "its features are finite for every architecture)",
        Quote(settings.predictor.key), bad, predicted.size(), which.empty() ? "" : which + " "));
  }
}

}  // namespace

SurrogateModel FitSurrogateModel(const TabularBenchmark& benchmark,
                                 const SurrogateSettings& settings) {
  if (!(settings.holdout > 0 && settings.holdout < 1)) {
    throw ConfigError(
        fmt::format("surrogate: holdout must be between 0 and 1 (got {})", settings.holdout));
  }
  const Table& table =
      settings.group == "metrics"
          ? benchmark.Metric(settings.dataset, settings.metric)
          : benchmark.Get(settings.group + "/" + settings.dataset + "/" + settings.metric);
  const std::string target = fmt::format("{}/{}", settings.dataset, settings.metric);
  SurrogateModel m;
  m.epochs = ResolveEpochs(table, settings.epochs ? settings.epochs : kUnsetEpochs,
                           "surrogate: epochs", target);
  const std::size_t column = table.ColumnOf(m.epochs, "metric " + Quote(target));
  for (std::size_t row = 0; row < benchmark.NumRows(); ++row) {
    const float v = table.At(row, column);
    if (std::isnan(v)) continue;
    m.recorded.push_back(benchmark.data().archs[row]);
    m.recorded_rows.push_back(row);
    m.recorded_values.push_back(v);
  }
  const std::size_t n = m.recorded.size();
  const auto held = static_cast<std::size_t>(std::round(settings.holdout * static_cast<double>(n)));
  if (held < 2 || n - held < 2) {
    throw ConfigError(fmt::format(
        "surrogate: {} records {} for {} architectures; the held-out check and the fit need at "
        "least two each",
        benchmark.path(), Quote(target), n));
  }
  const PredictorContext context{benchmark.space(), &benchmark, settings.dataset};
  auto make = [&] {
    auto predictor = PredictorRegistry::Global().Create(settings.predictor.key,
                                                        settings.predictor.options, context);
    if (!predictor->NeedsFit()) {
      throw ConfigError("surrogate: " + Quote(settings.predictor.key) +
                        " is a zero-cost predictor; a surrogate needs one it can fit");
    }
    return predictor;
  };
  const Rng rng(settings.seed);

  // The held-out check: fit on a random (1 - holdout) share, rank the rest.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  Rng split = rng.Derive("holdout");
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[split.UniformInt(i)]);
  std::vector<ArchId> train_archs, test_archs;
  std::vector<double> train_values;
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (k < held) {
      test_archs.push_back(m.recorded[order[k]]);
      m.holdout_measured.push_back(m.recorded_values[order[k]]);
    } else {
      train_archs.push_back(m.recorded[order[k]]);
      train_values.push_back(m.recorded_values[order[k]]);
    }
  }
  {
    const auto check = make();
    check->Fit(train_archs, train_values, rng.Derive("holdout fit").NextU64());
    m.holdout_predicted = check->PredictMean(test_archs);
  }
  RequireFinite(m.holdout_predicted, settings, "held-out recorded");
  m.holdout_kendall_tau = KendallTau(m.holdout_measured, m.holdout_predicted);
  m.train = train_archs.size();

  // The model: fitted on every recorded architecture.
  auto predictor = make();
  predictor->Fit(m.recorded, m.recorded_values, rng.Derive("fit").NextU64());
  m.predictor = std::move(predictor);
  m.predictor_text = settings.predictor.key;
  for (const auto& [key, value] : settings.predictor.options)
    m.predictor_text += " " + key + "=" + value;
  m.target_text = m.epochs == 0 ? target : fmt::format("{} at {} epochs", target, m.epochs);
  return m;
}

Surrogate FitSurrogate(const TabularBenchmark& benchmark, const SurrogateSettings& settings) {
  Surrogate s{{}, FitSurrogateModel(benchmark, settings)};
  const SurrogateModel& m = s.model;
  const std::size_t recorded = m.recorded.size();
  const std::size_t held = m.holdout_measured.size();

  // The benchmark: the recorded architectures and `extra` more, every value the model's.
  BenchmarkData& data = s.data;
  data.archs = m.recorded;
  for (std::size_t row : m.recorded_rows) data.index.push_back(benchmark.data().index[row]);
  const SearchSpace& space = benchmark.space();
  const std::uint64_t unrecorded = space.Size() - std::min<std::uint64_t>(space.Size(), recorded);
  const std::size_t extra =
      static_cast<std::size_t>(std::min<std::uint64_t>(settings.extra, unrecorded));
  // Architectures the benchmark holds without a value of the target are unrecorded too; they
  // keep their public index.
  std::unordered_set<ArchId> taken(m.recorded.begin(), m.recorded.end());
  std::uint32_t next_index =
      benchmark.data().index.empty()
          ? 0
          : *std::max_element(benchmark.data().index.begin(), benchmark.data().index.end()) + 1;
  Rng draws = Rng(settings.seed).Derive("extra");
  // Bounded: a space nearly all recorded may hold fewer unrecorded architectures than asked.
  for (std::size_t tries = 0; data.archs.size() < recorded + extra && tries < 100 * extra + 1000;
       ++tries) {
    const ArchId arch = space.Sample(draws);
    if (!taken.insert(arch).second) continue;
    data.archs.push_back(arch);
    const std::optional<std::size_t> row = benchmark.RowOf(arch);
    data.index.push_back(row ? benchmark.data().index[*row] : next_index++);
  }
  s.extra = data.archs.size() - recorded;
  const std::vector<double> predicted = m.predictor->PredictMean(data.archs);
  RequireFinite(predicted, settings, "");

  data.attrs = benchmark.data().attrs;
  const std::string name = benchmark.Attr("name");
  data.attrs["name"] = (name.empty() ? space.Name() : name) + "_surrogate";
  data.attrs["surrogate_predictor"] = m.predictor_text;
  data.attrs["source"] =
      "naskit surrogate of " + benchmark.path() + " (" + benchmark.Attr("source") + ")";
  data.attrs["row_order"] =
      "the recorded architectures in the source's order, then the drawn ones; /archs/index "
      "continues "
      "the source's";
  data.attrs["surrogate_target"] = m.target_text;
  data.attrs["surrogate_of"] =
      fmt::format("{} (fnv1a64:{:016x})", benchmark.path(), benchmark.checksum());
  data.attrs["surrogate_recorded"] = std::to_string(recorded);
  data.attrs["surrogate_drawn"] = fmt::format("{} of {} asked", s.extra, settings.extra);
  data.attrs["surrogate_holdout_kendall_tau"] = fmt::format("{:.4f}", m.holdout_kendall_tau);
  data.attrs["surrogate_holdout"] = fmt::format("{} of {}", held, recorded);
  data.attrs["description"] = fmt::format(
      "surrogate benchmark: every value is {}'s prediction of {}, fitted on the {} recorded "
      "architectures of {}; Kendall tau {:.3f} on {} held-out recorded architectures",
      m.predictor_text, m.target_text, recorded, benchmark.path(), m.holdout_kendall_tau, held);
  const Table& table = benchmark.Metric(settings.dataset, settings.metric);
  Table out;
  if (!table.epochs.empty()) out.epochs = {m.epochs};
  out.attrs = table.attrs;
  out.attrs["aggregation"] = "surrogate prediction";
  // A model can predict past a percentage's bounds (ridge: 100.3 % for a good cell); the file
  // stores the nearest valid value and says how many it moved.
  const bool percent = table.attrs.contains("unit") && table.attrs.at("unit") == "percent";
  std::size_t clipped = 0;
  for (double v : predicted) {
    const double stored = percent ? std::clamp(v, 0.0, 100.0) : v;
    clipped += stored != v;
    out.values.push_back(static_cast<float>(stored));
  }
  if (percent) {
    out.attrs["aggregation"] =
        fmt::format("surrogate prediction, clipped to [0, 100] ({} of {} predictions were outside)",
                    clipped, predicted.size());
  }
  data.tables["metrics/" + fmt::format("{}/{}", settings.dataset, settings.metric)] =
      std::move(out);
  return s;
}

}  // namespace naskit

// The search loop; see search_loop.h.
#include "experiments/search_loop.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_map>

#include <fmt/format.h>

#include "core/errors.h"
#include "core/pareto.h"
#include "experiments/scalarization.h"
#include "predictors/predictor.h"

namespace naskit {
namespace {

// A strategy that keeps proposing architectures it has seen, with repeats free, would never spend
// its budget; after this many free repeats in a row the run stops and says so.
constexpr std::size_t kMaxConsecutiveFreeRepeats = 10000;

struct ProposalHash {
  std::size_t operator()(const Proposal& p) const {
    return std::hash<std::uint64_t>()(p.arch * 0x9E3779B97F4A7C15ULL + p.fidelity);
  }
};

// What the loop knows of an (architecture, fidelity) it has submitted: the position of its
// completion in Loop::done_, or kInFlight. Small, so that the map stays cheap on the hot path.
constexpr std::uint32_t kInFlight = 0xFFFFFFFF;

class Loop {
 public:
  Loop(const SearchProblem& problem, const SearchBudget& budget, Evaluator& evaluator,
       SearchStrategy& strategy)
      : problem_(problem), budget_(budget), evaluator_(evaluator), strategy_(strategy) {
    trace_.report.resize(problem.reports.size());
    clock_ = budget.start_seconds;
    if (budget.unit == "queries") Reserve(static_cast<std::size_t>(std::min(budget.amount, 1e4)));
  }

  RunTrace Run() {
    std::vector<Completion> finished;
    while (true) {
      StartWhileWorkersAreFree();
      if (in_flight_ == 0) break;
      finished.clear();
      evaluator_.Collect(finished);
      for (const Completion& c : finished) Finish(c);
    }
    if (problem_.objectives.size() > 1) {
      for (const auto& member : archive_) trace_.pareto.push_back(member.query);
      std::sort(trace_.pareto.begin(), trace_.pareto.end());
    }
    return std::move(trace_);
  }

 private:
  void Reserve(std::size_t queries) {
    trace_.arch.reserve(queries);
    trace_.fidelity.reserve(queries);
    trace_.signal.reserve(queries);
    trace_.seconds.reserve(queries);
    trace_.incumbent.reserve(queries);
    for (auto& r : trace_.report) r.reserve(queries);
    cache_.reserve(queries);
    done_.reserve(queries);
  }

  bool Exhausted() const {
    return budget_.unit != "queries" ? clock_ >= budget_.amount
                                     : static_cast<double>(started_) >= budget_.amount;
  }

  void StartWhileWorkersAreFree() {
    while (in_flight_ < budget_.workers && !Exhausted() && !trace_.stalled) {
      std::size_t n = budget_.workers - in_flight_;
      if (budget_.unit == "queries") {
        n = std::min(n, static_cast<std::size_t>(budget_.amount) - started_);
      }
      const auto proposals = strategy_.Ask(n);
      if (proposals.size() > n) {
        throw std::logic_error(
            fmt::format("a strategy returned {} proposals when asked for {}", proposals.size(), n));
      }
      if (proposals.empty()) {
        if (in_flight_ == 0) trace_.stalled = true;
        return;
      }
      ChargeZeroCostScores();
      if (Exhausted()) return;  // computing the scores took the rest of the budget
      for (const Proposal& p : proposals) Start(p);
    }
  }

  // Charges the zero-cost scores read since the last call: the strategy computed them to choose
  // its proposals, so the clock moves on before they start.
  void ChargeZeroCostScores() {
    if (!budget_.zero_cost_meter || budget_.unit != "seconds") return;
    const std::size_t scores = budget_.zero_cost_meter->count();
    if (scores == trace_.zero_cost_scores) return;
    if (budget_.seconds_per_score < 0) {
      throw ConfigError(
          "the strategy reads zero-cost scores (zc: features) under a seconds budget: say what "
          "computing one costs with zc_seconds_per_score (0: free)");
    }
    const double seconds =
        budget_.seconds_per_score * static_cast<double>(scores - trace_.zero_cost_scores);
    trace_.zero_cost_scores = scores;
    clock_ += seconds;
    evaluator_.AdvanceClock(seconds);
  }

  void Start(const Proposal& p) {
    const auto [it, first] = cache_.try_emplace(p, kInFlight);
    if (first) {
      evaluator_.Submit(p);
      ++started_;
      ++in_flight_;
      consecutive_free_ = 0;
      return;
    }
    const bool known = it->second != kInFlight;
    if (!budget_.charge_repeats) {
      ++trace_.free_repeats;
      if (++consecutive_free_ >= kMaxConsecutiveFreeRepeats) trace_.stalled = true;
      if (known) {
        Tell(done_[it->second]);
      } else {
        waiting_.emplace_back(p, false);
      }
      return;
    }
    consecutive_free_ = 0;
    ++started_;
    ++in_flight_;  // from now: it holds a worker and a query of the budget
    if (known) {
      evaluator_.Replay(done_[it->second]);
    } else {
      waiting_.emplace_back(p, true);
    }
  }

  void Finish(const Completion& c) {
    --in_flight_;
    clock_ = std::max(clock_, c.finished_at);
    Record(c);
    Tell(c);
    std::uint32_t& position = cache_.at(c.proposal);
    if (position != kInFlight) return;  // a charged repeat's replay
    position = static_cast<std::uint32_t>(done_.size());
    done_.push_back(c);
    // Repeats asked while it was in flight, in the order asked: charged ones take their worker now.
    std::erase_if(waiting_, [&](const std::pair<Proposal, bool>& repeat) {
      if (repeat.first != c.proposal) return false;
      if (repeat.second) {
        evaluator_.Replay(c);
      } else {
        Tell(c);
      }
      return true;
    });
  }

  // The signal a strategy is told: the first objective oriented (or the problem's scalarisation),
  // or the death penalty.
  double Told(const Completion& c) const {
    if (c.feasible && problem_.scalarization) {
      return problem_.scalarization->Signal(c.objectives.view());
    }
    if (c.feasible) return problem_.objectives.front().Oriented(c.objectives[0]);
    if (!std::isnan(problem_.infeasible_signal)) return problem_.infeasible_signal;
    return worst_told_ ? *worst_told_ : 0;
  }

  void Tell(const Completion& c) {
    const ObjectiveValues oriented = Oriented(c);
    const Observation observation{c.proposal, Told(c), oriented.view(), c.feasible};
    strategy_.Tell({&observation, 1});
  }

  ObjectiveValues Oriented(const Completion& c) const {
    ObjectiveValues oriented;
    for (std::size_t i = 0; i < c.objectives.size(); ++i) {
      // A failed evaluation has no values: strategies that rank objective vectors see the worst.
      oriented.push_back(c.failed ? std::numeric_limits<double>::lowest()
                                  : problem_.objectives[i].Oriented(c.objectives[i]));
    }
    return oriented;
  }

  void Record(const Completion& c) {
    if (c.objectives.size() != problem_.objectives.size()) {
      throw std::logic_error(fmt::format("an evaluator answered {} objective values for {}",
                                         c.objectives.size(), problem_.objectives.size()));
    }
    const std::size_t query = trace_.arch.size();
    trace_.modelled_cost_queries += c.modelled_cost;
    const double told = Told(c);
    if (c.feasible) worst_told_ = worst_told_ ? std::min(*worst_told_, told) : told;
    const bool counts = c.proposal.fidelity == problem_.default_fidelity && c.feasible;
    if (counts && (!incumbent_ || told > incumbent_told_)) {
      incumbent_ = c.proposal.arch;
      incumbent_told_ = told;
      incumbent_report_ = evaluator_.Report(c.proposal.arch);
    }
    if (c.failed) trace_.failures.emplace_back(query, c.failure);
    trace_.arch.push_back(c.proposal.arch);
    trace_.fidelity.push_back(c.proposal.fidelity);
    trace_.signal.push_back(static_cast<float>(c.objectives[0]));
    trace_.seconds.push_back(clock_);
    trace_.incumbent.push_back(incumbent_);
    for (std::size_t r = 0; r < trace_.report.size(); ++r) {
      trace_.report[r].push_back(incumbent_ ? incumbent_report_[r] : NAN);
    }
    if (problem_.objectives.size() > 1) {
      trace_.objectives.push_back(c.objectives);
      if (counts) UpdateArchive(c, query);
    }
  }

  // Keeps archive_ the non-dominated set of the distinct feasible architectures evaluated at the
  // default fidelity.
  void UpdateArchive(const Completion& c, std::size_t query) {
    const ObjectiveValues oriented = Oriented(c);
    for (const auto& member : archive_) {
      if (member.arch == c.proposal.arch || Dominates(member.oriented.view(), oriented.view())) {
        return;
      }
    }
    std::erase_if(archive_, [&](const ArchiveMember& member) {
      return Dominates(oriented.view(), member.oriented.view());
    });
    archive_.push_back({c.proposal.arch, query, oriented});
  }

  struct ArchiveMember {
    ArchId arch;
    std::size_t query;
    ObjectiveValues oriented;
  };

  const SearchProblem& problem_;
  const SearchBudget& budget_;
  Evaluator& evaluator_;
  SearchStrategy& strategy_;
  RunTrace trace_;
  std::unordered_map<Proposal, std::uint32_t, ProposalHash> cache_;
  std::vector<Completion> done_;  // the first completion of every (architecture, fidelity)
  // Repeats of ones still in flight, with whether each is charged (rare: a short list).
  std::vector<std::pair<Proposal, bool>> waiting_;
  std::size_t started_ = 0;    // queries counted against the budget
  std::size_t in_flight_ = 0;  // holding a worker: submitted, replayed or waiting to be replayed
  std::size_t consecutive_free_ = 0;
  double clock_ = 0;
  std::optional<double> worst_told_;
  std::optional<ArchId> incumbent_;
  double incumbent_told_ = 0;
  std::vector<float> incumbent_report_;
  std::vector<ArchiveMember> archive_;
};

}  // namespace

RunTrace RunSearch(const SearchProblem& problem, const SearchBudget& budget, Evaluator& evaluator,
                   SearchStrategy& strategy) {
  const auto start = std::chrono::steady_clock::now();
  RunTrace trace = Loop(problem, budget, evaluator, strategy).Run();
  trace.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  trace.part_seconds = strategy.Timings();
  for (const auto& part : evaluator.Timings()) trace.part_seconds.push_back(part);
  trace.reused_evaluations = evaluator.ReusedEvaluations();
  return trace;
}

}  // namespace naskit

// The evaluator interface's shared parts; see evaluator.h.
#include "experiments/evaluator.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "core/errors.h"

namespace naskit {

std::string Objective::Text() const {
  std::string text = metric + " on " + on;
  if (epochs > 0) text += fmt::format(" at {} epochs", epochs);
  return text + (minimize ? " (minimise)" : " (maximise)");
}

ObjectiveValues::ObjectiveValues(std::initializer_list<double> values) {
  for (double v : values) push_back(v);
}

void ObjectiveValues::push_back(double value) {
  if (size_ == kMax) {
    throw ConfigError(fmt::format("a search may have at most {} objectives", kMax));
  }
  values_[size_++] = value;
}

bool SimulatedEvaluator::Pending::operator>(const Pending& o) const {
  return std::tie(completion.finished_at, order) > std::tie(o.completion.finished_at, o.order);
}

void SimulatedEvaluator::Start(Completion completion) {
  completion.finished_at = clock_ + completion.seconds;
  pending_.push({completion, ++submitted_});
}

void SimulatedEvaluator::Collect(std::vector<Completion>& out) {
  if (pending_.empty()) throw std::logic_error("Collect() with no evaluation in flight");
  out.push_back(pending_.top().completion);
  pending_.pop();
  // Not earlier than the clock: the search may have spent time (AdvanceClock) since it submitted.
  clock_ = std::max(clock_, out.back().finished_at);
}

}  // namespace naskit

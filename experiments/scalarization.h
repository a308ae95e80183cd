// Scalarisations: the one signal a single-objective strategy is told, and the incumbent is chosen
// by, computed from an evaluation's objective vector (e.g. MnasNet's reward of accuracy and
// latency). Plugins: registered with NASKIT_REGISTER_SCALARIZATION, listed by `naskit list
// scalarizations`, chosen in a suite experiment by `scalarization: {name: mnasnet, target: 10}`
// beside its `objectives`. The run still keeps the Pareto archive of the objectives.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/registry.h"
#include "experiments/search_problem.h"

namespace naskit {

struct ScalarizationContext {
  const std::vector<Objective>& objectives;  // the problem's, the signal's first
};

class Scalarization {
 public:
  static constexpr const char* kKind = "scalarization";
  virtual ~Scalarization() = default;
  // The signal of one feasible evaluation, higher is better, from its objective values in their
  // own units (SearchProblem::objectives' order).
  virtual double Signal(std::span<const double> objectives) const = 0;
};

using ScalarizationRegistry = Registry<Scalarization, const ScalarizationContext&>;

#define NASKIT_REGISTER_SCALARIZATION(Class, Options, key, summary)            \
  static const bool naskit_registered_scalarization_##Class [[maybe_unused]] = \
      ::naskit::ScalarizationRegistry::Global().Register<Class, Options>(key, summary)

}  // namespace naskit

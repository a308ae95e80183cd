// Supernets; see supernet.h.
#include "training/supernet.h"

#include <map>
#include <stdexcept>

#include "core/errors.h"
#include "core/registry.h"

namespace naskit {
namespace {

std::map<std::string, SupernetEntry>& Entries() {
  static auto* entries = new std::map<std::string, SupernetEntry>;
  return *entries;
}

}  // namespace

void SupernetImpl::SetPath(SupernetPath path) {
  const auto decisions = static_cast<std::int64_t>(NumDecisions());
  const auto choices = static_cast<std::int64_t>(NumChoices());
  if (path.kind != SupernetPath::Kind::kMixture) {
    if (path.ops.size() != NumDecisions()) {
      throw std::invalid_argument("SetPath: one operation per decision expected");
    }
    for (int op : path.ops) {
      if (op < 0 || op >= choices) throw std::invalid_argument("SetPath: operation out of range");
    }
  }
  if (path.kind != SupernetPath::Kind::kSingle &&
      (!path.weights.defined() || path.weights.dim() != 2 || path.weights.size(0) != decisions ||
       path.weights.size(1) != choices)) {
    throw std::invalid_argument("SetPath: weights of shape [decisions, choices] expected");
  }
  path_ = std::move(path);
}

void SupernetImpl::CopyRenamed(
    NetworkImpl& network,
    const std::function<std::optional<std::string>(const std::string&)>& rename) {
  std::map<std::string, torch::Tensor> targets;
  for (const auto& item : network.named_parameters()) targets.emplace(item.key(), item.value());
  for (const auto& item : network.named_buffers()) targets.emplace(item.key(), item.value());
  torch::NoGradGuard no_grad;
  auto copy = [&](const std::string& name, const torch::Tensor& value) {
    const std::optional<std::string> target = rename(name);
    if (!target) return;
    const auto it = targets.find(*target);
    if (it == targets.end()) {
      throw std::logic_error("CopyPathInto: the stand-alone network has no " + *target);
    }
    it->second.copy_(value);
  };
  for (const auto& item : named_parameters()) copy(item.key(), item.value());
  for (const auto& item : named_buffers()) copy(item.key(), item.value());
}

bool RegisterSupernet(const std::string& space, SupernetEntry entry) {
  if (!Entries().emplace(space, std::move(entry)).second) {
    internal::RecordRegistrationProblem("supernet " + Quote(space) + " is registered twice");
    return false;
  }
  internal::RecordRegistration();
  return true;
}

const SupernetEntry& FindSupernet(const std::string& space) {
  const auto it = Entries().find(space);
  if (it == Entries().end()) {
    std::string known;
    for (const auto& [name, entry] : Entries()) known += (known.empty() ? "" : ", ") + name;
    throw ConfigError("space " + Quote(space) + " has no supernet (spaces with one: " + known +
                      ")");
  }
  return it->second;
}

}  // namespace naskit

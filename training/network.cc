// Networks of search spaces in LibTorch; see network.h.
#include "training/network.h"

#include "core/registry.h"

#include <map>

#include "core/errors.h"

namespace naskit {
namespace {

thread_local ForwardObserver* g_observer = nullptr;

std::map<std::string, TorchNetworkEntry>& Entries() {
  static auto* entries = new std::map<std::string, TorchNetworkEntry>;
  return *entries;
}

}  // namespace

ScopedForwardObserver::ScopedForwardObserver(ForwardObserver* observer) : previous_(g_observer) {
  g_observer = observer;
}
ScopedForwardObserver::~ScopedForwardObserver() { g_observer = previous_; }

torch::Tensor ObservedReluImpl::forward(const torch::Tensor& x) {
  if (g_observer) g_observer->OnReluInput(x);
  return torch::relu(x);
}

torch::Tensor ObservedConv2dImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = Conv2dImpl::forward(x);
  if (g_observer) g_observer->OnLayerOutput(y);
  return y;
}

torch::Tensor ObservedLinearImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = LinearImpl::forward(x);
  if (g_observer) g_observer->OnLayerOutput(y);
  return y;
}

std::int64_t NetworkImpl::NumParameters() {
  std::int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

bool RegisterTorchNetwork(const std::string& space, TorchNetworkEntry entry) {
  if (!Entries().emplace(space, std::move(entry)).second) {
    internal::RecordRegistrationProblem("LibTorch network " + Quote(space) +
                                        " is registered twice");
    return false;
  }
  internal::RecordRegistration();  // a plugin that only adds a network registers something
  return true;
}

const TorchNetworkEntry& FindTorchNetwork(const std::string& space) {
  const auto it = Entries().find(space);
  if (it == Entries().end()) {
    std::string known;
    for (const auto& name : TorchNetworkSpaces()) known += (known.empty() ? "" : ", ") + name;
    throw ConfigError("space " + Quote(space) +
                      " has no LibTorch network (spaces with one: " + known + ")");
  }
  return it->second;
}

std::vector<std::string> TorchNetworkSpaces() {
  std::vector<std::string> spaces;
  for (const auto& [name, entry] : Entries()) spaces.push_back(name);
  return spaces;
}

}  // namespace naskit

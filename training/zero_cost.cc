// Zero-cost proxies; see zero_cost.h.
#include "training/zero_cost.h"

#include <torch/torch.h>

#include <cmath>

#include "training/nb201_network.h"

namespace naskit {

double SynflowLogScore(ArchId arch, const Nb201MacroOptions& network, std::uint64_t seed) {
  torch::manual_seed(seed);
  Nb201Network model(arch, network);
  model->to(torch::kFloat64);
  model->eval();
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.abs_();
  }
  const auto input = torch::ones({1, network.in_channels, network.image_size, network.image_size},
                                 torch::kFloat64);
  model->forward(input).sum().backward();
  double score = 0;
  for (const auto& p : model->parameters()) {
    if (p.grad().defined()) score += (p * p.grad()).abs().sum().item<double>();
  }
  return score > 0 ? std::log(score) : -INFINITY;
}

}  // namespace naskit

// Analytic parameter and operation counts of the NB201 network; see nb201_network.h.
#include "spaces/nb201/nb201_network.h"

#include "spaces/nb201/nb201_space.h"

namespace naskit {

NetworkCost Nb201NetworkCost(ArchId arch, const Nb201MacroOptions& o) {
  NetworkCost cost;
  std::int64_t c = o.channels, h = o.image_size;
  auto conv = [&](std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t out_size) {
    cost.params += in * out * k * k;
    cost.flops += in * out * k * k * out_size * out_size;
  };
  auto batch_norm = [&](std::int64_t channels, std::int64_t size) {
    cost.params += 2 * channels;
    cost.flops += 3 * channels * size * size;
  };
  conv(o.in_channels, c, 3, h);
  batch_norm(c, h);
  const auto ops = Nb201Space::Ops(arch);
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      const std::int64_t out = 2 * c, size = (h + 1) / 2;  // a stride-2 convolution's output
      conv(c, out, 3, size);
      batch_norm(out, size);
      conv(out, out, 3, size);
      batch_norm(out, size);
      cost.flops += 4 * c * size * size;  // 2x2 average pool of the shortcut
      conv(c, out, 1, size);
      c = out;
      h = size;
    }
    for (int cell = 0; cell < o.cells; ++cell) {
      for (int op : ops) {
        if (op == Nb201Space::kConv1x1 || op == Nb201Space::kConv3x3) {
          conv(c, c, op == Nb201Space::kConv3x3 ? 3 : 1, h);
          batch_norm(c, h);
        } else if (op == Nb201Space::kAvgPool) {
          cost.flops += 9 * c * h * h;
        }
      }
    }
  }
  batch_norm(c, h);
  cost.flops += c * h * h;  // global average pooling
  cost.params += c * o.classes + o.classes;
  cost.flops += c * o.classes + o.classes;
  return cost;
}

using Nb201NetworkCounter = CountingNetwork<Nb201MacroOptions, &Nb201NetworkCost>;

NASKIT_REGISTER_NETWORK(Nb201NetworkCounter, Nb201MacroOptions, "nb201",
                        "NAS-Bench-201's macro skeleton (stem, 3 stages of N cells, classifier)");

}  // namespace naskit

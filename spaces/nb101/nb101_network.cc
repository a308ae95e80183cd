// Analytic parameter and operation counts of the NB101 network; see nb101_network.h.
#include "spaces/nb101/nb101_network.h"

#include <algorithm>

namespace naskit {

std::vector<int> Nb101VertexChannels(const Nb101Space::Spec& spec, int in, int out) {
  const int n = spec.vertices, last = n - 1;
  std::vector<int> channels(static_cast<std::size_t>(n), 0);
  channels.front() = in;
  channels.back() = out;
  if (n == 2) return channels;
  int feeding_output = 0;  // operation vertices with an edge to the output
  for (int v = 1; v < last; ++v) feeding_output += spec.matrix[v][last];
  const int share = out / feeding_output;
  int remainder = out % feeding_output;
  for (int v = 1; v < last; ++v) {
    if (!spec.matrix[v][last]) continue;
    channels[v] = share;
    if (remainder > 0) {
      ++channels[v];
      --remainder;
    }
  }
  for (int v = last - 1; v > 0; --v) {
    if (spec.matrix[v][last]) continue;
    for (int to = v + 1; to < last; ++to) {
      if (spec.matrix[v][to]) channels[v] = std::max(channels[v], channels[to]);
    }
  }
  return channels;
}

NetworkCost Nb101NetworkCost(ArchId arch, const Nb101NetworkOptions& options) {
  return Nb101NetworkCost(Nb101Space::ToSpec(arch), options);
}

NetworkCost Nb101NetworkCost(const Nb101Space::Spec& spec, const Nb101NetworkOptions& o) {
  NetworkCost cost;
  auto conv_bn_relu = [&](std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t size) {
    cost.params += in * out * k * k + 2 * out;
    cost.flops += in * out * k * k * size * size + 3 * out * size * size;
  };
  const int last = spec.vertices - 1;
  std::int64_t channels = o.stem_channels, size = o.image_size;
  conv_bn_relu(o.in_channels, channels, 3, size);
  std::int64_t in = channels;
  for (int stack = 0; stack < o.stacks; ++stack) {
    if (stack > 0) {
      size /= 2;
      cost.flops += 4 * in * size * size;  // 2x2 max pool
      channels *= 2;
    }
    for (int cell = 0; cell < o.cells; ++cell) {
      const auto vertex =
          Nb101VertexChannels(spec, static_cast<int>(in), static_cast<int>(channels));
      for (int v = 1; v < last; ++v) {
        const std::int64_t c = vertex[v];
        if (spec.matrix[0][v]) conv_bn_relu(in, c, 1, size);  // projection of the cell input
        switch (spec.labels[v]) {
          case 0:  // conv3x3-bn-relu
            conv_bn_relu(c, c, 3, size);
            break;
          case 1:  // conv1x1-bn-relu
            conv_bn_relu(c, c, 1, size);
            break;
          default:  // maxpool3x3
            cost.flops += 9 * c * size * size;
        }
      }
      // The output projection: alone when no operation feeds the output, else added to the
      // concatenation when the input feeds it directly.
      if (spec.matrix[0][last]) conv_bn_relu(in, channels, 1, size);
      in = channels;
    }
  }
  cost.flops += in * size * size;  // global average pooling
  cost.params += in * o.classes + o.classes;
  cost.flops += in * o.classes + o.classes;
  return cost;
}

using Nb101NetworkCounter = CountingNetwork<Nb101NetworkOptions, &Nb101NetworkCost>;

NASKIT_REGISTER_NETWORK(Nb101NetworkCounter, Nb101NetworkOptions, "nb101",
                        "NAS-Bench-101's network (stem, stacks of cells, classifier)");

}  // namespace naskit

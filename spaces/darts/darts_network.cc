// Analytic parameter and operation counts of the DARTS network; see darts_network.h.
#include "spaces/darts/darts_network.h"

#include <fmt/format.h>

#include "core/errors.h"

namespace naskit {

std::vector<DartsCellLayout> DartsLayout(const DartsNetworkOptions& o) {
  if (o.image_size % 4 != 0) {
    throw ConfigError(fmt::format(
        "darts network: image_size {} cannot be halved twice by factorized reductions (expected a "
        "multiple of 4)",
        o.image_size));
  }
  std::vector<DartsCellLayout> layout;
  int channels = o.channels, size = o.image_size;
  int prev_prev = 3 * o.channels, prev = 3 * o.channels;  // both inputs of the first cell: the stem
  bool reduction_prev = false;
  for (int stage = 0; stage < 3; ++stage) {
    for (int cell = stage > 0 ? -1 : 0; cell < o.cells; ++cell) {
      const bool reduction = cell < 0;
      if (reduction) channels *= 2;
      layout.push_back({reduction, reduction_prev, channels, prev_prev, prev, size});
      if (reduction) size /= 2;
      prev_prev = prev;
      prev = 4 * channels;
      reduction_prev = reduction;
    }
  }
  return layout;
}

NetworkCost DartsNetworkCost(ArchId arch, const DartsNetworkOptions& o) {
  const DartsCells cells = DecodeDarts(arch);
  NetworkCost cost;
  using Int = std::int64_t;
  auto conv = [&](Int in, Int out, Int kernel, Int size, Int groups = 1) {
    cost.params += in / groups * out * kernel * kernel;
    cost.flops += in / groups * out * kernel * kernel * size * size;
  };
  auto batch_norm = [&](Int channels, Int size, bool affine) {
    if (affine) cost.params += 2 * channels;
    cost.flops += 3 * channels * size * size;
  };
  auto relu_conv_bn = [&](Int in, Int out, Int size) {
    conv(in, out, 1, size);
    batch_norm(out, size, true);
  };
  auto factorized_reduce = [&](Int in, Int out, Int out_size, bool affine) {
    conv(in, out / 2, 1, out_size);
    conv(in, out / 2, 1, out_size);
    batch_norm(out, out_size, affine);
  };

  const Int stem_channels = Int{3} * o.channels;
  conv(o.in_channels, stem_channels, 3, o.image_size);
  batch_norm(stem_channels, o.image_size, true);
  Int last_channels = 0, last_size = 0;
  for (const DartsCellLayout& cell : DartsLayout(o)) {
    const Int c = cell.channels, in = cell.input_size;
    const Int out = cell.reduction ? in / 2 : in;
    if (cell.reduction_prev) {
      factorized_reduce(cell.prev_prev_channels, c, in, true);
    } else {
      relu_conv_bn(cell.prev_prev_channels, c, in);
    }
    relu_conv_bn(cell.prev_channels, c, in);
    for (const DartsEdge& edge : cells[cell.reduction ? 1 : 0]) {
      const bool strided = cell.reduction && edge.input < 2;
      const std::string_view op = kDartsOps[static_cast<std::size_t>(edge.op)];
      if (op == "max_pool_3x3" || op == "avg_pool_3x3") {
        cost.flops += 9 * c * out * out;
        batch_norm(c, out, false);
      } else if (op == "skip_connect") {
        if (strided) factorized_reduce(c, c, out, false);
      } else {
        const Int kernel = op.ends_with("3x3") ? 3 : 5;
        const int separable = op.starts_with("sep_conv") ? 2 : 1;  // sep_conv repeats the block
        for (int i = 0; i < separable; ++i) {
          conv(c, c, kernel, out, c);  // depthwise
          conv(c, c, 1, out);          // pointwise
          batch_norm(c, out, false);
        }
      }
    }
    last_channels = 4 * c;
    last_size = out;
  }
  cost.flops += last_channels * last_size * last_size;  // global average pooling
  cost.params += last_channels * o.classes + o.classes;
  cost.flops += last_channels * o.classes + o.classes;
  return cost;
}

namespace {
using DartsNetworkCounter = CountingNetwork<DartsNetworkOptions, &DartsNetworkCost>;
}  // namespace
NASKIT_REGISTER_NETWORK(DartsNetworkCounter, DartsNetworkOptions, "darts",
                        "NASLib's NAS-Bench-301 network (stem, 3 stages of normal cells, 2 "
                        "reduction cells, classifier)");

}  // namespace naskit

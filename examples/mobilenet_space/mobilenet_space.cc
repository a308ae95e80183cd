// The MobileNet-style space and its counts; see mobilenet_space.h.
#include "mobilenet_space.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "spaces/network_cost.h"
#include "spaces/search_space.h"

namespace mobilenet {
namespace {

using naskit::ArchId;

std::array<int, kBlocks> Choices(ArchId arch) {
  std::array<int, kBlocks> c{};
  for (int b = 0; b < kBlocks; ++b, arch /= kChoices) c[b] = static_cast<int>(arch % kChoices);
  return c;
}

ArchId Id(const std::array<int, kBlocks>& c) {
  ArchId arch = 0;
  for (int b = kBlocks - 1; b >= 0; --b) arch = arch * kChoices + static_cast<ArchId>(c[b]);
  return arch;
}

std::string ChoiceText(int choice) {
  const Block block = BlockOf(choice);
  return block.skip ? "skip" : fmt::format("k{}e{}", block.kernel, block.expansion);
}

class MobileNetSpace final : public naskit::SearchSpace {
 public:
  explicit MobileNetSpace(naskit::NoOptions) {}
  std::string Name() const override { return "mobilenet"; }
  std::uint64_t Size() const override { return 10000; }
  ArchId Sample(naskit::Rng& rng) const override { return rng.UniformInt(Size()); }
  ArchId Mutate(ArchId arch, naskit::Rng& rng) const override {
    auto c = Choices(arch);
    const auto b = rng.UniformInt(kBlocks);
    c[b] = static_cast<int>((c[b] + 1 + rng.UniformInt(kChoices - 1)) % kChoices);
    return Id(c);
  }
  std::vector<ArchId> Neighbours(ArchId arch) const override {
    std::vector<ArchId> n;
    for (int b = 0; b < kBlocks; ++b) {
      for (int choice = 0; choice < kChoices; ++choice) {
        auto c = Choices(arch);
        if (c[b] == choice) continue;
        c[b] = choice;
        n.push_back(Id(c));
      }
    }
    return n;
  }
  std::size_t EncodingSize(naskit::Encoding) const override { return kBlocks * kChoices; }
  std::vector<float> Encode(ArchId arch, naskit::Encoding) const override {
    std::vector<float> x(kBlocks * kChoices, 0.0F);
    const auto c = Choices(arch);
    for (int b = 0; b < kBlocks; ++b) x[b * kChoices + c[b]] = 1.0F;
    return x;
  }
  naskit::ArchGraph Graph(ArchId arch) const override {
    naskit::ArchGraph g{{"input"}, {}};
    for (int choice : Choices(arch)) g.node_labels.push_back(ChoiceText(choice));
    g.node_labels.push_back("output");
    for (int i = 0; i + 1 < static_cast<int>(g.node_labels.size()); ++i)
      g.edges.emplace_back(i, i + 1);
    return g;
  }
  ArchId Canonical(ArchId arch) const override { return arch; }
  std::string Format(ArchId arch) const override {
    std::string text;
    for (int choice : Choices(arch)) text += (text.empty() ? "" : "-") + ChoiceText(choice);
    return text;
  }
  ArchId Parse(std::string_view text) const override {
    std::array<int, kBlocks> c{};
    std::size_t from = 0;
    for (int b = 0; b < kBlocks; ++b) {
      const std::size_t end = b + 1 < kBlocks ? text.find('-', from) : text.size();
      const std::string token(text.substr(from, end == std::string_view::npos ? 0 : end - from));
      c[b] = -1;
      for (int choice = 0; choice < kChoices; ++choice) {
        if (ChoiceText(choice) == token) c[b] = choice;
      }
      if (c[b] < 0 || end == std::string_view::npos) {
        throw naskit::ConfigError(
            "mobilenet: expected 4 blocks separated by '-', each skip or k<3|5|7>e<1|3|6>, e.g. "
            "k3e6-skip-k5e3-k7e1 (got " +
            naskit::Quote(std::string(text)) + ")");
      }
      from = end + 1;
    }
    return Id(c);
  }
  std::size_t NumDecisions() const override { return kBlocks; }
  std::size_t NumChoices(std::size_t) const override { return kChoices; }
  std::vector<int> ToChoices(ArchId arch) const override {
    const auto c = Choices(arch);
    return {c.begin(), c.end()};
  }
  std::optional<ArchId> FromChoices(const std::vector<int>& choices) const override {
    std::array<int, kBlocks> c{};
    for (int b = 0; b < kBlocks; ++b) c[b] = choices[b];
    return Id(c);
  }
};

// Parameters and operations (naskit's convention, spaces/network_cost.h) of the network of
// mobilenet_network.cc.
naskit::NetworkCost Count(ArchId arch, const NetworkOptions& o) {
  naskit::NetworkCost cost;
  std::int64_t h = o.image_size;
  auto conv = [&](std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t groups,
                  std::int64_t size) {
    cost.params += in / groups * out * k * k;
    cost.flops += in / groups * out * k * k * size * size;
  };
  auto batch_norm = [&](std::int64_t channels, std::int64_t size) {
    cost.params += 2 * channels;
    cost.flops += 3 * channels * size * size;
  };
  const std::int64_t c = o.channels;
  conv(o.in_channels, c, 3, 1, h);
  batch_norm(c, h);
  const auto choices = Choices(arch);
  for (int b = 0; b < kBlocks; ++b) {
    if (b == 1 || b == 3) {  // the fixed reductions before blocks 1 and 3
      const std::int64_t in = BlockChannels(b - 1, static_cast<int>(c));
      h = (h + 1) / 2;
      conv(in, 2 * in, 3, 1, h);
      batch_norm(2 * in, h);
    }
    const Block block = BlockOf(choices[b]);
    if (block.skip) continue;
    const std::int64_t width = BlockChannels(b, static_cast<int>(c)),
                       hidden = width * block.expansion;
    if (block.expansion != 1) {
      conv(width, hidden, 1, 1, h);
      batch_norm(hidden, h);
    }
    conv(hidden, hidden, block.kernel, hidden, h);
    batch_norm(hidden, h);
    conv(hidden, width, 1, 1, h);
    batch_norm(width, h);
  }
  const std::int64_t last = 4 * c;
  cost.flops += last * h * h;  // global average pool
  cost.params += last * o.classes + o.classes;
  cost.flops += last * o.classes + o.classes;
  return cost;
}

using MobileNetCounter = naskit::CountingNetwork<NetworkOptions, Count>;

NASKIT_REGISTER_SPACE(MobileNetSpace, naskit::NoOptions, "mobilenet",
                      "MobileNet-style: 4 inverted-residual blocks, kernel 3/5/7, expansion "
                      "1/3/6 or skip (example plugin)");
NASKIT_REGISTER_NETWORK(MobileNetCounter, NetworkOptions, "mobilenet",
                        "MobileNet-style network of the example plugin");

}  // namespace
}  // namespace mobilenet

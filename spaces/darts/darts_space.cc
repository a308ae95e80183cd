// The DARTS cell space; see darts_space.h.
#include "spaces/darts/darts_space.h"

#include <array>
#include <set>

#include <fmt/format.h>

#include "core/errors.h"
#include "spaces/search_space.h"

namespace naskit {
namespace {

constexpr int kNodes = kDartsNodes;
constexpr int kEdges = 2 * kNodes;
constexpr int kNumOps = kDartsOpCount;
constexpr const auto& kOps = kDartsOps;

constexpr std::uint64_t NumPairs(int node) {  // C(node + 2, 2)
  return static_cast<std::uint64_t>(node + 2) * (node + 1) / 2;
}
constexpr std::uint64_t NodeRadix(int node) { return NumPairs(node) * kNumOps * kNumOps; }
constexpr std::uint64_t kCellSize = NodeRadix(0) * NodeRadix(1) * NodeRadix(2) * NodeRadix(3);

using Edge = DartsEdge;
using Cell = DartsCell;  // a node's two edges by ascending input

// The first of node k's two edges.
constexpr std::size_t EdgeOf(int node) { return 2 * static_cast<std::size_t>(node); }
using Cells = DartsCells;

std::pair<int, int> PairOf(int node, std::uint64_t index) {
  for (int hi = 1, i = 0; hi < node + 2; ++hi) {
    for (int lo = 0; lo < hi; ++lo, ++i) {
      if (static_cast<std::uint64_t>(i) == index) return {lo, hi};
    }
  }
  return {-1, -1};
}
std::uint64_t IndexOf(int lo, int hi) {  // lo < hi; the order of PairOf
  return static_cast<std::uint64_t>(hi) * (hi - 1) / 2 + lo;
}

Cells Decode(ArchId id, std::uint64_t size) {
  if (id >= size) {
    throw ConfigError(fmt::format("darts: {} is no architecture id (expected < {})", id, size));
  }
  Cells cells;
  for (auto& cell : cells) {
    std::uint64_t code = id % kCellSize;
    id /= kCellSize;
    for (int k = 0; k < kNodes; ++k) {
      std::uint64_t node = code % NodeRadix(k);
      code /= NodeRadix(k);
      const int op_hi = static_cast<int>(node % kNumOps);
      node /= kNumOps;
      const int op_lo = static_cast<int>(node % kNumOps);
      const auto [lo, hi] = PairOf(k, node / kNumOps);
      cell[EdgeOf(k)] = {lo, op_lo};
      cell[EdgeOf(k) + 1] = {hi, op_hi};
    }
  }
  return cells;
}

// Sorts each node's two edges; throws ConfigError for inputs out of range or equal.
ArchId EncodeCells(Cells cells) {
  ArchId id = 0;
  for (int c = 1; c >= 0; --c) {
    std::uint64_t code = 0;
    for (int k = kNodes - 1; k >= 0; --k) {
      Edge a = cells[c][EdgeOf(k)], b = cells[c][EdgeOf(k) + 1];
      if (b < a) std::swap(a, b);
      if (a.input < 0 || b.input >= k + 2 || a.input == b.input || a.op < 0 || a.op >= kNumOps ||
          b.op < 0 || b.op >= kNumOps) {
        throw ConfigError(fmt::format(
            "darts: {} cell, node {}: edges ({}, {}) and ({}, {}) (expected two different "
            "inputs in 0..{} and ops in 0..{})",
            c ? "reduction" : "normal", k, a.input, a.op, b.input, b.op, k + 1, kNumOps - 1));
      }
      code = code * NodeRadix(k) + (IndexOf(a.input, b.input) * kNumOps + a.op) * kNumOps + b.op;
    }
    id = id * kCellSize + code;
  }
  return id;
}

class DartsSpace final : public SearchSpace {
 public:
  explicit DartsSpace(NoOptions) {}

  std::string Name() const override { return "darts"; }
  std::uint64_t Size() const override { return kCellSize * kCellSize; }

  ArchId Sample(Rng& rng) const override { return rng.UniformInt(Size()); }

  // One edge's op changed, or one edge moved to another input of its node.
  std::vector<ArchId> Neighbours(ArchId arch) const override {
    const Cells cells = Decode(arch, Size());
    std::set<ArchId> found;
    for (int c = 0; c < 2; ++c) {
      for (int e = 0; e < kEdges; ++e) {
        const int node = e / 2;
        const int other = cells[c][e ^ 1].input;
        for (int op = 0; op < kNumOps; ++op) {
          if (op == cells[c][e].op) continue;
          Cells t = cells;
          t[c][e].op = op;
          found.insert(EncodeCells(t));
        }
        for (int input = 0; input < node + 2; ++input) {
          if (input == cells[c][e].input || input == other) continue;
          Cells t = cells;
          t[c][e].input = input;
          found.insert(EncodeCells(t));
        }
      }
    }
    found.erase(arch);
    return {found.begin(), found.end()};
  }

  ArchId Mutate(ArchId arch, Rng& rng) const override {
    const auto neighbours = Neighbours(arch);
    return neighbours[rng.UniformInt(neighbours.size())];
  }

  // One-hot: per cell and edge, its input (5 slots) and its op (7). Path: per cell, one indicator
  // per (cell input, sequence of 1 to 4 ops) on a path from a cell input to an intermediate node
  // (every intermediate node feeds the cell's output), as BANANAS encodes paths (White et al.,
  // AAAI 2021).
  static constexpr std::size_t kInputSlots = kNodes + 1;
  static constexpr std::size_t kOneHotPerCell = kEdges * (kInputSlots + kNumOps);
  static constexpr std::size_t kPathsPerInput = 7 + 49 + 343 + 2401;
  static constexpr std::size_t kPathPerCell = 2 * kPathsPerInput;

  std::size_t EncodingSize(Encoding encoding) const override {
    return 2 * (encoding == Encoding::kOneHot ? kOneHotPerCell : kPathPerCell);
  }

  std::vector<float> Encode(ArchId arch, Encoding encoding) const override {
    const Cells cells = Decode(arch, Size());
    std::vector<float> x(EncodingSize(encoding), 0.0f);
    for (int c = 0; c < 2; ++c) {
      if (encoding == Encoding::kOneHot) {
        float* base = &x[c * kOneHotPerCell];
        for (int e = 0; e < kEdges; ++e) {
          base[e * (kInputSlots + kNumOps) + cells[c][e].input] = 1;
          base[e * (kInputSlots + kNumOps) + kInputSlots + cells[c][e].op] = 1;
        }
        continue;
      }
      // Paths ending at node k: extend each path ending at an input of k by the edge's op.
      struct Path {
        int origin;
        int length;
        std::size_t code;
      };
      std::array<std::vector<Path>, kNodes> ending;
      for (int k = 0; k < kNodes; ++k) {
        for (const Edge& edge : {cells[c][EdgeOf(k)], cells[c][EdgeOf(k) + 1]}) {
          if (edge.input < 2) {
            ending[k].push_back({edge.input, 1, static_cast<std::size_t>(edge.op)});
          } else {
            for (const Path& p : ending[edge.input - 2])
              ending[k].push_back({p.origin, p.length + 1, p.code * kNumOps + edge.op});
          }
        }
        for (const Path& p : ending[k]) {
          std::size_t offset = 0;
          for (int l = 1, size = kNumOps; l < p.length; ++l, size *= kNumOps) offset += size;
          x[c * kPathPerCell + p.origin * kPathsPerInput + offset + p.code] = 1;
        }
      }
    }
    return x;
  }

  // Ops on nodes: the input, each cell's two inputs, one node per edge labelled with its op, one
  // "add" node per intermediate node, and the output (the concatenation of the add nodes).
  ArchGraph Graph(ArchId arch) const override {
    const Cells cells = Decode(arch, Size());
    ArchGraph g;
    g.node_labels.push_back("input");
    std::vector<int> adds;
    for (int c = 0; c < 2; ++c) {
      const std::string prefix = c ? "reduction_" : "normal_";
      std::array<int, kNodes + 2> source{};
      for (int i = 0; i < 2; ++i) {
        source[i] = static_cast<int>(g.node_labels.size());
        g.node_labels.push_back(prefix + "cell_input_" + std::to_string(i));
        g.edges.emplace_back(0, source[i]);
      }
      for (int k = 0; k < kNodes; ++k) {
        const int add = static_cast<int>(g.node_labels.size()) + 2;
        for (int e = 2 * k; e < 2 * k + 2; ++e) {
          const int op_node = static_cast<int>(g.node_labels.size());
          g.node_labels.push_back(kOps[cells[c][e].op]);
          g.edges.emplace_back(source[cells[c][e].input], op_node);
          g.edges.emplace_back(op_node, add);
        }
        g.node_labels.push_back(prefix + "add");
        source[k + 2] = add;
        adds.push_back(add);
      }
    }
    const int output = static_cast<int>(g.node_labels.size());
    g.node_labels.push_back("output");
    for (int add : adds) g.edges.emplace_back(add, output);
    return g;
  }

  ArchId Canonical(ArchId arch) const override {
    Decode(arch, Size());
    return arch;
  }

  std::string Format(ArchId arch) const override {
    const Cells cells = Decode(arch, Size());
    std::string text = "[";
    for (int c = 0; c < 2; ++c) {
      text += c ? ", [" : "[";
      for (int e = 0; e < kEdges; ++e)
        text += fmt::format("{}({}, {})", e ? ", " : "", cells[c][e].input, cells[c][e].op);
      text += "]";
    }
    return text + "]";
  }

  ArchId Parse(std::string_view text) const override {
    // Only the numbers carry information; the brackets must still be where NASLib puts them.
    std::vector<int> numbers;
    std::string shape;
    for (std::size_t i = 0; i < text.size();) {
      const char ch = text[i];
      if (ch >= '0' && ch <= '9') {
        int v = 0;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && v < 1000; ++i)
          v = v * 10 + (text[i] - '0');
        numbers.push_back(v);
        shape += 'n';
        continue;
      }
      if (ch != ' ') shape += ch;
      ++i;
    }
    std::string expected_cell = "[";
    for (int e = 0; e < kEdges; ++e) expected_cell += e ? ",(n,n)" : "(n,n)";
    expected_cell += "]";
    // A literal 'n' in the text also lands in `shape`; the count rules it out.
    if (shape != "[" + expected_cell + "," + expected_cell + "]" ||
        numbers.size() != std::size_t{4} * kEdges) {
      throw ConfigError("darts architecture " + Quote(std::string(text)) +
                        ": expected NASLib's compact form, two lists of 8 (input, op) pairs "
                        "(e.g. '[[(0, 1), (1, 3), ...], [...]]')");
    }
    Cells cells;
    for (int c = 0, i = 0; c < 2; ++c)
      for (int e = 0; e < kEdges; ++e, i += 2) cells[c][e] = {numbers[i], numbers[i + 1]};
    try {
      return EncodeCells(cells);
    } catch (const ConfigError& e) {
      throw ConfigError("darts architecture " + Quote(std::string(text)) + ": " + e.what());
    }
  }

  // Per cell and node: the input pair, then the op of each of its two edges.
  std::size_t NumDecisions() const override { return std::size_t{2} * kNodes * 3; }
  std::size_t NumChoices(std::size_t decision) const override {
    const int node = static_cast<int>(decision / 3 % kNodes);
    return decision % 3 == 0 ? NumPairs(node) : kNumOps;
  }
  std::vector<int> ToChoices(ArchId arch) const override {
    const Cells cells = Decode(arch, Size());
    std::vector<int> choices;
    for (const Cell& cell : cells) {
      for (int k = 0; k < kNodes; ++k) {
        choices.push_back(
            static_cast<int>(IndexOf(cell[EdgeOf(k)].input, cell[EdgeOf(k) + 1].input)));
        choices.push_back(cell[EdgeOf(k)].op);
        choices.push_back(cell[EdgeOf(k) + 1].op);
      }
    }
    return choices;
  }
  std::optional<ArchId> FromChoices(const std::vector<int>& choices) const override {
    if (choices.size() != NumDecisions()) {
      throw ConfigError(fmt::format("darts: wrong number of choices (got {}; expected {})",
                                    choices.size(), NumDecisions()));
    }
    Cells cells;
    for (std::size_t d = 0; d < choices.size(); d += 3) {
      const int node = static_cast<int>(d / 3 % kNodes);
      for (std::size_t i = 0; i < 3; ++i) {
        if (choices[d + i] < 0 || static_cast<std::size_t>(choices[d + i]) >= NumChoices(d + i)) {
          throw ConfigError(fmt::format("darts: choice {} is {} (expected 0 to {})", d + i,
                                        choices[d + i], NumChoices(d + i) - 1));
        }
      }
      const auto [lo, hi] = PairOf(node, static_cast<std::uint64_t>(choices[d]));
      Cell& cell = cells[d / (std::size_t{3} * kNodes)];
      cell[EdgeOf(node)] = {lo, choices[d + 1]};
      cell[EdgeOf(node) + 1] = {hi, choices[d + 2]};
    }
    return EncodeCells(cells);
  }
};

}  // namespace

DartsCells DecodeDarts(ArchId arch) { return Decode(arch, kCellSize * kCellSize); }
ArchId EncodeDarts(const DartsCells& cells) { return EncodeCells(cells); }

NASKIT_REGISTER_SPACE(DartsSpace, NoOptions, "darts",
                      "DARTS / NAS-Bench-301 normal + reduction cells, 7 ops: ~1.08e18 "
                      "architectures");

}  // namespace naskit

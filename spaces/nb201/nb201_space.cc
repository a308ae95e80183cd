// The NAS-Bench-201 cell space; see nb201_space.h.
#include "spaces/nb201/nb201_space.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

namespace naskit {
namespace {

constexpr std::uint64_t kPow5[] = {1, 5, 25, 125, 625, 3125, 15625};

void CheckId(ArchId arch) {
  if (arch >= Nb201Space::kNumArchs) {
    throw ConfigError("nb201: architecture id out of range (got " + std::to_string(arch) +
                      "; expected 0 to 15624)");
  }
}

std::string OpList() {
  std::string list;
  for (int i = 0; i < Nb201Space::kNumOps; ++i)
    list += (i ? ", " : "") + std::string(Nb201Space::kOps[i]);
  return list;
}

[[noreturn]] void ParseFail(std::string_view text, std::size_t position, const std::string& what) {
  throw ConfigError("nb201 architecture " + Quote(text) + ": " + what + " at position " +
                    std::to_string(position) +
                    " (expected the form |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with ops " + OpList() +
                    ")");
}

}  // namespace

int Nb201Space::OpOf(ArchId arch, int edge) {
  return static_cast<int>(arch / kPow5[edge] % kNumOps);
}

std::array<int, Nb201Space::kNumEdges> Nb201Space::Ops(ArchId arch) {
  std::array<int, kNumEdges> ops{};
  for (int e = 0; e < kNumEdges; ++e) ops[e] = OpOf(arch, e);
  return ops;
}

ArchId Nb201Space::FromOps(const std::array<int, kNumEdges>& ops) {
  ArchId arch = 0;
  for (int e = 0; e < kNumEdges; ++e) arch += static_cast<ArchId>(ops[e]) * kPow5[e];
  return arch;
}

ArchId Nb201Space::Sample(Rng& rng) const { return rng.UniformInt(kNumArchs); }

ArchId Nb201Space::Mutate(ArchId arch, Rng& rng) const {
  CheckId(arch);
  const int edge = static_cast<int>(rng.UniformInt(kNumEdges));
  const int old_op = OpOf(arch, edge);
  // A different op, uniformly: draw from the 4 others.
  int new_op = static_cast<int>(rng.UniformInt(kNumOps - 1));
  if (new_op >= old_op) ++new_op;
  return arch + (static_cast<ArchId>(new_op) - old_op) * kPow5[edge];
}

std::vector<ArchId> Nb201Space::Neighbours(ArchId arch) const {
  CheckId(arch);
  std::vector<ArchId> result;
  result.reserve(static_cast<std::size_t>(kNumEdges) * (kNumOps - 1));
  for (int e = 0; e < kNumEdges; ++e) {
    const int old_op = OpOf(arch, e);
    for (int op = 0; op < kNumOps; ++op) {
      if (op != old_op) result.push_back(arch + (static_cast<ArchId>(op) - old_op) * kPow5[e]);
    }
  }
  return result;
}

std::size_t Nb201Space::EncodingSize(Encoding encoding) const {
  switch (encoding) {
    case Encoding::kOneHot:
      return static_cast<std::size_t>(kNumEdges) * kNumOps;
    case Encoding::kPath:
      return kNumOps + kNumOps * kNumOps + kNumOps * kNumOps * kNumOps;
  }
  return 0;
}

std::vector<float> Nb201Space::Encode(ArchId arch, Encoding encoding) const {
  CheckId(arch);
  std::vector<float> x(EncodingSize(encoding), 0.0f);
  const auto ops = Ops(arch);
  if (encoding == Encoding::kOneHot) {
    for (int e = 0; e < kNumEdges; ++e) x[e * kNumOps + ops[e]] = 1.0f;
    return x;
  }
  // Path encoding: one feature per possible sequence of ops along each input→output path. NB201 has
  // four such paths (edges 3; 0,4; 1,5; 0,2,5); as in NASLib's implementation, paths through `none`
  // are kept, giving 5 + 25 + 125 = 155 features.
  static constexpr int kPaths[4][3] = {{3, -1, -1}, {0, 4, -1}, {1, 5, -1}, {0, 2, 5}};
  for (const auto& path : kPaths) {
    std::size_t offset = 0, index = 0, scale = 1;
    int length = 0;
    for (int edge : path) {
      if (edge < 0) break;
      index += static_cast<std::size_t>(ops[edge]) * scale;
      scale *= kNumOps;
      ++length;
    }
    for (int l = 1, block = kNumOps; l < length; ++l, block *= kNumOps) offset += block;
    x[offset + index] = 1.0f;
  }
  return x;
}

ArchGraph Nb201Space::Graph(ArchId arch) const {
  CheckId(arch);
  // Ops on nodes: node 0 is the input, nodes 1..6 the six edges' ops, node 7 the output. An edge op
  // feeds every edge op leaving its target cell node; edges into cell node 3 feed the output.
  ArchGraph graph;
  graph.node_labels.push_back("input");
  for (int e = 0; e < kNumEdges; ++e) graph.node_labels.push_back(kOps[OpOf(arch, e)]);
  graph.node_labels.push_back("output");
  for (int e = 0; e < kNumEdges; ++e) {
    const auto [from, to] = kEdges[e];
    if (from == 0) graph.edges.emplace_back(0, e + 1);
    if (to == 3) graph.edges.emplace_back(e + 1, kNumEdges + 1);
    for (int f = 0; f < kNumEdges; ++f) {
      if (kEdges[f].first == to) graph.edges.emplace_back(e + 1, f + 1);
    }
  }
  std::sort(graph.edges.begin(), graph.edges.end());
  return graph;
}

std::string Nb201Space::IsomorphismString(ArchId arch) {
  CheckId(arch);
  // NATS-Bench's convention (its unique string with zeros considered): node 0 is "0"; a later node
  // is the sorted '+'-join of one term per incoming edge: "#" for `none` or a dead input ("#"),
  // the input unchanged for `skip_connect`, "(input)@op" otherwise.
  std::array<std::string, 4> node;
  node[0] = "0";
  for (int target = 1; target < 4; ++target) {
    std::vector<std::string> terms;
    for (int e = 0; e < kNumEdges; ++e) {
      if (kEdges[e].second != target) continue;
      const int op = OpOf(arch, e);
      const std::string& input = node[kEdges[e].first];
      if (op == kNone || input == "#") {
        terms.push_back("#");
      } else if (op == kSkip) {
        terms.push_back(input);
      } else {
        terms.push_back("(" + input + ")@" + kOps[op]);
      }
    }
    std::sort(terms.begin(), terms.end());
    for (std::size_t i = 0; i < terms.size(); ++i) node[target] += (i ? "+" : "") + terms[i];
  }
  return node[3];
}

ArchId Nb201Space::Canonical(ArchId arch) const {
  CheckId(arch);
  // The class representative is its smallest id; the table is built once (about 15 ms).
  static const std::vector<std::uint16_t> representative = [] {
    std::vector<std::uint16_t> table(kNumArchs);
    std::unordered_map<std::string, std::uint16_t> first_of_class;
    for (ArchId a = 0; a < kNumArchs; ++a) {
      auto [it, inserted] =
          first_of_class.emplace(IsomorphismString(a), static_cast<std::uint16_t>(a));
      table[a] = it->second;
    }
    return table;
  }();
  return representative[arch];
}

std::string Nb201Space::Format(ArchId arch) const {
  CheckId(arch);
  std::string text;
  text.reserve(128);
  int edge = 0;
  for (int target = 1; target < 4; ++target) {
    if (target > 1) text += '+';
    for (int source = 0; source < target; ++source, ++edge) {
      text += '|';
      text += kOps[OpOf(arch, edge)];
      text += '~';
      text += static_cast<char>('0' + source);
    }
    text += '|';
  }
  return text;
}

ArchId Nb201Space::Parse(std::string_view text) const {
  std::array<int, kNumEdges> ops{};
  std::size_t pos = 0;
  int edge = 0;
  for (int target = 1; target < 4; ++target) {
    if (target > 1) {
      if (pos >= text.size() || text[pos] != '+') ParseFail(text, pos, "missing '+' between nodes");
      ++pos;
    }
    if (pos >= text.size() || text[pos] != '|') ParseFail(text, pos, "missing '|'");
    ++pos;
    for (int source = 0; source < target; ++source, ++edge) {
      const std::size_t token_start = pos;
      const std::size_t end = text.find('|', pos);
      if (end == std::string_view::npos) ParseFail(text, pos, "unterminated token");
      const std::string_view token = text.substr(pos, end - pos);
      const std::size_t tilde = token.find('~');
      if (tilde == std::string_view::npos) {
        ParseFail(text, token_start, "token " + Quote(token) + " has no '~input'");
      }
      const std::string_view op_name = token.substr(0, tilde);
      const std::string_view input = token.substr(tilde + 1);
      int op = -1;
      for (int i = 0; i < kNumOps; ++i) {
        if (op_name == kOps[i]) op = i;
      }
      if (op < 0) ParseFail(text, token_start, "unknown op " + Quote(op_name));
      if (input.size() != 1 || input[0] != '0' + source) {
        ParseFail(text, token_start + tilde + 1,
                  "token " + Quote(token) + " has input " + Quote(input) + " where node " +
                      std::to_string(source) + " was expected");
      }
      ops[edge] = op;
      pos = end + 1;
    }
  }
  if (pos != text.size())
    ParseFail(text, pos, "unexpected trailing text " + Quote(text.substr(pos)));
  return FromOps(ops);
}

std::vector<int> Nb201Space::ToChoices(ArchId arch) const {
  CheckId(arch);
  const auto ops = Ops(arch);
  return {ops.begin(), ops.end()};
}

std::optional<ArchId> Nb201Space::FromChoices(const std::vector<int>& choices) const {
  if (choices.size() != kNumEdges) {
    throw ConfigError("nb201: wrong number of choices (got " + std::to_string(choices.size()) +
                      "; expected 6)");
  }
  std::array<int, kNumEdges> ops{};
  for (int e = 0; e < kNumEdges; ++e) {
    if (choices[e] < 0 || choices[e] >= kNumOps) {
      throw ConfigError("nb201: choice for edge " + std::to_string(e) + " out of range (got " +
                        std::to_string(choices[e]) + "; expected 0 to 4)");
    }
    ops[e] = choices[e];
  }
  return FromOps(ops);
}

NASKIT_REGISTER_SPACE(Nb201Space, NoOptions, "nb201",
                      "NAS-Bench-201 cell: 6 edges x 5 ops, 15,625 architectures");

}  // namespace naskit

// The NAS-Bench-101 space; see nb101_space.h.
#include "spaces/nb101/nb101_space.h"

#include <openssl/evp.h>

#include <algorithm>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "core/errors.h"

namespace naskit {
namespace {

using Spec = Nb101Space::Spec;
constexpr int kMaxV = Nb101Space::kMaxVertices;
constexpr int kOpSpots = kMaxV - 2;
constexpr int kEdgeSpots = kMaxV * (kMaxV - 1) / 2;  // 21
// ArchId layout: bits 0-2 vertices - 2; bits 3-23 the upper triangle of the 7x7 matrix (pairs
// (i, j), i < j, in row-major order); bits 24-33 the op of each intermediate vertex, 2 bits each.
constexpr int kEdgeBit = 3;
constexpr int kOpBit = kEdgeBit + kEdgeSpots;
constexpr int kIdBits = kOpBit + 2 * kOpSpots;

int PairIndex(int i, int j) {  // i < j < kMaxV
  return i * kMaxV - i * (i + 1) / 2 + (j - i - 1);
}

int NumEdges(const Spec& s) {
  int n = 0;
  for (int i = 0; i < s.vertices; ++i)
    for (int j = i + 1; j < s.vertices; ++j) n += s.matrix[i][j];
  return n;
}

ArchId EncodeSpec(const Spec& s) {
  ArchId id = static_cast<ArchId>(s.vertices - 2);
  for (int i = 0; i < s.vertices; ++i) {
    for (int j = i + 1; j < s.vertices; ++j) {
      if (s.matrix[i][j]) id |= ArchId{1} << (kEdgeBit + PairIndex(i, j));
    }
  }
  for (int k = 1; k + 1 < s.vertices; ++k) {
    id |= static_cast<ArchId>(s.labels[k]) << (kOpBit + 2 * (k - 1));
  }
  return id;
}

// Removes the vertices that are not on a path from input to output (NAS-Bench-101's
// ModelSpec._prune); nullopt if no such path exists or more than 9 edges remain.
std::optional<Spec> Prune(const Spec& s) {
  const int n = s.vertices;
  std::array<bool, kMaxV> from_input{}, to_output{};
  from_input[0] = true;
  for (int j = 1; j < n; ++j)
    for (int i = 0; i < j; ++i) from_input[j] = from_input[j] || (from_input[i] && s.matrix[i][j]);
  to_output[n - 1] = true;
  for (int i = n - 2; i >= 0; --i)
    for (int j = i + 1; j < n; ++j) to_output[i] = to_output[i] || (to_output[j] && s.matrix[i][j]);
  if (!from_input[n - 1]) return std::nullopt;
  std::vector<int> keep;
  for (int v = 0; v < n; ++v)
    if (from_input[v] && to_output[v]) keep.push_back(v);
  Spec pruned;
  pruned.vertices = static_cast<int>(keep.size());
  for (std::size_t a = 0; a < keep.size(); ++a) {
    pruned.labels[a] = s.labels[keep[a]];
    for (std::size_t b = 0; b < keep.size(); ++b) pruned.matrix[a][b] = s.matrix[keep[a]][keep[b]];
  }
  if (NumEdges(pruned) > Nb101Space::kMaxEdges) return std::nullopt;
  return pruned;
}

// The smallest encoding over the relabellings of the intermediate vertices that keep the matrix
// upper-triangular: one id per isomorphism class (input and output are fixed by their labels).
ArchId CanonicalId(const Spec& s) {
  // Only the edges and labels move: checking and encoding each relabelling from the edge list
  // keeps this hot path (every mutation, every sample) free of Spec copies.
  std::array<std::pair<int, int>, kEdgeSpots> edges{};
  std::size_t num_edges = 0;
  for (int i = 0; i < s.vertices; ++i)
    for (int j = i + 1; j < s.vertices; ++j)
      if (s.matrix[i][j]) edges[num_edges++] = {i, j};
  std::array<int, kMaxV> to{};  // old vertex -> new vertex
  std::iota(to.begin(), to.end(), 0);
  ArchId best = EncodeSpec(s);
  // to[0] (input) and to[vertices - 1] (output) stay fixed.
  while (std::next_permutation(to.begin() + 1, to.begin() + s.vertices - 1)) {
    ArchId id = static_cast<ArchId>(s.vertices - 2);
    bool upper = true;
    for (std::size_t e = 0; e < num_edges && upper; ++e) {
      const int a = to[edges[e].first], b = to[edges[e].second];
      upper = a < b;
      id |= ArchId{1} << (kEdgeBit + PairIndex(std::min(a, b), std::max(a, b)));
    }
    if (!upper) continue;
    for (int k = 1; k + 1 < s.vertices; ++k) {
      id |= static_cast<ArchId>(s.labels[k]) << (kOpBit + 2 * (to[k] - 1));
    }
    best = std::min(best, id);
  }
  return best;
}

std::optional<Spec> DecodeId(ArchId id) {
  Spec s;
  s.vertices = static_cast<int>(id & 7) + 2;
  if (s.vertices > kMaxV || (id >> kIdBits) != 0) return std::nullopt;
  for (int i = 0; i < kMaxV; ++i) {
    for (int j = i + 1; j < kMaxV; ++j) {
      if (!((id >> (kEdgeBit + PairIndex(i, j))) & 1)) continue;
      if (j >= s.vertices) return std::nullopt;
      s.matrix[i][j] = 1;
    }
  }
  s.labels[0] = Nb101Space::kInput;
  s.labels[s.vertices - 1] = Nb101Space::kOutput;
  for (int k = 1; k <= kOpSpots; ++k) {
    const int op = static_cast<int>((id >> (kOpBit + 2 * (k - 1))) & 3);
    if (k + 1 < s.vertices) {
      if (op >= Nb101Space::kNumOps) return std::nullopt;
      s.labels[k] = op;
    } else if (op != 0) {
      return std::nullopt;
    }
  }
  return s;
}

// The spec laid out on 7 vertices, output last, unused vertices edgeless with op 0: the fixed
// positions that encodings and decisions need.
Spec Padded(const Spec& s) {
  Spec p;
  p.vertices = kMaxV;
  auto at = [&](int v) { return v == s.vertices - 1 ? kMaxV - 1 : v; };
  for (int i = 0; i < s.vertices; ++i) {
    p.labels[at(i)] = s.labels[i];
    for (int j = 0; j < s.vertices; ++j) p.matrix[at(i)][at(j)] = s.matrix[i][j];
  }
  for (int v = s.vertices - 1; v < kMaxV - 1; ++v) p.labels[v] = 0;
  return p;
}

std::string Md5Hex(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!EVP_Digest(text.data(), text.size(), digest, &length, EVP_md5(), nullptr)) {
    throw std::runtime_error("nb101: MD5 is unavailable in this OpenSSL");
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace

std::optional<ArchId> Nb101Space::FromSpec(const Spec& spec) {
  if (spec.vertices < 2 || spec.vertices > kMaxVertices) {
    throw ConfigError(
        fmt::format("nb101: a cell has 2 to {} vertices (got {})", kMaxVertices, spec.vertices));
  }
  for (int i = 0; i < spec.vertices; ++i) {
    for (int j = 0; j <= i; ++j) {
      if (spec.matrix[i][j]) {
        throw ConfigError(fmt::format(
            "nb101: the adjacency matrix must be upper-triangular (got an edge {} -> {})", i, j));
      }
    }
    const int label = spec.labels[i];
    const int expected = i == 0 ? kInput : i + 1 == spec.vertices ? kOutput : -3;
    if (expected != -3 ? label != expected : (label < 0 || label >= kNumOps)) {
      throw ConfigError(fmt::format("nb101: vertex {} has label {} (expected {})", i, label,
                                    expected == kInput    ? "input"
                                    : expected == kOutput ? "output"
                                                          : "an op 0 to 2"));
    }
  }
  const auto pruned = Prune(spec);
  if (!pruned) return std::nullopt;
  return CanonicalId(*pruned);
}

Nb101Space::Spec Nb101Space::ToSpec(ArchId arch) {
  const auto spec = DecodeId(arch);
  if (!spec || !Prune(*spec) || Prune(*spec)->vertices != spec->vertices ||
      CanonicalId(*spec) != arch) {
    throw ConfigError(fmt::format("nb101: {} is no architecture id of this space", arch));
  }
  return *spec;
}

std::string Nb101Space::ModuleHash(ArchId arch) {
  const Spec s = ToSpec(arch);
  const int n = s.vertices;
  std::vector<std::string> hashes(n);
  for (int v = 0; v < n; ++v) {
    int in = 0, out = 0;
    for (int w = 0; w < n; ++w) {
      in += s.matrix[w][v];
      out += s.matrix[v][w];
    }
    hashes[v] = Md5Hex(fmt::format("({}, {}, {})", out, in, s.labels[v]));  // Python's str(tuple)
  }
  for (int round = 0; round < n; ++round) {
    std::vector<std::string> next(n);
    for (int v = 0; v < n; ++v) {
      std::vector<std::string> in, out;
      for (int w = 0; w < n; ++w) {
        if (s.matrix[w][v]) in.push_back(hashes[w]);
        if (s.matrix[v][w]) out.push_back(hashes[w]);
      }
      std::sort(in.begin(), in.end());
      std::sort(out.begin(), out.end());
      std::string text;
      for (const auto& h : in) text += h;
      text += "|";
      for (const auto& h : out) text += h;
      next[v] = Md5Hex(text + "|" + hashes[v]);
    }
    hashes = std::move(next);
  }
  std::sort(hashes.begin(), hashes.end());
  std::string list = "[";  // Python's str(list of str)
  for (int v = 0; v < n; ++v) list += (v ? ", '" : "'") + hashes[v] + "'";
  return Md5Hex(list + "]");
}

ArchId Nb101Space::Sample(Rng& rng) const {
  // As NAS-Bench-101's own sampler: a uniform random matrix and ops until the spec is valid. The
  // distribution is uniform over specs, not over isomorphism classes.
  while (true) {
    std::vector<int> choices(NumDecisions());
    for (std::size_t d = 0; d < choices.size(); ++d)
      choices[d] = static_cast<int>(rng.UniformInt(NumChoices(d)));
    if (const auto arch = FromChoices(choices)) return *arch;
  }
}

std::vector<ArchId> Nb101Space::Neighbours(ArchId arch) const {
  // One edge added or removed, one op changed, or (below 7 vertices) one edge split by a new
  // vertex: the last keeps cells that lost vertices to pruning from being stuck below 7.
  const Spec s = ToSpec(arch);
  std::set<ArchId> found;
  auto add = [&](const Spec& t) {
    if (const auto id = FromSpec(t); id && *id != arch) found.insert(*id);
  };
  for (int i = 0; i < s.vertices; ++i) {
    for (int j = i + 1; j < s.vertices; ++j) {
      Spec t = s;
      t.matrix[i][j] ^= 1;
      add(t);
    }
  }
  for (int k = 1; k + 1 < s.vertices; ++k) {
    for (int op = 0; op < kNumOps; ++op) {
      if (op == s.labels[k]) continue;
      Spec t = s;
      t.labels[k] = op;
      add(t);
    }
  }
  if (s.vertices < kMaxVertices) {
    for (int i = 0; i < s.vertices; ++i) {
      for (int j = i + 1; j < s.vertices; ++j) {
        if (!s.matrix[i][j]) continue;
        for (int op = 0; op < kNumOps; ++op) {
          // The new vertex w sits just before j, so every vertex from j on moves up by one.
          Spec t;
          t.vertices = s.vertices + 1;
          auto at = [&](int v) { return v < j ? v : v + 1; };
          for (int a = 0; a < s.vertices; ++a) {
            t.labels[at(a)] = s.labels[a];
            for (int b = 0; b < s.vertices; ++b) t.matrix[at(a)][at(b)] = s.matrix[a][b];
          }
          t.labels[j] = op;
          t.matrix[i][j + 1] = 0;
          t.matrix[i][j] = 1;
          t.matrix[j][j + 1] = 1;
          add(t);
        }
      }
    }
  }
  return {found.begin(), found.end()};
}

ArchId Nb101Space::Mutate(ArchId arch, Rng& rng) const {
  const auto& neighbours = neighbour_cache_.Get(arch, [&] { return Neighbours(arch); });
  return neighbours[rng.UniformInt(neighbours.size())];
}

std::size_t Nb101Space::EncodingSize(Encoding encoding) const {
  switch (encoding) {
    case Encoding::kOneHot:
      return kEdgeSpots + kOpSpots * kNumOps;  // 36
    case Encoding::kPath:
      return 364;  // op sequences of length 0..5: 1 + 3 + 9 + 27 + 81 + 243
  }
  return 0;
}

std::vector<float> Nb101Space::Encode(ArchId arch, Encoding encoding) const {
  const Spec s = ToSpec(arch);
  std::vector<float> x(EncodingSize(encoding), 0.0f);
  if (encoding == Encoding::kOneHot) {
    const Spec p = Padded(s);
    for (int i = 0; i < kMaxV; ++i)
      for (int j = i + 1; j < kMaxV; ++j) x[PairIndex(i, j)] = p.matrix[i][j];
    for (int k = 1; k + 1 < s.vertices; ++k) x[kEdgeSpots + (k - 1) * kNumOps + s.labels[k]] = 1;
    return x;
  }
  // BANANAS's path encoding (White et al., AAAI 2021): one indicator per sequence of ops on an
  // input→output path.
  std::vector<std::pair<int, int>> stack = {{0, 0}};  // (vertex, index of the ops so far)
  std::vector<int> depth_of_stack = {0};
  while (!stack.empty()) {
    const auto [v, code] = stack.back();
    const int depth = depth_of_stack.back();
    stack.pop_back();
    depth_of_stack.pop_back();
    for (int w = v + 1; w < s.vertices; ++w) {
      if (!s.matrix[v][w]) continue;
      if (w == s.vertices - 1) {
        int offset = 0;
        for (int l = 0, p = 1; l < depth; ++l, p *= kNumOps) offset += p;
        x[offset + code] = 1;
      } else {
        stack.emplace_back(w, code * kNumOps + s.labels[w]);
        depth_of_stack.push_back(depth + 1);
      }
    }
  }
  return x;
}

ArchGraph Nb101Space::Graph(ArchId arch) const {
  const Spec s = ToSpec(arch);
  ArchGraph g;
  for (int v = 0; v < s.vertices; ++v) {
    g.node_labels.push_back(v == 0 ? "input" : v + 1 == s.vertices ? "output" : kOps[s.labels[v]]);
    for (int w = v + 1; w < s.vertices; ++w)
      if (s.matrix[v][w]) g.edges.emplace_back(v, w);
  }
  return g;
}

ArchId Nb101Space::Canonical(ArchId arch) const {
  ToSpec(arch);  // ids are canonical already; this checks the id
  return arch;
}

std::string Nb101Space::Format(ArchId arch) const {
  const Spec s = ToSpec(arch);
  std::string text;
  for (int i = 0; i < s.vertices; ++i) {
    if (i) text += '|';
    for (int j = 0; j < s.vertices; ++j) text += s.matrix[i][j] ? '1' : '0';
  }
  text += ';';
  for (int v = 0; v < s.vertices; ++v) {
    if (v) text += ',';
    text += v == 0 ? "input" : v + 1 == s.vertices ? "output" : kOps[s.labels[v]];
  }
  return text;
}

ArchId Nb101Space::Parse(std::string_view text) const {
  const std::string where = "nb101 architecture " + Quote(std::string(text));
  const auto semicolon = text.find(';');
  if (semicolon == std::string_view::npos) {
    throw ConfigError(where +
                      ": expected '<matrix rows separated by |>;<ops separated by ,>' "
                      "(e.g. '011|001|000;input,maxpool3x3,output')");
  }
  std::vector<std::string_view> rows, ops;
  auto split = [](std::string_view s, char sep, std::vector<std::string_view>& out) {
    for (std::size_t start = 0;;) {
      const auto end = s.find(sep, start);
      out.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  };
  split(text.substr(0, semicolon), '|', rows);
  split(text.substr(semicolon + 1), ',', ops);
  Spec spec;
  spec.vertices = static_cast<int>(rows.size());
  if (spec.vertices < 2 || spec.vertices > kMaxVertices || ops.size() != rows.size()) {
    throw ConfigError(
        fmt::format("{}: {} matrix rows and {} ops (expected the same number, 2 to {})", where,
                    rows.size(), ops.size(), kMaxVertices));
  }
  for (int i = 0; i < spec.vertices; ++i) {
    if (rows[i].size() != rows.size()) {
      throw ConfigError(fmt::format("{}: matrix row {} is {} (expected {} digits 0 or 1)", where, i,
                                    Quote(std::string(rows[i])), rows.size()));
    }
    for (int j = 0; j < spec.vertices; ++j) {
      const char c = rows[i][j];
      if (c != '0' && c != '1') {
        throw ConfigError(fmt::format("{}: matrix row {} holds {} (expected 0 or 1)", where, i,
                                      Quote(std::string(1, c))));
      }
      spec.matrix[i][j] = c == '1';
    }
    const std::string op(ops[i]);
    if (op == "input") {
      spec.labels[i] = kInput;
    } else if (op == "output") {
      spec.labels[i] = kOutput;
    } else {
      const auto it = std::find(kOps.begin(), kOps.end(), op);
      if (it == kOps.end()) {
        throw ConfigError(where + ": " + UnknownNameMessage("op", op, {kOps.begin(), kOps.end()}));
      }
      spec.labels[i] = static_cast<int>(it - kOps.begin());
    }
  }
  const auto arch = FromSpec(spec);
  if (!arch) {
    throw ConfigError(fmt::format(
        "{}: not a NAS-Bench-101 cell (no path from input to output, or more than {} edges "
        "after removing vertices off every such path)",
        where, kMaxEdges));
  }
  return *arch;
}

std::size_t Nb101Space::NumDecisions() const { return kEdgeSpots + kOpSpots; }

std::size_t Nb101Space::NumChoices(std::size_t decision) const {
  return decision < static_cast<std::size_t>(kEdgeSpots) ? 2 : kNumOps;
}

std::vector<int> Nb101Space::ToChoices(ArchId arch) const {
  const Spec p = Padded(ToSpec(arch));
  std::vector<int> choices;
  for (int i = 0; i < kMaxV; ++i)
    for (int j = i + 1; j < kMaxV; ++j) choices.push_back(p.matrix[i][j]);
  for (int k = 1; k <= kOpSpots; ++k) choices.push_back(p.labels[k]);
  return choices;
}

std::optional<ArchId> Nb101Space::FromChoices(const std::vector<int>& choices) const {
  if (choices.size() != NumDecisions()) {
    throw ConfigError(fmt::format("nb101: wrong number of choices (got {}; expected {})",
                                  choices.size(), NumDecisions()));
  }
  Spec s;
  s.vertices = kMaxV;
  s.labels[0] = kInput;
  s.labels[kMaxV - 1] = kOutput;
  std::size_t d = 0;
  for (int i = 0; i < kMaxV; ++i) {
    for (int j = i + 1; j < kMaxV; ++j, ++d) {
      if (choices[d] != 0 && choices[d] != 1) {
        throw ConfigError(
            fmt::format("nb101: edge choice {} is {} (expected 0 or 1)", d, choices[d]));
      }
      s.matrix[i][j] = static_cast<std::uint8_t>(choices[d]);
    }
  }
  for (int k = 1; k <= kOpSpots; ++k, ++d) {
    if (choices[d] < 0 || choices[d] >= kNumOps) {
      throw ConfigError(fmt::format("nb101: op choice {} is {} (expected 0 to 2)", d, choices[d]));
    }
    s.labels[k] = choices[d];
  }
  return FromSpec(s);
}

NASKIT_REGISTER_SPACE(
    Nb101Space, NoOptions, "nb101",
    "NAS-Bench-101 cell: DAG of <= 7 vertices, <= 9 edges, 3 ops; 423,624 graphs");

}  // namespace naskit

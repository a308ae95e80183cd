// Suite YAML loading and overrides; see yaml_reader.h.
#include "experiments/yaml_reader.h"

#include <cctype>
#include <filesystem>

#include "core/plugins.h"

namespace naskit {
namespace {

// Finds the child of `node` named by one step of a dotted override key. In lists, a step matches
// the item whose name, label, strategy or predictor equals it, or a numeric index.
YAML::Node Step(YAML::Node node, const std::string& step, const std::string& key) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      YAML::Node item = node[i];
      if (std::to_string(i) == step) return item;
      const YAML::Node& view =
          item;  // const access: operator[] on a non-const node inserts the key
      for (const std::string id : {"name", "label", "strategy", "predictor"}) {
        const bool is_key = id == "strategy" || id == "predictor";  // unless a label names it
        if (view.IsMap() && view[id] && view[id].IsScalar() && view[id].as<std::string>() == step &&
            (!is_key || !view["label"])) {
          return item;
        }
      }
    }
    throw ConfigError("--set " + key + ": no list item named " + Quote(step));
  }
  if (!node.IsMap()) {
    throw ConfigError("--set " + key + ": " + Quote(step) + " is below a value that is " +
                      (node.IsDefined() ? "a single value, not a mapping" : "not in the suite"));
  }
  return node[step];
}

// Whether a YAML alias makes one node reachable from two places: the emitter writes an anchor
// (`&1`) for every such node. (A scalar that holds "&1" only costs line numbers below.)
bool HasAliases(const YAML::Node& root) {
  const std::string text = CanonicalYaml(root);
  for (auto at = text.find('&'); at != std::string::npos; at = text.find('&', at + 1)) {
    if (at + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[at + 1]))) return true;
  }
  return false;
}

// The most values a suite may expand to once its aliases are copied: aliases of aliases grow
// exponentially ("billion laughs").
constexpr std::size_t kMaxExpandedValues = 1000000;

// A copy in which every place holds a node of its own (aliases expanded), so that an override
// changes one place only. The copy's nodes carry no line numbers.
YAML::Node Unshared(const YAML::Node& node, std::size_t& values) {
  if (++values > kMaxExpandedValues) {
    throw ConfigError(fmt::format("--set: the suite's aliases expand to more than {} values",
                                  kMaxExpandedValues));
  }
  if (node.IsSequence() || node.IsMap()) {
    YAML::Node copy(node.IsSequence() ? YAML::NodeType::Sequence : YAML::NodeType::Map);
    for (const auto& item : node) {
      if (node.IsSequence()) {
        copy.push_back(Unshared(item, values));
      } else {
        copy[Unshared(item.first, values)] = Unshared(item.second, values);
      }
    }
    copy.SetStyle(node.Style());
    return copy;
  }
  if (node.IsScalar()) {
    YAML::Node copy(node.Scalar());
    copy.SetTag(node.Tag());  // a quoted "3" stays a string
    return copy;
  }
  return YAML::Node(node.Type());
}

void ApplyOverride(YAML::Node& root, const std::string& override_text) {
  const auto eq = override_text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set: expected key=value (got " + Quote(override_text) + ")");
  }
  const std::string key = override_text.substr(0, eq);
  YAML::Node value;
  try {
    value = YAML::Load(override_text.substr(eq + 1));
  } catch (const YAML::Exception& e) {
    throw ConfigError("--set " + key + ": value is not valid YAML (" + e.msg + ")");
  }
  std::vector<std::string> steps;
  for (std::size_t start = 0, dot;; start = dot + 1) {
    dot = key.find('.', start);
    steps.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
  }
  // Node::reset rebinds; operator= would overwrite the node's content in the tree.
  YAML::Node node;
  node.reset(root);
  for (std::size_t i = 0; i + 1 < steps.size(); ++i) node.reset(Step(node, steps[i], key));
  if (node.IsSequence()) throw ConfigError("--set " + key + ": cannot replace a whole list item");
  Step(node, steps.back(), key) = value;
}

}  // namespace

void YamlReader::LoadPlugins(const YAML::Node& node) const {
  if (!node) return;
  const std::filesystem::path folder = std::filesystem::path(path_).parent_path();
  for (const auto& file : StringList(node, "plugins")) {
    const std::filesystem::path plugin(file);
    try {
      LoadPlugin(plugin.is_absolute() ? file : (folder / plugin).string());
    } catch (const ConfigError& e) {
      Fail(node, "plugins", e.what());
    }
  }
}

YAML::Node LoadSuiteYaml(const std::string& path, const std::vector<std::string>& overrides) {
  if (!std::filesystem::exists(path)) throw ConfigError(path + ": suite file not found");
  if (std::filesystem::is_directory(path)) {
    throw ConfigError(path + ": is a folder, not a suite file (expected a .yaml file)");
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML (" + e.msg +
                      ")");
  } catch (const YAML::BadFile&) {
    throw IoError(path + ": cannot read");
  }
  // `--set` on one of two strategies sharing options through an alias changes that strategy only.
  if (!overrides.empty() && HasAliases(root)) {
    std::size_t values = 0;
    root = Unshared(root, values);
  }
  for (const auto& o : overrides) ApplyOverride(root, o);
  return root;
}

std::string CanonicalYaml(const YAML::Node& root) {
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

}  // namespace naskit

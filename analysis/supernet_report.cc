// The supernets' section of a report; see supernet_report.h.
#include "analysis/supernet_report.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/markdown.h"
#include "analysis/svg_plot.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "records/run_result.h"
#include "records/statistics.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

struct SupernetRecord {
  std::string file, space, method, rule, derived;
  std::vector<std::string> choices;  // the operations, as architecture_weights orders them
  std::int64_t seed = 0;
  double search_seconds = 0, peak_memory_mib = 0;
  std::size_t epochs = 0;
  // [epoch][operation]: the operation's weight, averaged over the cell's edges (empty without
  // architecture weights).
  std::vector<std::vector<double>> operation_weights;
};

SupernetRecord Read(const std::string& file) {
  SupernetRecord r;
  r.file = file;
  try {
    const Json j = Json::parse(ReadFileContents(file));
    r.space = j.at("space").get<std::string>();
    r.method = j.at("method").get<std::string>();
    r.rule = j.at("training_rule").get<std::string>();
    r.seed = j.at("seed").get<std::int64_t>();
    r.search_seconds = j.at("search_seconds").get<double>();
    r.peak_memory_mib = j.at("peak_memory_mib").get<double>();
    r.derived = j.at("derived").is_null() ? "" : j.at("derived").get<std::string>();
    r.epochs = j.at("epochs").size();
    r.choices = j.at("choices").get<std::vector<std::string>>();
    for (const Json& epoch : j.at("epochs")) {
      if (!epoch.contains("architecture_weights")) continue;
      std::vector<double> mean(r.choices.size(), 0.0);
      const Json& edges = epoch.at("architecture_weights");
      for (const Json& edge : edges) {
        if (edge.size() != r.choices.size()) throw std::out_of_range("architecture_weights");
        for (std::size_t op = 0; op < mean.size(); ++op) {
          mean[op] += edge.at(op).get<double>() / static_cast<double>(edges.size());
        }
      }
      r.operation_weights.push_back(mean);
    }
  } catch (const std::exception& e) {
    throw DataError(file + ": not a supernet record of naskit-torch (" + e.what() + ")");
  }
  return r;
}

}  // namespace

std::string SupernetSection(const std::string& results_dir, const std::string& out_dir,
                            std::vector<std::string>& written) {
  const fs::path folder = fs::path(results_dir) / kSupernetsFolder;
  if (!fs::is_directory(folder)) return "";
  std::vector<SupernetRecord> records;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.path().extension() == ".json") records.push_back(Read(entry.path().string()));
  }
  if (records.empty()) return "";
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return std::tie(a.space, a.method, a.rule, a.seed, a.file) <
           std::tie(b.space, b.method, b.rule, b.seed, b.file);
  });
  std::string md =
      "\n## Supernets\n\nEvery supernet the suite trained (`supernets/`): its method, seed and "
      "training rule, the search's seconds (training epochs and the method's derivation, every "
      "session of a resumed training) and peak memory of its worker, and the cell the method "
      "derived (single-path supernets are searched by a strategy instead).\n\n"
      "| space | method | seed | training | epochs | search seconds | peak memory (MiB) | derived "
      "cell |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : records) {
    md += fmt::format("| {} | {} | {} | {} | {} | {:.0f} | {:.0f} | {} |\n", r.space, r.method,
                      r.seed, r.rule, r.epochs, r.search_seconds, r.peak_memory_mib,
                      r.derived.empty() ? "–" : MarkdownCode(r.derived));
  }
  // One figure per space and training rule with architecture weights: seeds give the interval
  // (darts_pt's records repeat darts's training).
  std::map<std::string, std::vector<const SupernetRecord*>> by_rule;
  for (const auto& r : records) {
    if (!r.operation_weights.empty() && r.method != "darts_pt") {
      by_rule[r.space + "_" + r.rule].push_back(&r);
    }
  }
  for (const auto& [rule, runs] : by_rule) {
    PlotSpec plot;
    plot.title = fmt::format("{}: operation weights over epochs ({} runs)", rule, runs.size());
    plot.x_label = "epoch";
    plot.y_label = "softmax weight, mean over the cell's edges";
    std::size_t epochs = 0;
    for (const auto* r : runs) epochs = std::max(epochs, r->operation_weights.size());
    for (std::size_t op = 0; op < runs.front()->choices.size(); ++op) {
      PlotSeries series{runs.front()->choices[op], {}, {}, {}, {}};
      for (std::size_t e = 0; e < epochs; ++e) {
        std::vector<double> values;
        for (const auto* r : runs) {
          values.push_back(e < r->operation_weights.size() ? r->operation_weights[e][op] : NAN);
        }
        const Summary s = Summarise(values, 0, 1);
        series.x.push_back(static_cast<double>(e + 1));
        series.mean.push_back(s.mean);
        series.low.push_back(s.low);
        series.high.push_back(s.high);
      }
      plot.series.push_back(std::move(series));
    }
    const std::string path = fmt::format("{}/plots/supernet_weights__{}.svg", out_dir, rule);
    for (const auto& file : WriteFigure(plot, path)) written.push_back(file);
    md += fmt::format("\n![{}](plots/supernet_weights__{}.svg)\n", plot.title, rule);
  }
  return md;
}

}  // namespace naskit

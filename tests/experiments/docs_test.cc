// experiments/README.md is the reference of suite files and result files: these tests keep it from
// going stale. Every key a suite experiment accepts has a row in its key table and every row is a
// key; every field a search run or a predictor run writes is listed in its result-file table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/job_runner.h"
#include "experiments/predictor_suite.h"
#include "experiments/suite.h"
#include "experiments/suite_runner.h"
#include "tests/fixtures.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

std::string ReadmeSection(const std::string& heading, const std::string& next_heading) {
  std::ifstream in(std::string(NASKIT_SOURCE_DIR) + "/experiments/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  const std::size_t start = all.find(heading);
  EXPECT_NE(start, std::string::npos) << heading;
  const std::size_t end = next_heading.empty() ? all.size() : all.find(next_heading, start);
  return all.substr(start, end - start);
}

// The `names` in the first column of a Markdown table's rows.
std::set<std::string> FirstColumnKeys(const std::string& markdown) {
  std::set<std::string> keys;
  std::istringstream lines(markdown);
  const std::regex code("`([a-z0-9_]+)`");
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("| `")) continue;
    const std::string first = line.substr(2, line.find(" |", 2) - 2);
    for (std::sregex_iterator it(first.begin(), first.end(), code), end; it != end; ++it) {
      keys.insert((*it)[1]);
    }
  }
  return keys;
}

// Every field of `j`, and of its objects one level down, as "field" and "field.sub"; the objects
// keyed by data (datasets, devices, options) are not fields.
void Fields(const nlohmann::json& j, std::set<std::string>& out) {
  static const std::set<std::string> keyed_by_data = {"options", "report", "incumbent_report",
                                                      "best_in_benchmark", "evaluator_options"};
  for (const auto& [key, value] : j.items()) {
    out.insert(key);
    if (!value.is_object() || keyed_by_data.contains(key)) continue;
    for (const auto& [sub, ignored] : value.items()) out.insert(key + "." + sub);
  }
}

bool Documented(const std::string& field, const std::string& section) {
  const std::size_t dot = field.find('.');
  if (dot == std::string::npos) return section.find("`" + field + "`") != std::string::npos;
  // A sub-field is named in its parent's row.
  const std::string parent = "| `" + field.substr(0, dot) + "`";
  const std::size_t row = section.find(parent);
  if (row == std::string::npos) return false;
  const std::string line = section.substr(row, section.find('\n', row) - row);
  return line.find("`" + field.substr(dot + 1) + "`") != std::string::npos;
}

// Checks every field of the result files named `prefix`* below `out_dir` against `section`;
// returns how many files it read.
std::size_t CheckResultFields(const std::string& out_dir, const std::string& prefix,
                              const std::string& section) {
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out_dir)) {
    if (!entry.path().filename().string().starts_with(prefix)) continue;
    ++files;
    std::set<std::string> fields;
    Fields(nlohmann::json::parse(std::ifstream(entry.path())), fields);
    for (const auto& field : fields) {
      EXPECT_TRUE(Documented(field, section)) << field << " of " << entry.path();
    }
  }
  return files;
}

TEST(DocsTest, TheExperimentKeyTableListsEveryKeyAndNoOther) {
  const std::string table = ReadmeSection("| key | default | meaning |", "\nEpochs name");
  std::set<std::string> declared;
  for (const auto& option : DescribeExperimentKeys()) {
    const std::size_t dot = option.key.find('.');
    if (dot == std::string::npos) {
      declared.insert(option.key);
      continue;
    }
    // A key of a nested map (warm_start.pool) appears in its parent's row, as "pool:".
    const std::size_t row = table.find("| `" + option.key.substr(0, dot) + "`");
    ASSERT_NE(row, std::string::npos) << option.key;
    EXPECT_THAT(table.substr(row, table.find('\n', row) - row),
                ::testing::HasSubstr(option.key.substr(dot + 1) + ":"))
        << option.key;
  }
  EXPECT_EQ(FirstColumnKeys(table), declared);
}

TEST(DocsTest, ThePredictorExperimentKeyTableListsEveryKeyAndNoOther) {
  std::set<std::string> declared;
  for (const auto& option : DescribePredictorExperimentKeys()) declared.insert(option.key);
  EXPECT_EQ(
      FirstColumnKeys(ReadmeSection("| experiment key | default | meaning |", "## Result files")),
      declared);
}

TEST(DocsTest, EveryFieldOfASearchResultIsDocumented) {
  RunnerOptions options;
  options.out_dir = testing::TempDir("docs-search");
  options.progress = false;
  // A query budget and a clock, with a guided strategy (its timing parts).
  RunSuite(LoadSuite(testing::WriteSyntheticSuite(testing::SyntheticNb201File(), "0", "[10]",
                                                  {"random", "bananas"})),
           options);
  EXPECT_EQ(CheckResultFields(options.out_dir, "seed-",
                              ReadmeSection("## Result files", "`naskit eval-predictors` writes")),
            4u);
}

TEST(DocsTest, EveryFieldOfAPredictorResultIsDocumented) {
  const std::string dir = testing::TempDir("docs-predictors");
  std::ofstream(dir + "/predictors.yaml")
      << "name: docs\ntrials: 0\npredictors:\n  - predictor: ridge\nexperiments:\n  - name: toy\n"
         "    benchmark: "
      << testing::SyntheticNb201File()
      << "\n    datasets: [toy]\n    metric: test_accuracy\n    train_sizes: [20]\n"
         "    test_size: 50\n";
  RunnerOptions options;
  options.out_dir = dir + "/results";
  options.progress = false;
  RunPredictorSuite(LoadPredictorSuite(dir + "/predictors.yaml"), options);
  EXPECT_EQ(CheckResultFields(options.out_dir, "trial-",
                              ReadmeSection("`naskit eval-predictors` writes", "")),
            1u);
}

}  // namespace
}  // namespace naskit

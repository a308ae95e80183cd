#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "benchmarks_data/csv_table.h"
#include "benchmarks_data/importers/nb201_importer.h"
#include "core/errors.h"
#include "spaces/nb201/nb201_space.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;
namespace fs = std::filesystem;

const char* const kFiles[] = {"nb201.csv", "nb201_latency_ms.csv", "nb201_zero_cost.csv",
                              "nb201_train_time_1k.csv"};

// A copy of the shared CSV folder in which `edit` rewrites the lines of `file`.
std::string CopyWithEdit(const std::string& source, const std::string& file,
                         const std::function<void(std::vector<std::string>&)>& edit) {
  std::string dir = testing::TempDir("import");
  for (const char* f : kFiles) {
    std::ifstream in(source + "/" + f);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    if (file == f) edit(lines);
    std::ofstream out(dir + "/" + f);
    for (const auto& line : lines) out << line << "\n";
  }
  return dir;
}

TEST(Nb201ImporterTest, ImportsThePublishedValues) {
  NASKIT_REQUIRE_NB201(path);
  const auto b = TabularBenchmark::Open(path);
  EXPECT_EQ(b.NumRows(), 15625u);
  const std::size_t row = b.RowOfIndex(6111);
  EXPECT_FLOAT_EQ(static_cast<float>(*b.Query(row, "cifar10", "test_accuracy", 200)), 94.3733f);
  // Index 0 is the cell the public order puts first, not the all-none cell.
  EXPECT_EQ(b.space().Format(b.data().archs[b.RowOfIndex(0)]),
            "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_"
            "connect~2|");
  EXPECT_EQ(b.Datasets(), (std::vector<std::string>{"cifar10", "cifar100", "imagenet16-120"}));
  EXPECT_TRUE(b.Query(row, "cifar10", "valid_accuracy", 12).has_value());
  EXPECT_EQ(b.Get("hardware/pixel3/latency_ms").values.size(), 15625u);
  EXPECT_EQ(b.Get("cost/cifar10/train_seconds").epochs, (std::vector<int>{12, 200}));
  // 200-epoch validation accuracy exists only for the 491 cells of the zero-cost file.
  int measured = 0;
  for (std::size_t r = 0; r < b.NumRows(); ++r)
    measured += b.Query(r, "cifar10", "valid_accuracy", 200).has_value();
  EXPECT_EQ(measured, 491);
}

TEST(Nb201ImporterTest, MalformedInputNamesFileLineAndColumn) {
  NASKIT_REQUIRE_SHARED(csv, "derived/nb201.csv");
  const std::string source = fs::path(csv).parent_path().string();
  struct Case {
    const char* file;
    std::function<void(std::vector<std::string>&)> edit;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"nb201.csv", [](auto& l) { l.pop_back(); },
       "nb201.csv: has 15624 data rows (expected 15625)"},
      {"nb201.csv", [](auto& l) { l[3].replace(l[3].find("nor_conv_3x3"), 12, "nor_conv_5x5"); },
       "nb201.csv:4: column \"arch_str\": nb201 architecture"},
      {"nb201.csv", [](auto& l) { l[2] = l[2].substr(0, l[2].rfind(',')) + ",abc"; },
       "nb201.csv:3: column \"imagenet16_test12\": not a number (got \"abc\")"},
      {"nb201.csv", [](auto& l) { l[2] = l[2].substr(0, l[2].rfind(',')) + ",101"; },
       "nb201.csv:3: column \"imagenet16_test12\": value out of range"},
      {"nb201.csv", [](auto& l) { l[6] = "4" + l[6].substr(l[6].find(',')); },
       "nb201.csv:7: column \"index\": duplicate index 4"},
      {"nb201.csv", [](auto& l) { l[0].replace(l[0].find("cifar10_test200"), 15, "c10_test200"); },
       "nb201.csv:1: missing column \"cifar10_test200\""},
      {"nb201_latency_ms.csv", [](auto& l) { l[10] += ",1"; },
       "nb201_latency_ms.csv:11: row has 29 cells (expected 28"},
      {"nb201_zero_cost.csv", [](auto& l) { l[1].replace(0, l[1].find(','), "cifar11"); },
       "nb201_zero_cost.csv:2: column \"dataset\": unknown dataset \"cifar11\""},
      {"nb201_train_time_1k.csv", [](auto& l) { l[7] = "99999" + l[7].substr(l[7].find(',')); },
       "nb201_train_time_1k.csv:8: column \"index\": index out of range (got 99999"},
  };
  for (const auto& c : cases) {
    const std::string dir = CopyWithEdit(source, c.file, c.edit);
    EXPECT_THAT([&] { ImportNb201(dir); }, ThrowsMessage<DataError>(HasSubstr(c.message)))
        << c.message;
  }
  EXPECT_THAT([] { ImportNb201("/nonexistent"); },
              ThrowsMessage<ConfigError>(
                  HasSubstr("/nonexistent: source file \"derived/nb201.csv\" not found")));
}

}  // namespace
}  // namespace naskit

namespace naskit {
namespace {

// What naskit writes as CSV reads back unchanged, whatever a cell holds (NB101's and DARTS's
// architecture strings hold commas).
TEST(CsvCellTest, RoundTripsThroughTheReader) {
  const std::vector<std::string> cells = {"plain", "0101|0011;input,conv3x3-bn-relu,output",
                                          "[[(0, 4), (1, 4)]]", "say \"hi\"", ""};
  std::string text = "a,b,c,d,e\n";
  for (std::size_t i = 0; i < cells.size(); ++i) text += (i ? "," : "") + CsvCell(cells[i]);
  const std::string path = testing::TempDir("csv-cell") + "/cells.csv";
  std::ofstream(path) << text << "\n";
  const CsvTable table = CsvTable::Read(path);
  ASSERT_EQ(table.NumRows(), 1u);
  for (std::size_t i = 0; i < cells.size(); ++i) EXPECT_EQ(table.Cell(0, i), cells[i]);
  EXPECT_EQ(CsvCell("plain"), "plain");
}

}  // namespace
}  // namespace naskit

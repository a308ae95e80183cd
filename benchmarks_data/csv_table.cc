// Strict CSV reading for importers; see csv_table.h.
#include "benchmarks_data/csv_table.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace naskit {
namespace {

std::vector<std::string> SplitCells(const std::string& path, std::size_t line_number,
                                    std::string_view line) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cells.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cells.back() += c;
      }
    } else if (c == '"' && cells.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      cells.emplace_back();
    } else {
      cells.back() += c;
    }
  }
  if (quoted) {
    throw DataError(path + ":" + std::to_string(line_number) + ": unterminated quote");
  }
  return cells;
}

}  // namespace

std::string CsvCell(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string cell = "\"";
  for (const char c : text) {
    if (c == '"') cell += '"';
    cell += c;
  }
  return cell + '"';
}

CsvTable CsvTable::Read(const std::string& path) {
  if (!std::filesystem::exists(path)) throw ConfigError(path + ": file not found");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot read");
  CsvTable table;
  table.path_ = path;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto cells = SplitCells(path, line_number, line);
    if (table.header_.empty()) {
      table.header_ = std::move(cells);
      continue;
    }
    if (cells.size() != table.header_.size()) {
      throw DataError(path + ":" + std::to_string(line_number) + ": row has " +
                      std::to_string(cells.size()) + " cells (expected " +
                      std::to_string(table.header_.size()) + ", as the header)");
    }
    table.rows_.push_back(std::move(cells));
    table.lines_.push_back(line_number);
  }
  if (table.header_.empty()) throw DataError(path + ": empty file (expected a header row)");
  return table;
}

bool CsvTable::HasColumn(const std::string& name) const {
  for (const auto& h : header_) {
    if (h == name) return true;
  }
  return false;
}

std::size_t CsvTable::Column(const std::string& name) const {
  for (std::size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  throw DataError(path_ +
                  ":1: " + UnknownNameMessage("column", name, header_).replace(0, 7, "missing"));
}

void CsvTable::Fail(std::size_t row, std::size_t column, const std::string& what) const {
  throw DataError(path_ + ":" + std::to_string(lines_[row]) + ": column " + Quote(header_[column]) +
                  ": " + what);
}

double CsvTable::Real(std::size_t row, std::size_t column) const {
  const std::string& text = rows_[row][column];
  if (text.empty()) return std::nan("");
  double value;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) Fail(row, column, "not a number (got " + Quote(text) + ")");
  return value;
}

long long CsvTable::Integer(std::size_t row, std::size_t column) const {
  const std::string& text = rows_[row][column];
  long long value;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    Fail(row, column, "not an integer (got " + Quote(text) + ")");
  }
  return value;
}

}  // namespace naskit

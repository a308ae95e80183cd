// A strict reader of the plain CSV files that importers take: a header row, comma-separated cells,
// optional double quotes. Every error names the file, the line and the column. CsvCell writes a
// cell that this reader (and any RFC 4180 reader) reads back unchanged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace naskit {

// `text` as one CSV cell: as it is, or double-quoted (quotes doubled) where it holds a comma, a
// quote or a line break (NB101 and DARTS architecture strings hold commas).
std::string CsvCell(std::string_view text);

class CsvTable {
 public:
  // Throws ConfigError if the file is missing, DataError if a row has the wrong number of cells.
  static CsvTable Read(const std::string& path);

  const std::string& path() const { return path_; }
  std::size_t NumRows() const { return rows_.size(); }
  const std::vector<std::string>& header() const { return header_; }
  // The position of `name` in the header; throws DataError listing the columns there are.
  std::size_t Column(const std::string& name) const;
  bool HasColumn(const std::string& name) const;

  const std::string& Cell(std::size_t row, std::size_t column) const { return rows_[row][column]; }
  // The 1-based line of the file that `row` came from, for messages.
  std::size_t Line(std::size_t row) const { return lines_[row]; }

  // Parsers that throw DataError naming file, line, column and the text found. An empty cell is NaN
  // for Real() and an error for Integer().
  double Real(std::size_t row, std::size_t column) const;
  long long Integer(std::size_t row, std::size_t column) const;
  [[noreturn]] void Fail(std::size_t row, std::size_t column, const std::string& what) const;

 private:
  std::string path_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> lines_;
};

}  // namespace naskit

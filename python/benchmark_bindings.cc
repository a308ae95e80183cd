// naskit.Benchmark and naskit.Table: a benchmark file's tables as NumPy arrays that view the
// loaded data (no copy; each array keeps its benchmark alive), and vectorised lookups.
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "python/bindings.h"

namespace naskit::python {
namespace {

// A read-only array over `data` owned by `owner`.
template <class T>
py::array View(const T* data, std::vector<py::ssize_t> shape, const py::handle& owner) {
  py::array out(py::dtype::of<T>(), std::move(shape), data, owner);
  py::detail::array_proxy(out.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return out;
}

// The rows of `archs` in `benchmark`, -1 where it has none.
std::vector<std::int64_t> RowsOf(const TabularBenchmark& benchmark,
                                 const std::vector<ArchId>& archs) {
  std::vector<std::int64_t> rows(archs.size());
  for (std::size_t i = 0; i < archs.size(); ++i) {
    const auto row = benchmark.RowOf(archs[i]);
    rows[i] = row ? static_cast<std::int64_t>(*row) : -1;
  }
  return rows;
}

}  // namespace

void BindBenchmark(py::module_& m) {
  py::class_<Table>(m, "Table", "One table of a benchmark: rows are its architectures.")
      .def_property_readonly(
          "values",
          [](const py::object& self) {
            const auto& t = self.cast<const Table&>();
            return View(t.values.data(),
                        {static_cast<py::ssize_t>(t.values.size() / t.columns),
                         static_cast<py::ssize_t>(t.columns)},
                        self);  // the Table keeps its Benchmark alive (reference_internal)
          },
          "[rows, columns] float32, read-only, a view of the loaded file (seeds averaged).")
      .def_property_readonly(
          "per_seed",
          [](const py::object& self) -> py::object {
            const auto& t = self.cast<const Table&>();
            if (t.per_seed.empty()) return py::none();
            return View(t.per_seed.data(),
                        {static_cast<py::ssize_t>(t.per_seed.size() / (t.columns * t.seeds)),
                         static_cast<py::ssize_t>(t.columns), static_cast<py::ssize_t>(t.seeds)},
                        self);
          },
          "[rows, columns, seeds] float32 where the file records seeds separately, else None.")
      .def_readonly("epochs", &Table::epochs, "The training length of each column (empty: none).")
      .def_readonly("attrs", &Table::attrs, "unit, split, aggregation, description, ...")
      .def_readonly("columns", &Table::columns)
      .def_readonly("seeds", &Table::seeds)
      .def(
          "column", [](const Table& t, int epochs) { return t.ColumnOf(epochs, "table"); },
          py::arg("epochs") = 0, "The column of `epochs` (0: the last).");

  py::class_<TabularBenchmark, std::shared_ptr<TabularBenchmark>>(
      m, "Benchmark", "A naskit benchmark file (HDF5), loaded whole: every lookup is in memory.")
      .def_property_readonly("path", &TabularBenchmark::path)
      .def_property_readonly("attrs", [](const TabularBenchmark& b) { return b.data().attrs; })
      .def_property_readonly("name", [](const TabularBenchmark& b) { return b.Attr("name"); })
      .def_property_readonly("space", &TabularBenchmark::space,
                             py::return_value_policy::reference_internal)
      .def_property_readonly("checksum", &TabularBenchmark::checksum)
      .def("__len__", &TabularBenchmark::NumRows)
      .def_property_readonly(
          "archs",
          [](const py::object& self) {
            const auto& b = self.cast<const TabularBenchmark&>();
            return View(b.data().archs.data(), {static_cast<py::ssize_t>(b.NumRows())}, self);
          },
          "The space's id of each row (uint64, read-only view).")
      .def("datasets", &TabularBenchmark::Datasets)
      .def("metrics", &TabularBenchmark::Metrics, py::arg("dataset"))
      .def(
          "tables",
          [](const TabularBenchmark& b) {
            std::vector<std::string> keys;
            for (const auto& [key, table] : b.data().tables) keys.push_back(key);
            return keys;
          },
          "Every table's path, e.g. \"metrics/cifar10/valid_accuracy\".")
      .def("table", &TabularBenchmark::Get, py::arg("path"),
           py::return_value_policy::reference_internal)
      .def("metric", &TabularBenchmark::Metric, py::arg("dataset"), py::arg("metric"),
           py::return_value_policy::reference_internal)
      .def(
          "rows",
          [](const TabularBenchmark& b, const py::object& archs) {
            const std::vector<ArchId> ids = ToArchs(archs);
            py::gil_scoped_release release;
            std::vector<std::int64_t> rows = RowsOf(b, ids);
            py::gil_scoped_acquire acquire;
            return py::array_t<std::int64_t>(static_cast<py::ssize_t>(rows.size()), rows.data());
          },
          py::arg("archs"), "The row of each architecture, -1 where the file has none.")
      .def(
          "query",
          [](const TabularBenchmark& b, const py::object& archs, const std::string& dataset,
             const std::string& metric, int epochs) {
            const Table& table = b.Metric(dataset, metric);
            const std::size_t column =
                table.ColumnOf(epochs, "metric " + Quote(dataset + "/" + metric));
            const std::vector<ArchId> ids = ToArchs(archs);
            py::array_t<float> out(static_cast<py::ssize_t>(ids.size()));
            float* values = out.mutable_data();
            {
              py::gil_scoped_release release;
              for (std::size_t i = 0; i < ids.size(); ++i) {
                const auto row = b.RowOf(ids[i]);
                values[i] = row ? table.At(*row, column) : std::numeric_limits<float>::quiet_NaN();
              }
            }
            return out;
          },
          py::arg("archs"), py::arg("dataset"), py::arg("metric"), py::arg("epochs") = 0,
          "`metric` on `dataset` after `epochs` (0: the last recorded) for each architecture; NaN "
          "where the file records none.")
      .def("__repr__", [](const TabularBenchmark& b) {
        return "<naskit.Benchmark " + b.Attr("name") + " (" + b.space().Name() + ", " +
               std::to_string(b.NumRows()) + " architectures) from " + b.path() + ">";
      });

  m.def(
      "open_benchmark",
      [](const std::string& path) {
        py::gil_scoped_release release;
        return std::make_shared<TabularBenchmark>(TabularBenchmark::Open(path));
      },
      py::arg("path"), "Loads a naskit benchmark file (.h5).");
}

}  // namespace naskit::python

// The pieces of the `naskit._naskit` extension module (pybind11), one function per part of the C++
// API it exposes; module.cc calls them in order. Python's own layer (python/naskit/*.py) adds what
// is easier there: DataFrames, result folders, plots.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <vector>

#include "spaces/search_space.h"

namespace naskit::python {

namespace py = pybind11;

// Architectures as Python passes them: an int or any sequence or array of ints. Throws
// py::type_error otherwise.
std::vector<ArchId> ToArchs(const py::handle& archs);
// The same as a NumPy uint64 array.
py::array_t<ArchId> ToArray(const std::vector<ArchId>& archs);

void BindCore(py::module_& m);           // errors, Rng, registries (module.cc)
void BindSpaces(py::module_& m);         // Space (module.cc)
void BindBenchmark(py::module_& m);      // Benchmark, Table (benchmark_bindings.cc)
void BindPredictors(py::module_& m);     // Predictor (search_bindings.cc)
void BindSearch(py::module_& m);         // search(), run_suite(), report() (search_bindings.cc)
void BindPythonPlugins(py::module_& m);  // register_predictor/strategy (python_plugins.cc)

}  // namespace naskit::python

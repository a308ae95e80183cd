// `import naskit`: the extension module over naskit's C++ core. The same registries, spaces and
// benchmark files as the command line, in the same process: no second implementation.
#include <pybind11/stl.h>

#include <string>

#include "core/errors.h"
#include "core/plugins.h"
#include "core/rng.h"
#include "experiments/catalog.h"
#include "python/bindings.h"

namespace naskit::python {

std::vector<ArchId> ToArchs(const py::handle& archs) {
  // Python ints and NumPy's integer scalars (anything with __index__).
  if (PyIndex_Check(archs.ptr()) && !py::isinstance<py::array>(archs)) {
    return {py::reinterpret_steal<py::int_>(PyNumber_Index(archs.ptr())).cast<ArchId>()};
  }
  if (py::isinstance<py::array>(archs)) {
    const auto given = py::reinterpret_borrow<py::array>(archs);
    const char kind = given.dtype().kind();
    if (kind != 'u' && kind != 'i') {
      throw py::type_error("architectures: expected integer ids, got an array of dtype " +
                           py::str(given.dtype()).cast<std::string>());
    }
    const auto ids = py::array_t<ArchId, py::array::c_style | py::array::forcecast>(given);
    if (kind == 'i') {
      const auto signed_ids =
          py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>(given);
      for (py::ssize_t i = 0; i < signed_ids.size(); ++i) {
        if (signed_ids.data()[i] < 0) throw py::value_error("architectures: negative id");
      }
    }
    return std::vector<ArchId>(ids.data(), ids.data() + ids.size());
  }
  if (py::isinstance<py::sequence>(archs) && !py::isinstance<py::str>(archs)) {
    std::vector<ArchId> out;
    for (const auto& item : archs) out.push_back(item.cast<ArchId>());
    return out;
  }
  throw py::type_error("architectures: expected an int or a sequence of ints, got " +
                       py::str(py::type::of(archs)).cast<std::string>());
}

py::array_t<ArchId> ToArray(const std::vector<ArchId>& archs) {
  return py::array_t<ArchId>(static_cast<py::ssize_t>(archs.size()), archs.data());
}

namespace {

Encoding ParseEncoding(const std::string& name) {
  if (name == "onehot") return Encoding::kOneHot;
  if (name == "path") return Encoding::kPath;
  throw ConfigError("encoding " + Quote(name) + ": expected \"onehot\" or \"path\"");
}

// An Rng from what a Python caller passes: a naskit.Rng (advanced in place) or a seed.
Rng& RngOf(const py::object& rng, Rng& storage) {
  if (py::isinstance<Rng>(rng)) return rng.cast<Rng&>();
  storage = Rng(rng.cast<std::uint64_t>());
  return storage;
}

py::dict OptionDict(const OptionInfo& o) {
  py::dict d;
  d["key"] = o.key;
  d["type"] = o.type;
  d["default"] = o.default_value;
  d["help"] = o.help;
  d["constraint"] = o.constraint;
  d["required"] = o.required;
  return d;
}

}  // namespace

void BindCore(py::module_& m) {
  // The C++ errors keep their messages (which name the file, key or token) and become Python
  // exceptions of the matching built-in kind.
  py::register_exception<ConfigError>(m, "ConfigError", PyExc_ValueError);
  py::register_exception<DataError>(m, "DataError", PyExc_RuntimeError);
  py::register_exception<IoError>(m, "IoError", PyExc_OSError);

  py::class_<Rng>(m, "Rng", "naskit's random stream (xoshiro256**): the same draws as in C++.")
      .def(py::init<std::uint64_t>(), py::arg("seed"))
      .def(
          "derive", [](const Rng& r, const std::string& purpose) { return r.Derive(purpose); },
          py::arg("purpose"), "An independent stream for `purpose`.")
      .def("uniform_int", &Rng::UniformInt, py::arg("bound"), "Uniform in [0, bound).")
      .def("uniform", &Rng::UniformReal, "Uniform in [0, 1).");

  m.def(
      "plugins",
      [](const std::string& kind) {
        py::dict out;
        for (const auto& entry : FindKind(kind).entries) out[py::str(entry.key)] = entry.summary;
        return out;
      },
      py::arg("kind"),
      "The registered plugins of `kind` (spaces, strategies, predictors, importers, evaluators, "
      "scalarizations) as {key: summary}.");
  m.def("load_plugin", &LoadPlugin, py::arg("path"),
        "Loads a plugin library (.so) of spaces, strategies, predictors or evaluators, as "
        "`naskit --plugin`: its keys join the registries (naskit.ConfigError naming the file if it "
        "cannot be loaded or registers a key naskit already has).");
  m.def(
      "describe",
      [](const std::string& kind, const std::string& key) {
        const CatalogKind found = FindKind(kind);
        const CatalogEntry& entry = FindEntry(found, key);
        py::list options;
        for (const auto& o : entry.options) options.append(OptionDict(o));
        py::dict d;
        d["kind"] = found.singular;
        d["key"] = entry.key;
        d["summary"] = entry.summary;
        d["options"] = options;
        return d;
      },
      py::arg("kind"), py::arg("key"), "A plugin's summary and options, as `naskit describe`.");
}

void BindSpaces(py::module_& m) {
  // Spaces live as long as the process (GetSpace) or their benchmark (keep_alive there).
  py::class_<SearchSpace, std::unique_ptr<SearchSpace, py::nodelete>>(
      m, "Space", "A search space: architectures are integer ids; strings are for people.")
      .def_property_readonly("name", &SearchSpace::Name)
      .def_property_readonly("size", &SearchSpace::Size, "Number of architectures.")
      .def_property_readonly("dense", &SearchSpace::Dense,
                             "Whether the ids are exactly 0 .. size-1.")
      .def(
          "sample",
          [](const SearchSpace& s, const py::object& rng, const py::object& n) -> py::object {
            Rng storage(0);
            Rng& r = RngOf(rng, storage);
            if (n.is_none()) return py::int_(s.Sample(r));
            std::vector<ArchId> archs(n.cast<std::size_t>());
            for (ArchId& a : archs) a = s.Sample(r);
            return ToArray(archs);
          },
          py::arg("rng") = 0, py::arg("n") = py::none(),
          "One architecture (or an array of `n`) drawn uniformly; `rng` is a naskit.Rng or a seed.")
      .def(
          "mutate",
          [](const SearchSpace& s, ArchId arch, const py::object& rng) {
            Rng storage(0);
            return s.Mutate(arch, RngOf(rng, storage));
          },
          py::arg("arch"), py::arg("rng"), "A random neighbour: one decision changed.")
      .def(
          "neighbours",
          [](const SearchSpace& s, ArchId arch) { return ToArray(s.Neighbours(arch)); },
          py::arg("arch"))
      .def(
          "encode",
          [](const SearchSpace& s, const py::object& archs, const std::string& encoding) {
            const Encoding e = ParseEncoding(encoding);
            const std::vector<ArchId> ids = ToArchs(archs);
            const std::size_t width = s.EncodingSize(e);
            py::array_t<float> out({ids.size(), width});
            float* data = out.mutable_data();
            for (std::size_t i = 0; i < ids.size(); ++i) {
              const std::vector<float> x = s.Encode(ids[i], e);
              std::copy(x.begin(), x.end(), data + i * width);
            }
            return out;
          },
          py::arg("archs"), py::arg("encoding") = "onehot",
          "Feature matrix [len(archs), width]: \"onehot\" or BANANAS's \"path\" encoding.")
      .def("format", &SearchSpace::Format, py::arg("arch"), "The architecture as a string.")
      .def("parse", &SearchSpace::Parse, py::arg("text"),
           "The id of an architecture string (naskit.ConfigError naming the token otherwise).")
      .def("canonical", &SearchSpace::Canonical, py::arg("arch"))
      .def_property_readonly("num_decisions", &SearchSpace::NumDecisions)
      .def("num_choices", &SearchSpace::NumChoices, py::arg("decision"))
      .def("choices", &SearchSpace::ToChoices, py::arg("arch"), "One choice index per decision.")
      .def("from_choices", &SearchSpace::FromChoices, py::arg("choices"),
           "The architecture of these choices, or None where they make none.")
      .def(
          "graph",
          [](const SearchSpace& s, ArchId arch) {
            const ArchGraph g = s.Graph(arch);
            return py::make_tuple(g.node_labels, g.edges);
          },
          py::arg("arch"), "(node labels, edges): the DAG a GNN predictor reads.")
      .def("__repr__", [](const SearchSpace& s) {
        return "<naskit.Space " + s.Name() + ": " + std::to_string(s.Size()) + " architectures>";
      });
  m.def("space", &GetSpace, py::arg("key"), py::return_value_policy::reference,
        "The registered space `key` (naskit.plugins(\"spaces\")).");
}

}  // namespace naskit::python

PYBIND11_MODULE(_naskit, m) {
  m.doc() = "naskit's C++ core; use it through the `naskit` package.";
  m.attr("__version__") = NASKIT_VERSION;
  naskit::python::BindCore(m);
  naskit::python::BindSpaces(m);
  naskit::python::BindBenchmark(m);
  naskit::python::BindPredictors(m);
  naskit::python::BindSearch(m);
  naskit::python::BindPythonPlugins(m);
}

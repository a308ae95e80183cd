// Strategies and predictors written in Python, registered in the same registries as the C++ ones:
// a suite or naskit.search() run from Python uses them by key. Every call into Python takes the
// GIL, so a run with several jobs calls them one at a time (their cost is documented in
// python/README.md).
#include <pybind11/stl.h>

#include <memory>
#include <string>

#include "core/errors.h"
#include "core/names.h"
#include "predictors/predictor.h"
#include "python/bindings.h"
#include "strategies/search_strategy.h"

namespace naskit::python {
namespace {

// What a Python plugin's constructor receives besides its options.
struct PluginContext {
  const SearchSpace* space = nullptr;
  Rng rng{0};
  std::vector<int> fidelities{0};
  std::size_t default_fidelity = 0;
  std::string dataset;
};

// One observation as Python sees it (a copy: Observation's objectives live during Tell only).
struct PyObservation {
  ArchId arch = 0;
  std::size_t fidelity = 0;
  double signal = 0;
  std::vector<double> objectives;
  bool feasible = true;
};

// Runs `call` with the GIL held and turns a Python exception into a C++ one that names the
// plugin (py::error_already_set must not outlive the GIL).
template <class Call>
auto CallPython(const std::string& owner, const char* method, Call call) {
  py::gil_scoped_acquire gil;
  try {
    return call();
  } catch (py::error_already_set& e) {
    throw std::runtime_error(owner + "." + method + "() raised " + e.what());
  } catch (const py::cast_error& e) {
    throw std::runtime_error(owner + "." + method + "() returned the wrong type: " + e.what());
  }
}

// A Python object whose last reference may be dropped without the GIL.
class PyHandle {
 public:
  explicit PyHandle(py::object object) : object_(std::move(object)) {}
  PyHandle(const PyHandle&) = delete;
  PyHandle& operator=(const PyHandle&) = delete;
  ~PyHandle() {
    if (!Py_IsInitialized()) {
      object_.release();  // the interpreter is gone: nothing to release
      return;
    }
    py::gil_scoped_acquire gil;
    object_ = py::object();
  }
  const py::object& get() const { return object_; }

 private:
  py::object object_;
};

class PythonPredictor final : public Predictor {
 public:
  PythonPredictor(py::object impl, std::string owner, bool needs_fit, bool uncertainty)
      : impl_(std::move(impl)), owner_(std::move(owner)), needs_fit_(needs_fit) {
    has_uncertainty_ = uncertainty;
  }
  bool NeedsFit() const override { return needs_fit_; }
  void Fit(std::span<const ArchId> archs, std::span<const double> targets,
           std::uint64_t seed) override {
    CallPython(owner_, "fit", [&] {
      impl_.get().attr("fit")(
          ToArray({archs.begin(), archs.end()}),
          py::array_t<double>(static_cast<py::ssize_t>(targets.size()), targets.data()), seed);
    });
  }
  Prediction Predict(std::span<const ArchId> archs) const override {
    return CallPython(owner_, "predict", [&] {
      const py::object result = impl_.get().attr("predict")(ToArray({archs.begin(), archs.end()}));
      Prediction p;
      auto values = [](const py::handle& h) {
        const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(h);
        if (!a) throw py::cast_error("expected an array of numbers");
        return std::vector<double>(a.data(), a.data() + a.size());
      };
      if (py::isinstance<py::tuple>(result)) {
        const auto pair = result.cast<py::tuple>();
        if (pair.size() != 2) throw py::cast_error("expected mean or (mean, std)");
        p.mean = values(pair[0]);
        if (!pair[1].is_none()) p.stddev = values(pair[1]);
      } else {
        p.mean = values(result);
      }
      return p;  // Predictor::Guarded checks the sizes
    });
  }

 private:
  PyHandle impl_;
  std::string owner_;
  bool needs_fit_;
};

class PythonStrategy final : public SearchStrategy {
 public:
  PythonStrategy(py::object impl, std::string owner, std::size_t default_fidelity)
      : impl_(std::move(impl)), owner_(std::move(owner)), default_fidelity_(default_fidelity) {}

  std::vector<Proposal> Ask(std::size_t n) override {
    return CallPython(owner_, "ask", [&] {
      std::vector<Proposal> proposals;
      for (const auto& item : impl_.get().attr("ask")(n)) {
        if (py::isinstance<py::tuple>(item)) {
          const auto pair = item.cast<py::tuple>();
          if (pair.size() != 2) throw py::cast_error("expected arch or (arch, fidelity) items");
          proposals.push_back({pair[0].cast<ArchId>(), pair[1].cast<std::size_t>()});
        } else {
          proposals.push_back({item.cast<ArchId>(), default_fidelity_});
        }
      }
      return proposals;
    });
  }
  void Tell(std::span<const Observation> results) override {
    std::vector<PyObservation> copies;
    for (const auto& r : results) {
      copies.push_back({r.proposal.arch,
                        r.proposal.fidelity,
                        r.signal,
                        {r.objectives.begin(), r.objectives.end()},
                        r.feasible});
    }
    CallPython(owner_, "tell", [&] { impl_.get().attr("tell")(copies); });
  }
  bool MayRepeat() const override {
    return CallPython(owner_, "may_repeat", [&] {
      return py::hasattr(impl_.get(), "may_repeat") && impl_.get().attr("may_repeat").cast<bool>();
    });
  }

 private:
  PyHandle impl_;
  std::string owner_;
  std::size_t default_fidelity_;
};

// The declared options: {name: default}; the default's Python type is the option's type.
std::vector<OptionInfo> DeclaredOptions(const py::dict& defaults) {
  std::vector<OptionInfo> infos;
  for (const auto& [name, value] : defaults) {
    OptionInfo info;
    info.key = name.cast<std::string>();
    if (py::isinstance<py::bool_>(value)) {
      info.type = "bool";
      info.default_value = value.cast<bool>() ? "true" : "false";
    } else if (py::isinstance<py::int_>(value)) {
      info.type = "int";
      info.default_value = py::str(value);
    } else if (py::isinstance<py::float_>(value)) {
      info.type = "real";
      info.default_value = py::str(value);
    } else if (py::isinstance<py::str>(value)) {
      info.type = "string";
      info.default_value = value.cast<std::string>();
    } else {
      throw py::type_error("option " + Quote(info.key) +
                           ": a default must be a bool, int, float or str");
    }
    infos.push_back(info);
  }
  return infos;
}

// `values` checked against the declared options (unknown keys and unparsable values are
// ConfigErrors naming `owner`), defaults filled in.
OptionValues Resolve(const std::string& owner, const std::vector<OptionInfo>& infos,
                     const OptionValues& values) {
  OptionValues resolved;
  for (const auto& info : infos) resolved[info.key] = info.default_value;
  for (const auto& entry : values) {
    // Named, not a structured binding: the lambdas below capture them.
    const std::string& key = entry.first;
    const std::string& value = entry.second;
    const auto info =
        std::find_if(infos.begin(), infos.end(), [&](const OptionInfo& i) { return i.key == key; });
    if (info == infos.end()) {
      std::vector<std::string> known;
      for (const auto& i : infos) known.push_back(i.key);
      throw ConfigError(owner + ": " + UnknownNameMessage("option", key, known));
    }
    const auto bad = [&] {
      return ConfigError(owner + ": option " + Quote(key) + " is not " +
                         (info->type == "int" ? "an int" : "a " + info->type) + " (got " +
                         Quote(value) + ")");
    };
    if (info->type == "bool" && value != "true" && value != "false") throw bad();
    if (info->type == "int" || info->type == "real") {
      std::size_t used = 0;
      try {
        if (info->type == "int") {
          (void)std::stoll(value, &used);
        } else {
          (void)std::stod(value, &used);
        }
      } catch (const std::exception&) {
        throw bad();
      }
      if (used != value.size()) throw bad();
    }
    resolved[key] = value;
  }
  return resolved;
}

py::dict TypedOptions(const std::vector<OptionInfo>& infos, const OptionValues& resolved) {
  py::dict out;
  for (const auto& info : infos) {
    const std::string& text = resolved.at(info.key);
    if (info.type == "bool") {
      out[py::str(info.key)] = text == "true";
    } else if (info.type == "int") {
      out[py::str(info.key)] = std::stoll(text);
    } else if (info.type == "real") {
      out[py::str(info.key)] = std::stod(text);
    } else {
      out[py::str(info.key)] = text;
    }
  }
  return out;
}

template <class RegistryT>
void CheckNewKey(const std::string& key) {
  if (!IsValidName(key)) {
    throw ConfigError(std::string(RegistryT::kKind) + " " + Quote(key) +
                      ": not a name (letters, digits, '.', '_', '-', '+', not starting with '.')");
  }
  const auto keys = RegistryT::Global().Keys();
  if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
    throw ConfigError(std::string(RegistryT::kKind) + " " + Quote(key) +
                      " is already registered; choose another key");
  }
}

}  // namespace

void BindPythonPlugins(py::module_& m) {
  py::class_<PluginContext>(m, "PluginContext",
                            "What a Python plugin is built with: the space, its own random "
                            "stream, the fidelities it may ask for, the dataset.")
      .def_property_readonly(
          "space", [](const PluginContext& c) { return c.space; },
          py::return_value_policy::reference)
      .def_readwrite("rng", &PluginContext::rng)
      .def_readonly("fidelities", &PluginContext::fidelities)
      .def_readonly("default_fidelity", &PluginContext::default_fidelity)
      .def_readonly("dataset", &PluginContext::dataset);

  py::class_<PyObservation>(m, "Observation", "What a strategy is told about one proposal.")
      .def_readonly("arch", &PyObservation::arch)
      .def_readonly("fidelity", &PyObservation::fidelity)
      .def_readonly("signal", &PyObservation::signal, "Higher is better.")
      .def_readonly("objectives", &PyObservation::objectives,
                    "Every objective, oriented as the signal (multi-objective problems).")
      .def_readonly("feasible", &PyObservation::feasible)
      .def("__repr__", [](const PyObservation& o) {
        return "<Observation arch " + std::to_string(o.arch) + " signal " +
               std::to_string(o.signal) + ">";
      });

  m.def(
      "_register_predictor",
      [](const std::string& key, py::object cls, const std::string& summary,
         const py::dict& defaults, bool needs_fit, bool uncertainty) {
        using R = PredictorRegistry;
        CheckNewKey<R>(key);
        const std::string owner = "predictor " + Quote(key);
        const std::vector<OptionInfo> infos = DeclaredOptions(defaults);
        // Registries live to the end of the process, past the interpreter: the class is never
        // released.
        const auto* type = new py::object(std::move(cls));
        R::Entry entry{key,
                       summary.empty() ? "a predictor written in Python" : summary,
                       infos,
                       [owner, infos](const OptionValues& v) { return Resolve(owner, infos, v); },
                       [owner, infos, type, needs_fit, uncertainty](
                           const OptionValues& v,
                           const PredictorContext& context) -> std::unique_ptr<Predictor> {
                         const OptionValues resolved = Resolve(owner, infos, v);
                         py::object impl = CallPython(owner, "__init__", [&] {
                           PluginContext c{&context.space, Rng(0), {0}, 0, context.dataset};
                           return (*type)(c, TypedOptions(infos, resolved));
                         });
                         return std::make_unique<PythonPredictor>(std::move(impl), owner, needs_fit,
                                                                  uncertainty);
                       },
                       ""};
        R::Global().Add(std::move(entry));
      },
      py::arg("key"), py::arg("cls"), py::arg("summary"), py::arg("options"), py::arg("needs_fit"),
      py::arg("uncertainty"));

  m.def(
      "_register_strategy",
      [](const std::string& key, py::object cls, const std::string& summary,
         const py::dict& defaults) {
        using R = StrategyRegistry;
        CheckNewKey<R>(key);
        const std::string owner = "strategy " + Quote(key);
        const std::vector<OptionInfo> infos = DeclaredOptions(defaults);
        const auto* type = new py::object(std::move(cls));  // as above: never released
        R::Entry entry{key,
                       summary.empty() ? "a strategy written in Python" : summary,
                       infos,
                       [owner, infos](const OptionValues& v) { return Resolve(owner, infos, v); },
                       [owner, infos, type](const OptionValues& v, const StrategyContext& context)
                           -> std::unique_ptr<SearchStrategy> {
                         const OptionValues resolved = Resolve(owner, infos, v);
                         py::object impl = CallPython(owner, "__init__", [&] {
                           PluginContext c{&context.space, context.rng, context.fidelities,
                                           context.default_fidelity, context.dataset};
                           return (*type)(c, TypedOptions(infos, resolved));
                         });
                         return std::make_unique<PythonStrategy>(std::move(impl), owner,
                                                                 context.default_fidelity);
                       },
                       ""};
        R::Global().Add(std::move(entry));
      },
      py::arg("key"), py::arg("cls"), py::arg("summary"), py::arg("options"));
}

}  // namespace naskit::python

// libFuzzer target: sealed benchmark files whose layout is wrong. The input drives edits made with
// the HDF5 API on a valid file (tables removed, rewritten with other ranks, sizes, types and
// values, epochs and root attributes changed), the file is sealed again, and Open() must accept it
// or refuse it with a DataError or ConfigError: never crash, hang or read out of bounds. Files
// written by libhdf5 itself are well-formed HDF5, so this exercises naskit's layout checks rather
// than libhdf5's parser (benchmark_opener_fuzz covers raw bytes).
#include <fuzzer/FuzzedDataProvider.h>
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "benchmarks_data/tabular_benchmark.h"
#include "core/errors.h"
#include "tests/fuzz/scratch_path.h"

namespace {

const char* const kPaths[] = {"/metrics/toy/valid_accuracy",
                              "/features/toy/params",
                              "/archs/id",
                              "/archs/index",
                              "/cost/toy/train_seconds",
                              "/metrics/toy/test_accuracy",
                              "/hardware/dev/latency_ms"};

void EnsureGroups(hid_t file, const std::string& path) {
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string group = path.substr(0, slash);
    if (H5Lexists(file, group.c_str(), H5P_DEFAULT) <= 0) {
      H5Gclose(H5Gcreate2(file, group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    }
  }
}

void WriteIntAttr(hid_t object, const char* name, const std::vector<int>& values) {
  if (H5Aexists(object, name) > 0) H5Adelete(object, name);
  const hsize_t n = values.size();
  const hid_t space = values.empty() ? H5Screate(H5S_NULL) : H5Screate_simple(1, &n, nullptr);
  const hid_t attr = H5Acreate2(object, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
  if (!values.empty()) H5Awrite(attr, H5T_NATIVE_INT, values.data());
  H5Aclose(attr);
  H5Sclose(space);
}

void Edit(hid_t file, FuzzedDataProvider& fuzz) {
  const std::string path = fuzz.PickValueInArray(kPaths);
  switch (fuzz.ConsumeIntegralInRange(0, 4)) {
    case 0:  // remove
      if (H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0)
        H5Ldelete(file, path.c_str(), H5P_DEFAULT);
      break;
    case 1: {  // rewrite with another rank, shape, type and values
      if (H5Lexists(file, path.c_str(), H5P_DEFAULT) > 0)
        H5Ldelete(file, path.c_str(), H5P_DEFAULT);
      EnsureGroups(file, path);
      const int rank = fuzz.ConsumeIntegralInRange(1, 3);
      hsize_t dims[3];
      hsize_t count = 1;
      for (int i = 0; i < rank; ++i) count *= dims[i] = fuzz.ConsumeIntegralInRange(0, 6);
      const bool integer = fuzz.ConsumeBool();
      const hid_t space = H5Screate_simple(rank, dims, nullptr);
      const hid_t ds = H5Dcreate2(file, path.c_str(), integer ? H5T_STD_U64LE : H5T_IEEE_F32LE,
                                  space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      std::vector<double> values(count);
      for (double& v : values) {
        v = fuzz.ConsumeBool() ? fuzz.ConsumeFloatingPoint<double>()
                               : static_cast<double>(fuzz.ConsumeIntegral<std::uint32_t>());
      }
      if (count) H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
      H5Dclose(ds);
      H5Sclose(space);
      break;
    }
    case 2: {  // epochs attribute
      if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0) break;
      const hid_t ds = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
      std::vector<int> epochs(fuzz.ConsumeIntegralInRange(0, 4));
      for (int& e : epochs) e = fuzz.ConsumeIntegral<int>();
      WriteIntAttr(ds, "epochs", epochs);
      H5Dclose(ds);
      break;
    }
    case 3: {  // format version
      const hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
      WriteIntAttr(root, "format_version", {fuzz.ConsumeIntegral<int>()});
      H5Gclose(root);
      break;
    }
    default: {  // the space
      const hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
      const std::string space = fuzz.PickValueInArray({"nb201", "nb101", "darts", "none", ""});
      if (H5Aexists(root, "space") > 0) H5Adelete(root, "space");
      const hid_t type = H5Tcopy(H5T_C_S1);
      H5Tset_size(type, std::max<std::size_t>(1, space.size()));
      const hid_t scalar = H5Screate(H5S_SCALAR);
      const hid_t attr = H5Acreate2(root, "space", type, scalar, H5P_DEFAULT, H5P_DEFAULT);
      H5Awrite(attr, type, space.c_str());
      H5Aclose(attr);
      H5Sclose(scalar);
      H5Tclose(type);
      H5Gclose(root);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string base = NASKIT_SOURCE_DIR "/tests/fuzz/corpus/benchmark_opener/tiny.h5";
  static const naskit::fuzz::ScratchPath scratch("naskit-fuzz-layout", ".h5");
  const std::string& path = scratch.str();
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::filesystem::copy_file(base, path, std::filesystem::copy_options::overwrite_existing);
  FuzzedDataProvider fuzz(data, size);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (file < 0) return 0;
  for (int edits = fuzz.ConsumeIntegralInRange(1, 6); edits > 0; --edits) Edit(file, fuzz);
  H5Fclose(file);
  naskit::SealBenchmarkFile(path);
  try {
    naskit::TabularBenchmark::Open(path);
  } catch (const naskit::DataError&) {
  } catch (const naskit::ConfigError&) {
  }
  return 0;
}

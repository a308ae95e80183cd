// HDF5 reader and writer of naskit's benchmark format; see FORMAT.md beside this file.
#include "benchmarks_data/tabular_benchmark.h"

#include <H5Cpp.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/fnv.h"
#include "core/names.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

// Every file starts with a 512-byte HDF5 user block holding naskit's header: magic line, file size
// and a checksum of everything after the header.
constexpr hsize_t kHeaderBytes = 512;
constexpr const char* kHeaderMagic = "naskit-tabular-file 1";

// Tables live in these groups; the group depth below each root is fixed by the format.
const std::map<std::string, int> kTableRoots = {
    {"metrics", 2}, {"cost", 2}, {"hardware", 2}, {"features", 2}};

void SilenceHdf5() {
  static const bool silenced = [] {
    H5::Exception::dontPrint();  // also libhdf5's own error stacks, printed by default
    return true;
  }();
  (void)silenced;
}

// The writer uses libhdf5's C API: every call's result is checked here, and a handle closed while
// an error unwinds closes silently, where the C++ API's destructors print libhdf5's own text (a
// full disk fails every close).
struct Hdf5WriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void Check(herr_t status, const char* call) {
  if (status < 0) throw Hdf5WriteError(std::string(call) + " failed");
}

class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const char* call) : id_(id), close_(close) {
    if (id < 0) throw Hdf5WriteError(std::string(call) + " failed");
  }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  Handle& operator=(Handle&&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);  // after an error: the error being reported is the first one
  }
  hid_t id() const { return id_; }
  // Closes now and checks: a flush that fails here is the write failing.
  void Close(const char* call) {
    const hid_t id = std::exchange(id_, -1);
    Check(close_(id), call);
  }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

Handle FixedString(std::size_t size) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "H5Tcopy");
  Check(H5Tset_size(type.id(), std::max<std::size_t>(1, size)), "H5Tset_size");
  return type;
}

void WriteStringAttr(hid_t object, const std::string& key, const std::string& value) {
  const Handle type = FixedString(value.size());
  const Handle space(H5Screate(H5S_SCALAR), H5Sclose, "H5Screate");
  Handle attr(H5Acreate2(object, key.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "H5Acreate2");
  Check(H5Awrite(attr.id(), type.id(), value.c_str()), "H5Awrite");
  attr.Close("H5Aclose");
}

void WriteIntsAttr(hid_t object, const std::string& key, const std::vector<int>& values) {
  const hsize_t n = values.size();
  const Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "H5Screate_simple");
  Handle attr(H5Acreate2(object, key.c_str(), H5T_STD_I32LE, space.id(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose, "H5Acreate2");
  Check(H5Awrite(attr.id(), H5T_NATIVE_INT, values.data()), "H5Awrite");
  attr.Close("H5Aclose");
}

// Dataset properties without HDF5's object timestamps, so that equal contents give equal bytes.
Handle Untimed() {
  Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "H5Pcreate");
  Check(H5Pset_obj_track_times(properties.id(), false), "H5Pset_obj_track_times");
  return properties;
}

void WriteDataset(hid_t group, const std::string& name, hid_t file_type, hid_t memory_type,
                  int rank, const hsize_t* dims, hid_t properties, const void* values,
                  const std::function<void(hid_t)>& with_attrs = {}) {
  const Handle space(H5Screate_simple(rank, dims, nullptr), H5Sclose, "H5Screate_simple");
  Handle ds(
      H5Dcreate2(group, name.c_str(), file_type, space.id(), H5P_DEFAULT, properties, H5P_DEFAULT),
      H5Dclose, "H5Dcreate2");
  Check(H5Dwrite(ds.id(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), "H5Dwrite");
  if (with_attrs) with_attrs(ds.id());
  ds.Close("H5Dclose");  // here, so that a failed flush is an error
}

template <class T>
void WriteVector(hid_t group, const std::string& name, const std::vector<T>& values,
                 hid_t file_type, hid_t memory_type) {
  const hsize_t n = values.size();
  WriteDataset(group, name, file_type, memory_type, 1, &n, Untimed().id(), values.data());
}

void WriteFile(const BenchmarkData& data, const std::string& path) {
  const Handle create(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "H5Pcreate");
  // Room for naskit's header, which HDF5 readers skip.
  Check(H5Pset_userblock(create.id(), kHeaderBytes), "H5Pset_userblock");
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, create.id(), H5P_DEFAULT), H5Fclose,
              "H5Fcreate");
  {
    const Handle root(H5Gopen2(file.id(), "/", H5P_DEFAULT), H5Gclose, "H5Gopen2");
    WriteStringAttr(root.id(), "format", kBenchmarkFormat);
    for (const auto& [key, value] : data.attrs) {
      if (key != "format" && key != "format_version") WriteStringAttr(root.id(), key, value);
    }
    WriteIntsAttr(root.id(), "format_version", {kBenchmarkFormatVersion});
  }
  {
    const Handle archs(H5Gcreate2(file.id(), "archs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       H5Gclose, "H5Gcreate2");
    std::vector<std::uint64_t> ids(data.archs.begin(), data.archs.end());
    WriteVector(archs.id(), "id", ids, H5T_STD_U64LE, H5T_NATIVE_UINT64);
    WriteVector(archs.id(), "index", data.index, H5T_STD_U32LE, H5T_NATIVE_UINT32);
    const SearchSpace& space = GetSpace(data.attrs.at("space"));
    std::vector<std::uint64_t> canonical;
    std::vector<std::string> strings;
    for (ArchId a : data.archs) {
      canonical.push_back(space.Canonical(a));
      strings.push_back(space.Format(a));
    }
    WriteVector(archs.id(), "canonical", canonical, H5T_STD_U64LE, H5T_NATIVE_UINT64);
    std::vector<const char*> pointers;
    for (const auto& text : strings) pointers.push_back(text.c_str());
    const hsize_t n = pointers.size();
    const Handle type = FixedString(0);
    Check(H5Tset_size(type.id(), H5T_VARIABLE), "H5Tset_size");
    WriteDataset(archs.id(), "string", type.id(), type.id(), 1, &n, Untimed().id(),
                 pointers.data());
  }

  for (const auto& entry : data.tables) {
    const std::string& table_path = entry.first;
    const Table& table = entry.second;  // not a structured binding: clang 14 cannot capture one
    const auto slash = table_path.rfind('/');
    // The groups above the table: "metrics", then "metrics/cifar10".
    for (std::size_t next = table_path.find('/'); next != std::string::npos && next <= slash;
         next = table_path.find('/', next + 1)) {
      const std::string group = table_path.substr(0, next);
      if (H5Lexists(file.id(), group.c_str(), H5P_DEFAULT) <= 0) {
        Handle(H5Gcreate2(file.id(), group.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               H5Gclose, "H5Gcreate2")
            .Close("H5Gclose");
      }
    }
    const hsize_t rows = data.archs.size();
    const bool with_seeds = table.seeds > 1;
    if (table.values.size() != rows * table.columns ||
        (with_seeds && table.per_seed.size() != rows * table.columns * table.seeds)) {
      throw std::logic_error("WriteBenchmark(): table " + table_path + " has the wrong size");
    }
    const int rank = with_seeds ? 3 : table.epochs.empty() ? 1 : 2;
    const hsize_t dims[3] = {rows, table.columns, table.seeds};
    // Chunked and deflated: tables filled per isomorphism class or mostly NaN shrink several-fold.
    const Handle layout = Untimed();
    const hsize_t chunk[3] = {std::min<hsize_t>(rows, 4096), table.columns, table.seeds};
    Check(H5Pset_chunk(layout.id(), rank, chunk), "H5Pset_chunk");
    Check(H5Pset_shuffle(layout.id()), "H5Pset_shuffle");
    Check(H5Pset_deflate(layout.id(), 4), "H5Pset_deflate");
    const Handle parent(H5Gopen2(file.id(), table_path.substr(0, slash).c_str(), H5P_DEFAULT),
                        H5Gclose, "H5Gopen2");
    WriteDataset(parent.id(), table_path.substr(slash + 1), H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, rank,
                 dims, layout.id(), with_seeds ? table.per_seed.data() : table.values.data(),
                 [&](hid_t ds) {
                   if (rank >= 2) WriteIntsAttr(ds, "epochs", table.epochs);
                   for (const auto& [key, value] : table.attrs) WriteStringAttr(ds, key, value);
                 });
  }
  file.Close("H5Fclose");
}

std::string ReadStringAttr(const H5::H5Object& object, const std::string& key) {
  H5::Attribute attr = object.openAttribute(key);
  std::string value;
  attr.read(attr.getStrType(), value);
  // Fixed-length attributes may carry NUL padding.
  if (auto nul = value.find('\0'); nul != std::string::npos) value.resize(nul);
  return value;
}

// Sizes a file may claim before naskit allocates for them: a corrupt header must be an error, not
// an attempt to allocate terabytes (found by the benchmark_opener fuzz target).
constexpr hsize_t kMaxRows = 1u << 24;         // more rows than any benchmark naskit knows
constexpr hsize_t kMaxTableValues = 1u << 28;  // 1 GiB of float32 per table
constexpr hssize_t kMaxAttributeValues = 1 << 16;

std::vector<int> ReadIntsAttr(const H5::H5Object& object, const std::string& key) {
  H5::Attribute attr = object.openAttribute(key);
  const hssize_t n = attr.getSpace().getSimpleExtentNpoints();
  if (n < 0 || n > kMaxAttributeValues) {
    throw DataError("attribute \"" + key + "\" claims " + std::to_string(n) +
                    " values (a corrupt file?)");
  }
  std::vector<int> values(static_cast<std::size_t>(n));
  attr.read(H5::PredType::NATIVE_INT, values.data());
  return values;
}

class Reader {
 public:
  // Reads the file from `image`, the bytes whose checksum Open() verified: the path is not opened
  // again, so a file replaced in between cannot mix two versions.
  Reader(std::string path, const std::string& image) : path_(std::move(path)), image_(image) {}

  BenchmarkData Read() {
    H5::FileAccPropList access;
    H5Pset_fapl_core(access.getId(), 1 << 20, /*backing_store=*/false);
    H5Pset_file_image(access.getId(), const_cast<char*>(image_.data()), image_.size());
    // The core driver refuses a name that exists on disk when it is given an image; the name is
    // only a label here.
    H5::H5File file("naskit-file-image:" + path_, H5F_ACC_RDONLY, H5::FileCreatPropList::DEFAULT,
                    access);
    H5::Group root = file.openGroup("/");
    ReadRootAttrs(root);
    if (!file.nameExists("archs")) Fail("group \"/archs\" not found");
    H5::Group archs = file.openGroup("archs");
    const auto ids = ReadIntegers<std::uint64_t>(archs, "id", H5::PredType::NATIVE_UINT64);
    data_.archs.assign(ids.begin(), ids.end());
    data_.index = ReadIntegers<std::uint32_t>(archs, "index", H5::PredType::NATIVE_UINT32);
    if (data_.index.size() != data_.archs.size()) {
      Fail("dataset \"/archs/index\" has " + std::to_string(data_.index.size()) +
           " rows (expected " + std::to_string(data_.archs.size()) + ", as \"/archs/id\")");
    }
    for (const auto& [group, depth] : kTableRoots) {
      if (file.nameExists(group)) ReadTables(file.openGroup(group), group, depth);
    }
    return std::move(data_);
  }

  [[noreturn]] void Fail(const std::string& what) const { throw DataError(path_ + ": " + what); }

 private:
  void ReadRootAttrs(H5::Group& root) {
    if (!root.attrExists("format") || ReadStringAttr(root, "format") != kBenchmarkFormat) {
      Fail(std::string("not a naskit benchmark (root attribute \"format\" is not \"") +
           kBenchmarkFormat + "\")");
    }
    if (!root.attrExists("format_version")) Fail("root attribute \"format_version\" not found");
    const auto version = ReadIntsAttr(root, "format_version");
    if (version.size() != 1 || version[0] < 1)
      Fail("root attribute \"format_version\" is malformed");
    if (version[0] > kBenchmarkFormatVersion) {
      Fail("written in format version " + std::to_string(version[0]) +
           ", newer than this naskit reads (" + std::to_string(kBenchmarkFormatVersion) +
           "); upgrade naskit");
    }
    for (int i = 0, n = root.getNumAttrs(); i < n; ++i) {
      H5::Attribute attr = root.openAttribute(static_cast<unsigned>(i));
      if (attr.getTypeClass() == H5T_STRING)
        data_.attrs[attr.getName()] = ReadStringAttr(root, attr.getName());
    }
    data_.attrs["format_version"] = std::to_string(version[0]);
    if (!data_.attrs.contains("space")) Fail("root attribute \"space\" not found");
  }

  template <class T>
  std::vector<T> ReadIntegers(H5::Group& group, const std::string& name, const H5::PredType& type) {
    const std::string where = "dataset \"" + group.getObjName() + "/" + name + "\"";
    if (!group.nameExists(name)) Fail(where + " not found");
    H5::DataSet ds = group.openDataSet(name);
    if (ds.getTypeClass() != H5T_INTEGER) Fail(where + " is not an integer array");
    H5::DataSpace space = ds.getSpace();
    if (space.getSimpleExtentNdims() != 1) Fail(where + " is not one-dimensional");
    const hssize_t n = space.getSimpleExtentNpoints();
    if (n < 0 || static_cast<hsize_t>(n) > kMaxRows) {
      Fail(where + " claims " + std::to_string(n) + " rows (more than " + std::to_string(kMaxRows) +
           "; a corrupt file?)");
    }
    std::vector<T> values(static_cast<std::size_t>(n));
    ds.read(values.data(), type);
    return values;
  }

  void ReadTables(const H5::Group& group, const std::string& prefix, int depth) {
    for (hsize_t i = 0; i < group.getNumObjs(); ++i) {
      const std::string name = group.getObjnameByIdx(i);
      const std::string path = prefix + "/" + name;
      const H5G_obj_t type = group.getObjTypeByIdx(i);
      if (depth > 1) {
        if (type != H5G_GROUP) Fail("\"/" + path + "\" should be a group");
        ReadTables(group.openGroup(name), path, depth - 1);
      } else {
        if (type != H5G_DATASET) Fail("\"/" + path + "\" should be a dataset");
        data_.tables[path] = ReadTable(group.openDataSet(name), path);
      }
    }
  }

  Table ReadTable(const H5::DataSet& ds, const std::string& path) {
    const std::string where = "dataset \"/" + path + "\"";
    if (ds.getTypeClass() != H5T_FLOAT) Fail(where + " is not a float array");
    H5::DataSpace space = ds.getSpace();
    const int rank = space.getSimpleExtentNdims();
    hsize_t dims[3] = {0, 1, 1};
    if (rank < 1 || rank > 3)
      Fail(where + " has rank " + std::to_string(rank) + " (expected 1 to 3)");
    space.getSimpleExtentDims(dims);
    if (dims[0] != data_.archs.size()) {
      Fail(where + " has " + std::to_string(dims[0]) + " rows (expected " +
           std::to_string(data_.archs.size()) + ", one per architecture)");
    }
    Table table;
    table.columns = rank >= 2 ? dims[1] : 1;
    table.seeds = rank == 3 ? dims[2] : 1;
    if (table.columns == 0 || table.seeds == 0 ||
        dims[0] * table.columns * table.seeds > kMaxTableValues) {
      Fail(where + " claims " + std::to_string(table.columns) + " columns and " +
           std::to_string(table.seeds) + " seeds per row (a corrupt file?)");
    }
    if (ds.attrExists("epochs")) table.epochs = ReadIntsAttr(ds, "epochs");
    if (rank >= 2 && table.epochs.size() != table.columns) {
      Fail(where + " has " + std::to_string(table.columns) +
           " columns but its \"epochs\" attribute lists " + std::to_string(table.epochs.size()));
    }
    for (int i = 0, n = ds.getNumAttrs(); i < n; ++i) {
      H5::Attribute attr = ds.openAttribute(static_cast<unsigned>(i));
      if (attr.getTypeClass() == H5T_STRING)
        table.attrs[attr.getName()] = ReadStringAttr(ds, attr.getName());
    }
    if (table.seeds > 1) {
      table.per_seed.resize(dims[0] * table.columns * table.seeds);
      ds.read(table.per_seed.data(), H5::PredType::NATIVE_FLOAT);
      table.AverageSeeds();
    } else {
      table.values.resize(dims[0] * table.columns);
      ds.read(table.values.data(), H5::PredType::NATIVE_FLOAT);
    }
    return table;
  }

  std::string path_;
  const std::string& image_;
  BenchmarkData data_;
};

// Checks naskit's header before HDF5 parses anything: libhdf5 has memory-safety bugs on crafted
// files (found by the benchmark_opener fuzz target), so a truncated or damaged file must never
// reach it. Returns the checksum the header records.
std::uint64_t CheckHeader(const std::string& path, const std::string& bytes) {
  const std::string magic = std::string(kHeaderMagic) + "\n";
  if (bytes.size() < kHeaderBytes || bytes.compare(0, magic.size(), magic) != 0) {
    throw DataError(path +
                    ": not a naskit benchmark file (no naskit header; written by another tool, "
                    "or truncated)");
  }
  std::istringstream header(bytes.substr(magic.size(), kHeaderBytes - magic.size()));
  std::string size_key, checksum_key, checksum_text;
  std::size_t size = 0;
  header >> size_key >> size >> checksum_key >> checksum_text;
  if (size_key != "size" || checksum_key != "fnv1a64")
    throw DataError(path + ": malformed naskit header");
  if (bytes.size() != size) {
    throw DataError(path + ": truncated or extended (" + std::to_string(bytes.size()) +
                    " bytes; its header says " + std::to_string(size) + ")");
  }
  const std::uint64_t checksum = Fnv1a(std::string_view(bytes).substr(kHeaderBytes));
  if (fmt::format("{:016x}", checksum) != checksum_text) {
    throw DataError(path +
                    ": corrupt (checksum mismatch: the bytes changed after naskit wrote them)");
  }
  return checksum;
}

// Whether `arch` is a valid id of a space whose ids are not dense: its string form parses back.
bool IsArchitecture(const SearchSpace& space, ArchId arch) {
  try {
    return space.Parse(space.Format(arch)) == arch;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

void Table::AverageSeeds() {
  const std::size_t cells = per_seed.size() / seeds;
  values.assign(cells, NAN);
  for (std::size_t i = 0; i < cells; ++i) {
    double sum = 0;
    int n = 0;
    for (std::size_t s = 0; s < seeds; ++s) {
      const float v = per_seed[i * seeds + s];
      if (!std::isnan(v)) {
        sum += v;
        ++n;
      }
    }
    if (n) values[i] = static_cast<float>(sum / n);
  }
}

std::size_t Table::ColumnOf(int epochs_wanted, const std::string& what) const {
  if (epochs.empty() && epochs_wanted == 0) return 0;
  if (epochs_wanted == 0) return columns - 1;
  for (std::size_t c = 0; c < epochs.size(); ++c) {
    if (epochs[c] == epochs_wanted) return c;
  }
  std::string known;
  for (std::size_t c = 0; c < epochs.size(); ++c)
    known += (c ? ", " : "") + std::to_string(epochs[c]);
  throw ConfigError(
      what + " has no column for " + std::to_string(epochs_wanted) +
      " epochs (expected one of: " + (known.empty() ? "none; it has no epochs" : known) + ")");
}

void WriteBenchmark(const BenchmarkData& data, const std::string& path) {
  SilenceHdf5();
  // Every table path is checked before anything is written: a name with '/' or '..' would
  // otherwise change the file's layout into one that Open() refuses.
  for (const auto& [table_path, table] : data.tables) {
    std::vector<std::string> parts;
    for (std::size_t start = 0, end; start <= table_path.size(); start = end + 1) {
      end = std::min(table_path.find('/', start), table_path.size());
      parts.push_back(table_path.substr(start, end - start));
    }
    const auto root = kTableRoots.find(parts.front());
    if (root == kTableRoots.end() || static_cast<int>(parts.size()) != root->second + 1) {
      throw ConfigError(path + ": table " + Quote(table_path) +
                        " does not fit the format (expected metrics|cost|hardware|features/<name>/"
                        "<name>)");
    }
    for (std::size_t i = 1; i < parts.size(); ++i) {
      ValidateName("table " + Quote(table_path) + ": name", parts[i]);
    }
  }
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(folder)) {
    throw IoError(path + ": cannot write: folder " + Quote(folder.string()) + " does not exist");
  }
  if (fs::is_directory(target)) {
    throw ConfigError(path + ": is a folder (expected the path of a benchmark file to write)");
  }
  // The content is checked as Open() will check it, before a byte is written.
  const TabularBenchmark checked(data, path);
  // Leftovers of a writer killed before its rename (a SIGKILLed import or zc) go first.
  RemoveStaleTemporaries(folder.string(), target.filename().string());
  const std::string temporary = TemporaryPathFor(path);
  try {
    WriteFile(data, temporary);
    SealBenchmarkFile(temporary);
    // Read back before it replaces anything: a write that failed without an error (libhdf5 can
    // lose a failed flush) must not become the benchmark.
    try {
      TabularBenchmark::Open(temporary);
    } catch (const DataError& e) {
      throw IoError(path + ": the file written does not read back (" + e.what() +
                    "; is the disk full?)");
    }
    fs::rename(temporary, target);
  } catch (const Hdf5WriteError& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw IoError(path + ": cannot write (" + std::string(e.what()) +
                  "; is the folder writable and the disk not full?)");
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

void SealBenchmarkFile(const std::string& path) {
  std::string bytes = ReadFileContents(path);
  if (bytes.size() < kHeaderBytes) {
    throw DataError(path + ": cannot seal: shorter than the header (not a naskit benchmark .h5)");
  }
  std::string header = fmt::format("{}\nsize {}\nfnv1a64 {:016x}\n", kHeaderMagic, bytes.size(),
                                   Fnv1a(std::string_view(bytes).substr(kHeaderBytes)));
  header.resize(kHeaderBytes, '\0');
  std::fstream out(path, std::ios::in | std::ios::out | std::ios::binary);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  if (!out.flush()) throw IoError(path + ": cannot write the header (disk full?)");
}

TabularBenchmark TabularBenchmark::Open(const std::string& path) {
  SilenceHdf5();
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw ConfigError(path + ": benchmark file not found");
  // A FIFO would block forever and a device such as /dev/zero never ends: read regular files only.
  if (!fs::is_regular_file(status)) {
    throw ConfigError(path + ": not a regular file (expected a naskit benchmark .h5)");
  }
  // The bytes are read once: the checksum and the HDF5 parse see the same version of the file.
  const std::string bytes = ReadFileContents(path);
  const std::uint64_t checksum = CheckHeader(path, bytes);
  static constexpr std::string_view kHdf5Signature = "\x89HDF\r\n\x1a\n";
  if (bytes.compare(kHeaderBytes, kHdf5Signature.size(), kHdf5Signature) != 0) {
    throw DataError(path + ": not an HDF5 file (or truncated; expected a naskit benchmark .h5)");
  }
  Reader reader(path, bytes);
  try {
    TabularBenchmark benchmark(reader.Read(), path);
    benchmark.checksum_ = checksum;
    return benchmark;
  } catch (const H5::Exception& e) {
    reader.Fail("corrupt or truncated HDF5 file (" + e.getFuncName() + ": " + e.getDetailMsg() +
                ")");
  } catch (const ConfigError& e) {
    reader.Fail(e.what());
  }
}

TabularBenchmark::TabularBenchmark(BenchmarkData data, std::string path)
    : path_(std::move(path)), data_(std::move(data)) {
  auto fail = [&](const std::string& what) { throw DataError(path_ + ": " + what); };
  if (!data_.attrs.contains("space")) fail("root attribute \"space\" not found");
  space_ = &GetSpace(data_.attrs.at("space"));
  if (data_.index.size() != data_.archs.size())
    fail("\"/archs/index\" and \"/archs/id\" differ in length");
  // A dense array only where it is small; DARTS ids run to 10^18, NB101's are not dense.
  constexpr std::uint64_t kMaxDenseLookup = 1u << 24;
  sparse_rows_ = !space_->Dense() || space_->Size() > kMaxDenseLookup;
  if (!sparse_rows_) row_of_arch_.assign(space_->Size(), -1);
  row_of_index_.reserve(data_.index.size());
  for (std::size_t row = 0; row < data_.archs.size(); ++row) {
    const ArchId arch = data_.archs[row];
    if (space_->Dense() ? arch >= space_->Size() : !IsArchitecture(*space_, arch)) {
      fail("\"/archs/id\" row " + std::to_string(row) + " holds " + std::to_string(arch) +
           ", which is no architecture of space " + Quote(space_->Name()) +
           (space_->Dense() ? " (expected < " + std::to_string(space_->Size()) + ")" : ""));
    }
    if (RowOf(arch)) fail("\"/archs/id\" holds architecture " + std::to_string(arch) + " twice");
    if (sparse_rows_) {
      row_of_key_.emplace(arch, row);
    } else {
      row_of_arch_[arch] = static_cast<std::int32_t>(row);
    }
    // A map, not an array sized by the largest index: a file claiming index 4e9 must not
    // allocate 16 GiB.
    if (!row_of_index_.emplace(data_.index[row], row).second) {
      fail("\"/archs/index\" holds index " + std::to_string(data_.index[row]) + " twice");
    }
  }
  for (const auto& [table_path, table] : data_.tables) CheckTable(table_path, table);
}

// Every table against the documented layout and the meaning of its values: a sealed file can still
// be inconsistent (written by another tool, or by a bug), and a wrong shape would read another
// row's values.
void TabularBenchmark::CheckTable(const std::string& table_path, const Table& table) const {
  auto fail = [&](const std::string& what) {
    throw DataError(path_ + ": table " + Quote("/" + table_path) + " " + what);
  };
  const std::size_t rows = data_.archs.size();
  if (table.columns == 0 || table.seeds == 0 || table.values.size() != rows * table.columns ||
      (table.seeds > 1 && table.per_seed.size() != rows * table.columns * table.seeds)) {
    fail("has the wrong size for " + std::to_string(rows) + " rows");
  }
  if (!table.epochs.empty() && table.epochs.size() != table.columns) {
    fail(fmt::format("has {} columns but {} epochs", table.columns, table.epochs.size()));
  }
  if (table.epochs.empty() && table.columns != 1) fail("has several columns and no epochs");
  for (std::size_t c = 0; c < table.epochs.size(); ++c) {
    if (table.epochs[c] < 0 || (c > 0 && table.epochs[c] <= table.epochs[c - 1])) {
      fail("has epochs that are not ascending and non-negative");
    }
  }
  const bool cost = table_path.starts_with("cost/") || table_path.starts_with("hardware/");
  const bool features = table_path.starts_with("features/");
  // Parameter and FLOP counts are sizes: finite and non-negative.
  const bool count =
      features && (table_path.ends_with("/params") || table_path.ends_with("/flops"));
  const bool percent = table.attrs.contains("unit") && table.attrs.at("unit") == "percent";
  const auto& values = table.seeds > 1 ? table.per_seed : table.values;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const float v = values[i];
    if (std::isnan(v)) continue;
    const std::size_t row = i / (values.size() / rows);
    // Features may be infinite (naswot's log-determinant of a singular kernel is -inf); measured
    // accuracies, losses, seconds and latencies may not.
    if (!features && !std::isfinite(v)) {
      fail(fmt::format("holds {} at row {} (expected a finite value or NaN)", v, row));
    }
    if ((cost || count) && !(v >= 0 && std::isfinite(v))) {
      fail(fmt::format("holds {} at row {} (expected a finite value >= 0)", v, row));
    }
    if (percent && (v < 0 || v > 100)) {
      fail(fmt::format("holds {} at row {} (expected a percentage in [0, 100])", v, row));
    }
  }
}

std::string TabularBenchmark::Attr(const std::string& key) const {
  auto it = data_.attrs.find(key);
  return it == data_.attrs.end() ? std::string() : it->second;
}

std::size_t TabularBenchmark::RowOfIndex(std::uint64_t index) const {
  const auto it = row_of_index_.find(index);
  if (it == row_of_index_.end()) {
    throw ConfigError(path_ + ": no architecture with index " + std::to_string(index) +
                      " (the file holds " + std::to_string(row_of_index_.size()) +
                      " architectures; `naskit info` shows how they are numbered)");
  }
  return it->second;
}

std::vector<std::string> TabularBenchmark::Datasets() const {
  std::set<std::string> names;
  for (const auto& [path, table] : data_.tables) {
    if (path.starts_with("metrics/")) names.insert(path.substr(8, path.find('/', 8) - 8));
  }
  return {names.begin(), names.end()};
}

std::vector<std::string> TabularBenchmark::Metrics(const std::string& dataset) const {
  std::vector<std::string> names;
  const std::string prefix = "metrics/" + dataset + "/";
  for (const auto& [path, table] : data_.tables) {
    if (path.starts_with(prefix)) names.push_back(path.substr(prefix.size()));
  }
  return names;
}

const Table* TabularBenchmark::FindTable(const std::string& path) const {
  auto it = data_.tables.find(path);
  return it == data_.tables.end() ? nullptr : &it->second;
}

const Table& TabularBenchmark::Get(const std::string& path) const {
  if (const Table* table = FindTable(path)) return *table;
  std::vector<std::string> known;
  for (const auto& [p, table] : data_.tables) known.push_back(p);
  throw ConfigError(path_ + ": " + UnknownNameMessage("table", path, known));
}

const Table& TabularBenchmark::Metric(const std::string& dataset, const std::string& metric) const {
  const auto datasets = Datasets();
  if (std::find(datasets.begin(), datasets.end(), dataset) == datasets.end()) {
    throw ConfigError(path_ + ": " + UnknownNameMessage("dataset", dataset, datasets));
  }
  if (const Table* table = FindTable("metrics/" + dataset + "/" + metric)) return *table;
  throw ConfigError(path_ + ": " + UnknownNameMessage("metric", metric, Metrics(dataset)) +
                    " (dataset " + Quote(dataset) + ")");
}

std::optional<double> TabularBenchmark::Query(std::size_t row, const std::string& dataset,
                                              const std::string& metric, int epochs) const {
  const Table& table = Metric(dataset, metric);
  const float value =
      table.At(row, table.ColumnOf(epochs, "metric " + Quote(dataset + "/" + metric)));
  return std::isnan(value) ? std::nullopt : std::optional<double>(value);
}

}  // namespace naskit

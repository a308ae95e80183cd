// naskit's image dataset file and the folder converter; see image_file.h.
#include "benchmarks_data/image_file.h"

#include <H5Cpp.h>
#include <stb/stb_image.h>
#include <stb/stb_image_resize.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/rng.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;

// More images or pixels than this is a corrupt file, not an allocation to attempt.
constexpr hsize_t kMaxImages = 1u << 26;
constexpr hsize_t kMaxPixels = hsize_t{1} << 34;

void CheckArrays(const ImageArrays& a, const std::string& split, std::size_t classes,
                 const std::string& where) {
  auto fail = [&](const std::string& what) {
    throw DataError(fmt::format("{}: /{}: {}", where, split, what));
  };
  if (a.count < 1) fail("holds no image");
  if (a.height < 1 || a.width < 1 || (a.channels != 1 && a.channels != 3)) {
    fail(fmt::format("images of {}x{}x{} (expected height and width >= 1, 1 or 3 channels)",
                     a.height, a.width, a.channels));
  }
  if (a.pixels.size() != static_cast<std::size_t>(a.count * a.height * a.width * a.channels) ||
      a.labels.size() != static_cast<std::size_t>(a.count)) {
    fail(fmt::format("{} pixels and {} labels for {} images of {}x{}x{}", a.pixels.size(),
                     a.labels.size(), a.count, a.height, a.width, a.channels));
  }
  for (std::size_t i = 0; i < a.labels.size(); ++i) {
    if (a.labels[i] < 0 || static_cast<std::size_t>(a.labels[i]) >= classes) {
      fail(fmt::format("labels: image {} has label {} (expected 0 to {}, one per class)", i,
                       a.labels[i], classes - 1));
    }
  }
}

void WriteString(H5::H5Object& object, const std::string& key, const std::string& value) {
  const H5::StrType type(H5::PredType::C_S1, std::max<std::size_t>(1, value.size()));
  object.createAttribute(key, type, H5::DataSpace(H5S_SCALAR)).write(type, value);
}

void WriteSplit(H5::H5File& file, const std::string& split, const ImageArrays& a) {
  H5::Group group = file.createGroup(split);
  const hsize_t image_dims[4] = {static_cast<hsize_t>(a.count), static_cast<hsize_t>(a.height),
                                 static_cast<hsize_t>(a.width), static_cast<hsize_t>(a.channels)};
  group.createDataSet("images", H5::PredType::STD_U8LE, H5::DataSpace(4, image_dims))
      .write(a.pixels.data(), H5::PredType::NATIVE_UINT8);
  const hsize_t label_dims[1] = {static_cast<hsize_t>(a.count)};
  group.createDataSet("labels", H5::PredType::STD_I32LE, H5::DataSpace(1, label_dims))
      .write(a.labels.data(), H5::PredType::NATIVE_INT32);
}

std::string ReadString(const H5::H5Object& object, const std::string& key) {
  H5::Attribute attr = object.openAttribute(key);
  std::string value;
  attr.read(attr.getStrType(), value);
  if (auto nul = value.find('\0'); nul != std::string::npos) value.resize(nul);
  return value;
}

ImageArrays ReadSplit(const H5::H5File& file, const std::string& split, const std::string& path) {
  auto fail = [&](const std::string& what) {
    throw DataError(fmt::format("{}: /{}: {}", path, split, what));
  };
  if (!file.nameExists(split)) fail("missing");
  const H5::Group group = file.openGroup(split);
  if (!group.nameExists("images") || !group.nameExists("labels")) {
    fail("expected datasets images and labels");
  }
  const H5::DataSet images = group.openDataSet("images"), labels = group.openDataSet("labels");
  if (images.getTypeClass() != H5T_INTEGER || labels.getTypeClass() != H5T_INTEGER) {
    fail("images and labels must be integers (uint8 pixels, int32 labels)");
  }
  const H5::DataSpace space = images.getSpace(), label_space = labels.getSpace();
  hsize_t dims[4] = {0, 0, 0, 0}, label_dims[1] = {0};
  if (space.getSimpleExtentNdims() != 4 || label_space.getSimpleExtentNdims() != 1) {
    fail("expected images [N, H, W, C] and labels [N]");
  }
  space.getSimpleExtentDims(dims);
  label_space.getSimpleExtentDims(label_dims);
  if (dims[0] > kMaxImages || dims[0] * dims[1] * dims[2] * dims[3] > kMaxPixels) {
    fail("claims more images than naskit reads (a corrupt file?)");
  }
  if (label_dims[0] != dims[0]) {
    fail(fmt::format("{} labels for {} images", label_dims[0], dims[0]));
  }
  ImageArrays a;
  a.count = static_cast<std::int64_t>(dims[0]);
  a.height = static_cast<std::int64_t>(dims[1]);
  a.width = static_cast<std::int64_t>(dims[2]);
  a.channels = static_cast<std::int64_t>(dims[3]);
  a.pixels.resize(dims[0] * dims[1] * dims[2] * dims[3]);
  a.labels.resize(dims[0]);
  images.read(a.pixels.data(), H5::PredType::NATIVE_UINT8);
  labels.read(a.labels.data(), H5::PredType::NATIVE_INT32);
  return a;
}

struct Decoded {
  std::vector<std::uint8_t> pixels;  // size x size x channels
  bool colour = false;
};

// One image decoded (at 3 channels, so that the channel count is chosen once all are seen) and
// resized to size x size.
Decoded Decode(const std::string& path, int size) {
  int width = 0, height = 0, channels = 0;
  stbi_uc* raw = stbi_load(path.c_str(), &width, &height, &channels, 3);
  if (!raw) {
    throw DataError(path + ": cannot decode the image (" + std::string(stbi_failure_reason()) +
                    "; PNG, JPEG, BMP, GIF, TGA and PNM are read)");
  }
  Decoded d;
  d.colour = channels >= 3;
  d.pixels.resize(static_cast<std::size_t>(size) * size * 3);
  const int ok = stbir_resize_uint8(raw, width, height, 0, d.pixels.data(), size, size, 0, 3);
  stbi_image_free(raw);
  if (!ok) throw DataError(path + ": cannot resize the image");
  return d;
}

std::vector<fs::path> SortedEntries(const fs::path& folder, bool folders) {
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.path().filename().string().starts_with('.')) continue;
    if (folders ? e.is_directory() : e.is_regular_file()) entries.push_back(e.path());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

// The images of a folder of class sub-folders: per class, its files' paths.
std::map<std::string, std::vector<fs::path>> ClassFiles(const fs::path& folder) {
  std::map<std::string, std::vector<fs::path>> files;
  for (const fs::path& c : SortedEntries(folder, true)) {
    files[c.filename().string()] = SortedEntries(c, false);
  }
  return files;
}

}  // namespace

void WriteImageFile(const ImageFile& file, const std::string& path) {
  if (file.classes.empty()) throw ConfigError(path + ": a dataset needs at least one class");
  CheckArrays(file.train, "train", file.classes.size(), path);
  CheckArrays(file.test, "test", file.classes.size(), path);
  if (file.train.height != file.test.height || file.train.width != file.test.width ||
      file.train.channels != file.test.channels) {
    throw ConfigError(path + ": train and test images differ in size or channels");
  }
  H5::Exception::dontPrint();
  RemoveStaleTemporaries(fs::path(path).parent_path().string(), fs::path(path).filename().string());
  const std::string temporary = TemporaryPathFor(path);
  try {
    {
      H5::H5File h5(temporary, H5F_ACC_TRUNC);
      WriteString(h5, "format", kImageFileFormat);
      const int version = kImageFileFormatVersion;
      h5.createAttribute("format_version", H5::PredType::STD_I32LE, H5::DataSpace(H5S_SCALAR))
          .write(H5::PredType::NATIVE_INT, &version);
      std::string classes;
      for (const auto& c : file.classes) classes += c + "\n";
      WriteString(h5, "classes", classes);
      WriteString(h5, "source", file.source);
      WriteSplit(h5, "train", file.train);
      WriteSplit(h5, "test", file.test);
    }
    ReadImageFile(temporary);  // a write that failed silently must not become the dataset
    fs::rename(temporary, path);
  } catch (const H5::Exception& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw IoError(path + ": cannot write (" + e.getDetailMsg() + "; is the disk full?)");
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

ImageFile ReadImageFile(const std::string& path) {
  H5::Exception::dontPrint();
  if (!fs::exists(path)) throw ConfigError(path + ": dataset file not found");
  if (!fs::is_regular_file(path) || !H5::H5File::isHdf5(path)) {
    throw DataError(path +
                    ": not an HDF5 file (expected a naskit image dataset; `naskit dataset` "
                    "writes one from a folder of images)");
  }
  try {
    const H5::H5File h5(path, H5F_ACC_RDONLY);
    if (!h5.attrExists("format") || ReadString(h5, "format") != kImageFileFormat) {
      throw DataError(path +
                      ": attribute \"format\" is not \"naskit-images\" (not a naskit image "
                      "dataset)");
    }
    int version = 0;
    h5.openAttribute("format_version").read(H5::PredType::NATIVE_INT, &version);
    if (version < 1 || version > kImageFileFormatVersion) {
      throw DataError(fmt::format("{}: format_version {} (this naskit reads 1 to {})", path,
                                  version, kImageFileFormatVersion));
    }
    ImageFile file;
    const std::string classes = ReadString(h5, "classes");
    for (std::size_t from = 0; from < classes.size();) {
      const std::size_t end = classes.find('\n', from);
      file.classes.push_back(classes.substr(from, end - from));
      from = end == std::string::npos ? classes.size() : end + 1;
    }
    if (h5.attrExists("source")) file.source = ReadString(h5, "source");
    if (file.classes.empty()) throw DataError(path + ": attribute \"classes\" names no class");
    file.train = ReadSplit(h5, "train", path);
    file.test = ReadSplit(h5, "test", path);
    CheckArrays(file.train, "train", file.classes.size(), path);
    CheckArrays(file.test, "test", file.classes.size(), path);
    if (file.train.height != file.test.height || file.train.width != file.test.width ||
        file.train.channels != file.test.channels) {
      throw DataError(path + ": /train and /test images differ in size or channels");
    }
    return file;
  } catch (const H5::Exception& e) {
    throw DataError(path + ": corrupt HDF5 file (" + e.getFuncName() + ": " + e.getDetailMsg() +
                    ")");
  }
}

ImageFile ImageFileFromFolder(const ImageFolderOptions& o) {
  const fs::path root(o.folder);
  if (!fs::is_directory(root)) throw ConfigError(o.folder + ": folder not found");
  if (o.size < 1 || o.size > 4096) {
    throw ConfigError(
        fmt::format("dataset: option \"size\" must be in [1, 4096] (got {})", o.size));
  }
  if (o.channels != 0 && o.channels != 1 && o.channels != 3) {
    throw ConfigError(
        fmt::format("dataset: option \"channels\" must be 0, 1 or 3 (got {})", o.channels));
  }
  // Class folders directly, or train/ and test/ folders of them.
  const bool split = fs::is_directory(root / "train") && fs::is_directory(root / "test");
  const auto train_files = ClassFiles(split ? root / "train" : root);
  const auto test_files = split ? ClassFiles(root / "test") : decltype(train_files){};
  if (train_files.empty()) {
    throw ConfigError(o.folder +
                      ": holds no class folder (expected one sub-folder of images per class)");
  }
  ImageFile file;
  for (const auto& [name, files] : train_files) file.classes.push_back(name);
  for (const auto& [name, files] : test_files) {
    if (!train_files.contains(name)) {
      throw ConfigError(o.folder + "/test/" + name + ": a class that train/ does not have");
    }
  }
  // Which images go to the test split: the given test/ folder, or a seeded draw per class.
  std::vector<std::pair<fs::path, int>> train, test;
  Rng rng = Rng(static_cast<std::uint64_t>(o.seed)).Derive("dataset test split");
  for (std::size_t label = 0; label < file.classes.size(); ++label) {
    std::vector<fs::path> files = train_files.at(file.classes[label]);
    if (files.empty()) {
      throw ConfigError(o.folder + "/" + file.classes[label] + ": a class folder without images");
    }
    std::size_t held_out = 0;
    if (split) {
      for (const auto& f : test_files.contains(file.classes[label])
                               ? test_files.at(file.classes[label])
                               : std::vector<fs::path>{}) {
        test.emplace_back(f, static_cast<int>(label));
      }
    } else {
      for (std::size_t i = files.size(); i > 1; --i)
        std::swap(files[i - 1], files[rng.UniformInt(i)]);
      held_out = static_cast<std::size_t>(
          std::lround(o.test_fraction * static_cast<double>(files.size())));
      held_out = std::min(held_out, files.size() - 1);
      std::sort(files.begin(), files.begin() + static_cast<std::ptrdiff_t>(held_out));
      std::sort(files.begin() + static_cast<std::ptrdiff_t>(held_out), files.end());
      for (std::size_t i = 0; i < held_out; ++i)
        test.emplace_back(files[i], static_cast<int>(label));
    }
    for (std::size_t i = held_out; i < files.size(); ++i) {
      train.emplace_back(files[i], static_cast<int>(label));
    }
  }
  if (test.empty()) {
    throw ConfigError(o.folder +
                      ": the test split is empty (raise test_fraction, or add a test/ "
                      "folder)");
  }
  auto decode = [&](const std::vector<std::pair<fs::path, int>>& items, bool& colour) {
    std::vector<Decoded> images;
    for (const auto& [path, label] : items) {
      images.push_back(Decode(path.string(), o.size));
      colour = colour || images.back().colour;
    }
    return images;
  };
  bool colour = false;
  const auto train_images = decode(train, colour), test_images = decode(test, colour);
  const int channels = o.channels != 0 ? o.channels : (colour ? 3 : 1);
  auto fill = [&](const std::vector<Decoded>& images,
                  const std::vector<std::pair<fs::path, int>>& items, ImageArrays& a) {
    a.count = static_cast<std::int64_t>(images.size());
    a.height = a.width = o.size;
    a.channels = channels;
    for (std::size_t i = 0; i < images.size(); ++i) {
      const auto& p = images[i].pixels;
      for (std::size_t at = 0; at < p.size(); at += 3) {
        if (channels == 3) {
          a.pixels.insert(a.pixels.end(), {p[at], p[at + 1], p[at + 2]});
        } else {  // ITU-R BT.601 luma, as image libraries convert to grey
          a.pixels.push_back(static_cast<std::uint8_t>(
              (299 * p[at] + 587 * p[at + 1] + 114 * p[at + 2] + 500) / 1000));
        }
      }
      a.labels.push_back(items[i].second);
    }
  };
  fill(train_images, train, file.train);
  fill(test_images, test, file.test);
  file.source = fmt::format(
      "naskit dataset from {} ({} classes; {} training and {} test images, resized to {}x{}, "
      "{} channel{}; test split: {})",
      o.folder, file.classes.size(), train.size(), test.size(), o.size, o.size, channels,
      channels == 1 ? "" : "s",
      split ? "the folder's test/"
            : fmt::format("{} of each class drawn with seed {}", o.test_fraction, o.seed));
  return file;
}

}  // namespace naskit

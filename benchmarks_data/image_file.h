// naskit's image dataset file: a user's own labelled images, in HDF5, for real training
// (`dataset: <name>` with `data_file: FILE.h5` in a training recipe). `naskit dataset` writes one
// from a folder of images with one sub-folder per class. Layout (format version 1):
//
//   /                attrs  format = "naskit-images", format_version = 1,
//                           classes = the class names, one per line, in label order,
//                           source = where the images came from
//   /train/images    uint8 [N, H, W, C]   pixels, channels last (C = 1 grey or 3 RGB)
//   /train/labels    int32 [N]            in [0, classes)
//   /test/images     uint8 [M, H, W, C]   the held-out test split (same H, W, C)
//   /test/labels     int32 [M]
//
// The validation split is held out of /train by the training recipe (valid_size, split_seed).
// Reading checks every shape, type and label and throws DataError naming the file and dataset.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace naskit {

inline constexpr const char* kImageFileFormat = "naskit-images";
inline constexpr int kImageFileFormatVersion = 1;

struct ImageArrays {
  std::int64_t count = 0, height = 0, width = 0, channels = 0;
  std::vector<std::uint8_t> pixels;  // [count, height, width, channels]
  std::vector<std::int32_t> labels;  // [count]
};

struct ImageFile {
  std::vector<std::string> classes;
  std::string source;
  ImageArrays train, test;
};

// Writes `file` to `path` atomically. Throws ConfigError for arrays that do not fit the layout.
void WriteImageFile(const ImageFile& file, const std::string& path);

// Throws ConfigError for a missing file, DataError for anything else wrong.
ImageFile ReadImageFile(const std::string& path);

struct ImageFolderOptions {
  std::string folder;
  int size = 32;               // every image resized to size x size
  int channels = 0;            // 1 or 3; 0: 3 if any image has colour, else 1
  double test_fraction = 0.2;  // per class, held out as the test split (a seeded draw)
  std::int64_t seed = 0;       // of that draw
};

// Decodes (stb_image: PNG, JPEG, BMP, GIF, TGA, PNM) and resizes every image of `folder`, whose
// sub-folders are the classes (sorted by name; files sorted by name within each), or which holds
// `train/` and `test/` folders of class sub-folders (then test_fraction is not used). Throws
// ConfigError for a folder without classes, DataError naming an image that cannot be decoded.
ImageFile ImageFileFromFolder(const ImageFolderOptions& options);

}  // namespace naskit

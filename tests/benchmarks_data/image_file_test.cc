// naskit's image dataset file (benchmarks_data/image_file.h) and `naskit dataset`: a folder of
// PNG images becomes a file whose pixels and labels are the images', splits are seeded, and bad
// input names the file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stb/stb_image_write.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "benchmarks_data/image_file.h"
#include "core/errors.h"
#include "tests/test_util.h"

namespace naskit {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Class `dark`: grey images of value 10 + i; class `light`: 200 + i; 6 each, 8x8 PNGs.
std::string WriteImageFolder(const std::string& dir) {
  for (const auto& [name, base] : {std::pair<std::string, int>{"dark", 10}, {"light", 200}}) {
    fs::create_directories(dir + "/" + name);
    for (int i = 0; i < 6; ++i) {
      std::vector<std::uint8_t> pixels(std::size_t{64}, static_cast<std::uint8_t>(base + i));
      const std::string path = fmt::format("{}/{}/{:02}.png", dir, name, i);
      EXPECT_NE(stbi_write_png(path.c_str(), 8, 8, 1, pixels.data(), 8), 0);
    }
  }
  return dir;
}

TEST(ImageFileTest, AFolderOfImagesBecomesADatasetThatReadsBack) {
  const std::string dir = testing::TempDir("images");
  const ImageFile file = ImageFileFromFolder(
      {.folder = WriteImageFolder(dir + "/in"), .size = 4, .test_fraction = 1.0 / 3, .seed = 7});
  EXPECT_EQ(file.classes, (std::vector<std::string>{"dark", "light"}));
  EXPECT_EQ(file.train.count, 8);  // 4 of each class
  EXPECT_EQ(file.test.count, 4);   // 2 of each class, drawn with the seed
  EXPECT_EQ(file.train.channels, 1);
  EXPECT_EQ(file.train.height, 4);
  // Every image's pixels are its class's values (a uniform image stays uniform when resized).
  for (const ImageArrays* split : {&file.train, &file.test}) {
    for (std::int64_t i = 0; i < split->count; ++i) {
      const int pixel = split->pixels[static_cast<std::size_t>(i * 16)];
      EXPECT_EQ(split->labels[static_cast<std::size_t>(i)], pixel >= 200 ? 1 : 0);
    }
  }
  WriteImageFile(file, dir + "/d.h5");
  const ImageFile back = ReadImageFile(dir + "/d.h5");
  EXPECT_EQ(back.classes, file.classes);
  EXPECT_EQ(back.train.pixels, file.train.pixels);
  EXPECT_EQ(back.test.labels, file.test.labels);
  EXPECT_THAT(back.source, HasSubstr("1 channel"));
  // The same seed draws the same test split; another seed another one.
  const ImageFile again =
      ImageFileFromFolder({.folder = dir + "/in", .size = 4, .test_fraction = 1.0 / 3, .seed = 7});
  EXPECT_EQ(again.test.pixels, file.test.pixels);
  const ImageFile other =
      ImageFileFromFolder({.folder = dir + "/in", .size = 4, .test_fraction = 1.0 / 3, .seed = 8});
  EXPECT_NE(other.test.pixels, file.test.pixels);
}

TEST(ImageFileTest, BadInputNamesTheFile) {
  const std::string dir = testing::TempDir("images-bad");
  WriteImageFolder(dir + "/in");
  std::ofstream(dir + "/in/dark/broken.png") << "not a png";
  EXPECT_THAT([&] { ImageFileFromFolder({.folder = dir + "/in"}); },
              ThrowsMessage<DataError>(HasSubstr(dir + "/in/dark/broken.png: cannot decode")));
  fs::create_directories(dir + "/empty");
  EXPECT_THAT([&] { ImageFileFromFolder({.folder = dir + "/empty"}); },
              ThrowsMessage<ConfigError>(HasSubstr("holds no class folder")));
  EXPECT_THAT([&] { ReadImageFile(dir + "/missing.h5"); },
              ThrowsMessage<ConfigError>(HasSubstr("dataset file not found")));
  std::ofstream(dir + "/text.h5") << "hello";
  EXPECT_THAT([&] { ReadImageFile(dir + "/text.h5"); },
              ThrowsMessage<DataError>(HasSubstr(dir + "/text.h5: not an HDF5 file")));
  ImageFile file;
  file.classes = {"a"};
  file.train = {1, 1, 1, 1, {0}, {3}};  // label 3 of 1 class
  file.test = {1, 1, 1, 1, {0}, {0}};
  EXPECT_THAT([&] { WriteImageFile(file, dir + "/bad.h5"); },
              ThrowsMessage<DataError>(HasSubstr("image 0 has label 3 (expected 0 to 0")));
  EXPECT_FALSE(fs::exists(dir + "/bad.h5"));
}

TEST(ImageFileTest, TheCommandWritesTheFileAndRefusesBadOptions) {
  const std::string dir = testing::TempDir("images-cli");
  WriteImageFolder(dir + "/in");
  const auto ok =
      testing::RunCli({"dataset", "--from", dir + "/in", "--out", dir + "/d.h5", "--size", "8"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_THAT(ok.err, HasSubstr("2 classes; 10 training and 2 test images"));
  EXPECT_EQ(ReadImageFile(dir + "/d.h5").train.height, 8);
  const auto bad = testing::RunCli(
      {"dataset", "--from", dir + "/in", "--out", dir + "/e.h5", "--channels", "2"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("channels"));
}

}  // namespace
}  // namespace naskit

// `naskit dataset --from FOLDER --out FILE.h5`: a folder of images, one sub-folder per class, as a
// naskit image dataset (benchmarks_data/image_file.h) that real training reads (`data_file`).
#include <fmt/format.h>

#include "benchmarks_data/image_file.h"
#include "core/errors.h"
#include "experiments/cli/cli_util.h"
#include "experiments/cli/commands.h"

namespace naskit::cli {
namespace {

struct DatasetOptions {
  std::string from, out;
  int size = 32, channels = 0;
  double test_fraction = 0.2;
  std::int64_t seed = 0;
  template <class V>
  void Visit(V& v) {
    v("from", from,
      "folder with one sub-folder of images per class (or train/ and test/ folders of them)",
      Required());
    v("out", out, "the dataset file to write (.h5)", Required());
    v("size", size, "every image is resized to SIZE x SIZE pixels", InRange(1, 4096));
    v("channels", channels, "1 (grey) or 3 (RGB); 0: 3 if any image has colour, else 1",
      InRange(0, 3));
    v("test_fraction", test_fraction,
      "fraction of each class held out as the test split, drawn with --seed (not used with "
      "train/ and test/ folders)",
      InRange(0, 0.99));
    v("seed", seed, "seed of the test split's draw", AtLeast(0));
  }
};

}  // namespace

int DatasetCommand(const Args& args) {
  const auto o = ParseCommand<DatasetOptions>(
      args, "dataset",
      "dataset --from FOLDER --out FILE.h5 [--size 32] [--channels 1|3] [--test-fraction 0.2]");
  if (!o) return 0;
  const ImageFile file =
      ImageFileFromFolder({o->from, o->size, o->channels, o->test_fraction, o->seed});
  WriteImageFile(file, o->out);
  fmt::print(stderr, "naskit: {}: {}\n", o->out, file.source);
  return 0;
}

}  // namespace naskit::cli

// `naskit train` and `naskit bench`: run build/naskit-torch, the executable that links LibTorch, so
// that `naskit` itself starts in milliseconds.
#include <unistd.h>

#include <filesystem>

#include "core/errors.h"
#include "core/plugins.h"
#include "experiments/cli/commands.h"

namespace naskit::cli {
namespace {

[[noreturn]] int RunTorchTool(const std::string& command, const Args& args) {
  namespace fs = std::filesystem;
  const fs::path tool = fs::read_symlink("/proc/self/exe").parent_path() / "naskit-torch";
  if (!fs::exists(tool)) {
    throw IoError(
        tool.string() + " not found: `naskit " + command +
        "` needs the LibTorch layer (install libtorch-dev and rebuild with -DNASKIT_TORCH=ON)");
  }
  // The plugins this process loaded are loaded there too.
  std::vector<std::string> argv_strings = {tool.string(), command};
  const std::vector<std::string> plugins = PluginArguments();
  argv_strings.insert(argv_strings.end(), plugins.begin(), plugins.end());
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  throw IoError(tool.string() + ": cannot run");
}

}  // namespace

int TrainCommand(const Args& args) { RunTorchTool("train", args); }
int BenchCommand(const Args& args) {
  // `bench seal` needs no LibTorch.
  if (!args.empty() && args.front() == "seal")
    return BenchSealCommand({args.begin() + 1, args.end()});
  RunTorchTool("bench", args);
}
int VerifyCommand(const Args& args) { RunTorchTool("verify", args); }
int ZeroCostCommand(const Args& args) { RunTorchTool("zc", args); }
int LatencyCommand(const Args& args) { RunTorchTool("latency", args); }

}  // namespace naskit::cli

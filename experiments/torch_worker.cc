// Worker processes of evaluators; see torch_worker.h.
#include "experiments/torch_worker.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/errors.h"

namespace naskit {

std::string TorchProgram(const std::string& evaluator) {
  namespace fs = std::filesystem;
  if (const char* set = std::getenv("NASKIT_TORCH_PROGRAM")) return set;
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  const fs::path tool = self.parent_path() / "naskit-torch";
  if (error || !fs::exists(tool)) {
    throw ConfigError("evaluator " + Quote(evaluator) + " runs naskit-torch, which is not beside " +
                      self.string() +
                      " (build naskit with LibTorch, -DNASKIT_TORCH=ON, or set "
                      "NASKIT_TORCH_PROGRAM)");
  }
  return tool.string();
}

std::string LogTail(const std::string& path) {
  std::string text;
  try {
    text = ReadFileContents(path);
  } catch (const std::exception&) {
    return "";
  }
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const std::size_t from = text.size() > 300 ? text.size() - 300 : 0;
  std::string tail = text.substr(from);
  std::replace(tail.begin(), tail.end(), '\n', ' ');
  return tail;
}

}  // namespace naskit

// What the evaluators that run naskit-torch worker processes share (training_evaluator.cc,
// supernet_evaluator.cc).
#pragma once

#include <string>

namespace naskit {

// naskit-torch beside the running program (build/naskit, or an installed bin/naskit), or where
// NASKIT_TORCH_PROGRAM says; throws ConfigError naming `evaluator` when there is none.
std::string TorchProgram(const std::string& evaluator);

// The last 300 characters of a worker's log, on one line ("" when it cannot be read): the reason a
// worker failed.
std::string LogTail(const std::string& path);

}  // namespace naskit

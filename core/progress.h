// Progress of long work on stderr: a redrawn bar (done/total, elapsed, ETA) on a terminal, plain
// lines at every tenth otherwise (logs, CI), and each minute in between. Thread-safe.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace naskit {

class Progress {
 public:
  Progress(std::string label, std::size_t total, std::FILE* out = stderr);
  void Advance(std::size_t n = 1);
  void Finish();

 private:
  void Draw(bool final);

  std::string label_;
  std::size_t total_;
  std::size_t done_ = 0;
  std::size_t drawn_done_ = static_cast<std::size_t>(-1);
  std::FILE* out_;
  bool tty_;
  bool finished_ = false;
  std::size_t next_line_tenth_ = 1;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
};

}  // namespace naskit

// Progress reporting; see progress.h.
#include "core/progress.h"

#include <unistd.h>

#include <cmath>

#include <fmt/format.h>

namespace naskit {
namespace {

std::string Clock(double seconds) {
  const auto s = std::lround(seconds);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

Progress::Progress(std::string label, std::size_t total, std::FILE* out)
    : label_(std::move(label)),
      total_(total),
      out_(out),
      tty_(::isatty(::fileno(out)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::Advance(std::size_t n) {
  std::lock_guard lock(mutex_);
  done_ += n;
  const auto now = std::chrono::steady_clock::now();
  // Plain output: a line at every tenth, and at least every minute for work of hours.
  if (tty_
          ? now - last_draw_ > std::chrono::milliseconds(100)
          : done_ * 10 >= next_line_tenth_ * total_ || now - last_draw_ > std::chrono::minutes(1)) {
    last_draw_ = now;
    Draw(false);
  }
}

void Progress::Finish() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (tty_ || drawn_done_ != done_) Draw(true);  // plain output may already show the last count
}

void Progress::Draw(bool final) {
  drawn_done_ = done_;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
  const std::string eta =
      done_ ? Clock(elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_))
            : "?";
  if (tty_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    fmt::print(out_, "\r{} [{}{}] {}/{} {:3.0f}% elapsed {} eta {}\x1b[K{}", label_,
               std::string(filled, '#'), std::string(kWidth - filled, '.'), done_, total_,
               100 * fraction, Clock(elapsed), eta, final ? "\n" : "");
  } else {
    while (next_line_tenth_ <= 10 && done_ * 10 >= next_line_tenth_ * total_) ++next_line_tenth_;
    fmt::print(out_, "{}: {}/{} ({:.0f}%), elapsed {}, eta {}\n", label_, done_, total_,
               100 * fraction, Clock(elapsed), eta);
  }
  std::fflush(out_);
}

}  // namespace naskit

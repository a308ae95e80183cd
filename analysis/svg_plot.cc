// SVG rendering of line charts; see svg_plot.h.
#include "analysis/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace naskit {
namespace {

constexpr double kWidth = 720, kHeight = 440, kLeft = 70, kRight = 190, kTop = 40, kBottom = 55;
constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// About five round tick values covering [lo, hi].
std::vector<double> Ticks(double lo, double hi) {
  const double span = hi - lo;
  if (!(span > 0)) return {lo};
  const double raw = span / 5, magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * magnitude) {
      step = m * magnitude;
      break;
    }
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push_back(t);
  return ticks;
}

// 1, 2, 5 times the powers of ten within [lo, hi] (lo > 0).
std::vector<double> LogTicks(double lo, double hi) {
  std::vector<double> ticks;
  for (double t = std::pow(10, std::floor(std::log10(lo))); t <= hi * 1.0001; t *= 10) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (t * m >= lo * 0.9999 && t * m <= hi * 1.0001) ticks.push_back(t * m);
    }
  }
  return ticks;
}

}  // namespace

// The plot's ranges over every finite value (bands included; log axes need positive values) and
// the mapping of data to pixel coordinates.
struct Axes {
  double x_lo, x_hi, y_lo, y_hi;
  bool log_x, log_y;

  double X(double x) const {
    const double f = log_x ? (std::log(x) - std::log(x_lo)) / (std::log(x_hi) - std::log(x_lo))
                           : (x - x_lo) / (x_hi - x_lo);
    return kLeft + f * (kWidth - kLeft - kRight);
  }
  double Y(double y) const {
    const double f =
        log_y ? (std::log(std::max(y, y_lo)) - std::log(y_lo)) / (std::log(y_hi) - std::log(y_lo))
              : (y - y_lo) / (y_hi - y_lo);
    return kHeight - kBottom - f * (kHeight - kTop - kBottom);
  }
};

Axes AxesOf(const PlotSpec& spec) {
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (const auto& s : spec.series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.mean[i])) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      const double lo = s.low.empty() ? s.mean[i] : s.low[i],
                   hi = s.high.empty() ? s.mean[i] : s.high[i];
      for (double y : {lo, s.mean[i], hi}) {
        if (!std::isfinite(y) || (spec.log_y && y <= 0)) continue;
        y_lo = std::min(y_lo, y);
        y_hi = std::max(y_hi, y);
      }
    }
  }
  if (!std::isfinite(x_lo)) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  if (x_hi == x_lo) x_hi = x_lo + 1;
  if (y_hi == y_lo) y_hi = y_lo + 1;
  const bool log_x = spec.log_x && x_lo > 0;
  const bool log_y = spec.log_y && y_lo > 0;
  if (log_y) {
    y_lo = std::pow(10, std::floor(std::log10(y_lo)));
    y_hi = std::pow(10, std::ceil(std::log10(y_hi)));
  } else {
    const double y_pad = (y_hi - y_lo) * 0.05;
    y_lo -= y_pad;
    y_hi += y_pad;
  }
  return {x_lo, x_hi, y_lo, y_hi, log_x, log_y};
}

std::string RenderSvg(const PlotSpec& spec) {
  const Axes axes = AxesOf(spec);
  const auto [x_lo, x_hi, y_lo, y_hi, log_x, log_y] = axes;
  auto tx = [&](double x) { return axes.X(x); };
  auto ty = [&](double y) { return axes.Y(y); };

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"22\" font-size=\"15\">{3}</text>\n",
      kWidth, kHeight, kLeft, Escape(spec.title));
  // Axes, grid and ticks.
  svg += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", kLeft,
      kTop, kWidth - kLeft - kRight, kHeight - kTop - kBottom);
  for (double t : log_y ? LogTicks(y_lo, y_hi) : Ticks(y_lo, y_hi)) {
    svg += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:g}</text>\n",
        kLeft, kWidth - kRight, ty(t), kLeft - 6, ty(t) + 4, t);
  }
  for (double t : log_x ? LogTicks(x_lo, x_hi) : Ticks(x_lo, x_hi)) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4:g}</text>\n",
        tx(t), kTop, kHeight - kBottom, kHeight - kBottom + 16, t);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     (kLeft + kWidth - kRight) / 2, kHeight - 15, Escape(spec.x_label));
  svg += fmt::format(
      "<text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      (kTop + kHeight - kBottom) / 2, Escape(spec.y_label));

  for (std::size_t k = 0; k < spec.series.size(); ++k) {
    const auto& s = spec.series[k];
    const char* colour = kColours[k % std::size(kColours)];
    if (!s.low.empty()) {
      std::string band;
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (std::isfinite(s.high[i]))
          band +=
              fmt::format("{}{:.1f},{:.1f} ", band.empty() ? "M" : "L", tx(s.x[i]), ty(s.high[i]));
      }
      for (std::size_t i = s.x.size(); i-- > 0;) {
        if (std::isfinite(s.low[i]))
          band += fmt::format("L{:.1f},{:.1f} ", tx(s.x[i]), ty(s.low[i]));
      }
      if (!band.empty())
        svg += fmt::format("<path d=\"{}Z\" fill=\"{}\" fill-opacity=\"0.15\" stroke=\"none\"/>\n",
                           band, colour);
    }
    if (s.points) {
      svg += fmt::format("<g data-series=\"{}\" fill=\"{}\" fill-opacity=\"0.4\">\n",
                         Escape(s.name), colour);
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (std::isfinite(s.mean[i]))
          svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"1.5\"/>\n", tx(s.x[i]),
                             ty(s.mean[i]));
      }
      svg += "</g>\n";
    }
    std::string line;
    for (std::size_t i = 0; i < s.x.size() && !s.points; ++i) {
      if (std::isfinite(s.mean[i]))
        line +=
            fmt::format("{}{:.1f},{:.1f} ", line.empty() ? "M" : "L", tx(s.x[i]), ty(s.mean[i]));
    }
    if (!s.points) {
      svg += fmt::format(
          "<path data-series=\"{}\" d=\"{}\" fill=\"none\" stroke=\"{}\" "
          "stroke-width=\"2\"/>\n",
          Escape(s.name), line, colour);
    }
    const double ly = kTop + 14 + 18 * static_cast<double>(k);
    svg += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"3\"/>"
        "<text x=\"{4}\" y=\"{5}\">{6}</text>\n",
        kWidth - kRight + 12, kWidth - kRight + 32, ly, colour, kWidth - kRight + 38, ly + 4,
        Escape(s.name));
  }
  return svg + "</svg>\n";
}

}  // namespace naskit

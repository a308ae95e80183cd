// SVG rendering of line charts; see svg_plot.h.
#include "analysis/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <sys/wait.h>

#include <cerrno>
#include <filesystem>

#include <fmt/format.h>

#include "core/atomic_file.h"
#include "core/child_process.h"
#include "core/errors.h"

namespace naskit {
namespace {

constexpr double kPlotWidth = 530, kHeight = 440, kLeft = 70, kTop = 40, kBottom = 55;
// Okabe & Ito's palette, which readers with any common colour-vision deficiency tell apart (its
// yellow left out: unreadable on white). Series also differ by dash pattern and marker, so that
// none hides another where their curves coincide, also in print.
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#000000"};
constexpr const char* kDashes[] = {"", "7 3", "2 2", "9 3 2 3", "4 4"};
enum class Marker { kCircle, kSquare, kTriangle, kDiamond, kCross };
constexpr int kMarkers = 5;
constexpr std::size_t kMarkersPerLine = 8;

// The legend's width: the longest name at about 7 pixels a character, clear of the border.
double LegendWidth(const PlotSpec& spec) {
  std::size_t longest = 0;
  for (const auto& s : spec.series) longest = std::max(longest, s.name.size());
  return std::max(120.0, 52 + 7.0 * static_cast<double>(longest));
}

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

// Four to eight round tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi].
std::vector<double> Ticks(double lo, double hi) {
  const double span = hi - lo;
  if (!(span > 0)) return {lo};
  const double raw = span / 7, magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double m : {1.0, 2.0, 5.0}) {
    if (raw <= m * magnitude * (1 + 1e-9)) {
      step = m * magnitude;
      break;
    }
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);  // 0, never "-0" or 1e-17
  }
  return ticks;
}

// 1, 2, 5 times the powers of ten within [lo, hi] (lo > 0); on a range narrower than that gives
// three ticks of, round linear ones.
std::vector<double> LogTicks(double lo, double hi) {
  std::vector<double> ticks;
  for (double t = std::pow(10, std::floor(std::log10(lo))); t <= hi * 1.0001; t *= 10) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (t * m >= lo * 0.9999 && t * m <= hi * 1.0001) ticks.push_back(t * m);
    }
  }
  return ticks.size() >= 3 ? ticks : Ticks(lo, hi);
}

// A marker centred on (x, y), in the series' colour; `scale` 1 is 7 pixels across.
std::string MarkerSvg(Marker marker, double x, double y, const char* colour, double scale = 1) {
  if (scale != 1) {
    return fmt::format("<g transform=\"translate({:.1f} {:.1f}) scale({})\">{}</g>", x, y, scale,
                       MarkerSvg(marker, 0, 0, colour));
  }
  switch (marker) {
    case Marker::kCircle:
      return fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>", x, y,
                         colour);
    case Marker::kSquare:
      return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"7\" height=\"7\" fill=\"{}\"/>",
                         x - 3.5, y - 3.5, colour);
    case Marker::kTriangle:
      return fmt::format("<path d=\"M{:.1f},{:.1f} l4,7 h-8 z\" fill=\"{}\"/>", x, y - 4.5, colour);
    case Marker::kDiamond:
      return fmt::format("<path d=\"M{:.1f},{:.1f} l4,4.5 l-4,4.5 l-4,-4.5 z\" fill=\"{}\"/>", x,
                         y - 4.5, colour);
    case Marker::kCross:
      return fmt::format(
          "<path d=\"M{0:.1f},{1:.1f} l7,7 m0,-7 l-7,7\" stroke=\"{2}\" stroke-width=\"2\"/>",
          x - 3.5, y - 3.5, colour);
  }
  return "";
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
    return kLeft + f * kPlotWidth;
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
    // 5% of the range on either side, as on a linear axis: no empty decade above or below.
    const double pad = std::pow(y_hi / y_lo, 0.05);
    y_lo /= pad;
    y_hi *= pad;
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
  const double right_edge = kLeft + kPlotWidth, width = right_edge + LegendWidth(spec);

  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" "
      "fill=\"white\"/>\n"
      "<text x=\"{2}\" y=\"22\" font-size=\"15\">{3}</text>\n",
      width, kHeight, kLeft, Escape(spec.title));
  // Axes, grid and ticks.
  svg += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n", kLeft,
      kTop, kPlotWidth, kHeight - kTop - kBottom);
  for (double t : log_y ? LogTicks(y_lo, y_hi) : Ticks(y_lo, y_hi)) {
    svg += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\">{5:g}</text>\n",
        kLeft, right_edge, ty(t), kLeft - 6, ty(t) + 4, t);
  }
  for (double t : log_x ? LogTicks(x_lo, x_hi) : Ticks(x_lo, x_hi)) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">{4:g}</text>\n",
        tx(t), kTop, kHeight - kBottom, kHeight - kBottom + 16, t);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                     kLeft + kPlotWidth / 2, kHeight - 15, Escape(spec.x_label));
  svg += fmt::format(
      "<text transform=\"translate(18 {}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n",
      (kTop + kHeight - kBottom) / 2, Escape(spec.y_label));

  for (std::size_t k = 0; k < spec.series.size(); ++k) {
    const auto& s = spec.series[k];
    const std::size_t c = s.colour >= 0 ? static_cast<std::size_t>(s.colour) : k,
                      style = s.style >= 0 ? static_cast<std::size_t>(s.style) : k;
    const char* colour = kColours[c % std::size(kColours)];
    const char* dash = kDashes[style % std::size(kDashes)];
    const auto marker = static_cast<Marker>(style % kMarkers);
    const std::string dash_attribute =
        *dash ? fmt::format(" stroke-dasharray=\"{}\"", dash) : std::string();
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
      // Dots for the first series, then the series' own marker shape: colours repeat past the
      // palette, shapes tell such series apart.
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (!std::isfinite(s.mean[i])) continue;
        svg += style == 0 ? fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"1.5\"/>\n",
                                        tx(s.x[i]), ty(s.mean[i]))
                          : MarkerSvg(marker, tx(s.x[i]), ty(s.mean[i]), colour, 0.5) + "\n";
      }
      svg += "</g>\n";
    } else {
      std::string line;
      std::vector<std::size_t> finite;
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (!std::isfinite(s.mean[i])) continue;
        finite.push_back(i);
        line +=
            fmt::format("{}{:.1f},{:.1f} ", line.empty() ? "M" : "L", tx(s.x[i]), ty(s.mean[i]));
      }
      svg += fmt::format(
          "<path data-series=\"{}\" d=\"{}\" fill=\"none\" stroke=\"{}\" "
          "stroke-width=\"2\"{}/>\n",
          Escape(s.name), line, colour, dash_attribute);
      // A few markers along the line, staggered between series so that they do not coincide.
      const std::size_t every = std::max<std::size_t>(1, finite.size() / kMarkersPerLine);
      for (std::size_t j = (k * every) / std::max<std::size_t>(1, spec.series.size());
           j < finite.size(); j += every) {
        svg += MarkerSvg(marker, tx(s.x[finite[j]]), ty(s.mean[finite[j]]), colour);
      }
      svg += "\n";
    }
    const double ly = kTop + 14 + 18 * static_cast<double>(k);
    // The legend draws what the plot draws: a few dots, or the line with its marker.
    if (s.points) {
      for (double dx : {14.0, 25.0, 36.0}) {
        svg += style == 0 ? fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2\" fill=\"{}\"/>",
                                        right_edge + dx, ly, colour)
                          : MarkerSvg(marker, right_edge + dx, ly, colour, 0.6);
      }
    } else {
      svg += fmt::format(
          "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"{3}\" "
          "stroke-width=\"2.5\"{4}/>{5}",
          right_edge + 10, right_edge + 40, ly, colour, dash_attribute,
          MarkerSvg(marker, right_edge + 25, ly, colour));
    }
    svg +=
        fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", right_edge + 46, ly + 4, Escape(s.name));
  }
  return svg + "</svg>\n";
}

std::vector<std::string> WriteFigure(const PlotSpec& spec, const std::string& svg_path) {
  WriteFileAtomically(svg_path, RenderSvg(spec));
  std::vector<std::string> written{svg_path};
  static const std::string converter = FindProgram("rsvg-convert");
  if (converter.empty()) return written;
  const std::string pdf = std::filesystem::path(svg_path).replace_extension(".pdf").string();
  const std::string temporary = TemporaryPathFor(pdf);
  // SOURCE_DATE_EPOCH: no creation date in the PDF, so that the same figure gives the same bytes.
  const pid_t child =
      StartChild({converter, "-f", "pdf", "-o", temporary, svg_path},
                 {.log_path = "/dev/null", .environment = {{"SOURCE_DATE_EPOCH", "0"}}});
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    std::filesystem::rename(temporary, pdf);
    written.push_back(pdf);
  } else {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw IoError(fmt::format("{}: {} could not convert it to PDF ({})", svg_path, converter,
                              DescribeStatus(status)));
  }
  return written;
}

}  // namespace naskit

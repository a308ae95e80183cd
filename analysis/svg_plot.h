// A minimal SVG line chart (or scatter): mean curves with a shaded confidence band, one colour per
// series, axes with ticks and a legend. Enough for regret/accuracy-versus-budget figures, with no
// plotting dependency. Each series' path carries data-series="<name>" so tests and scripts can find
// it.
#pragma once

#include <string>
#include <vector>

namespace naskit {

struct PlotSeries {
  std::string name;
  std::vector<double> x, mean, low, high;  // low/high: the band (e.g. 95% CI); may be empty
  bool points = false;  // dots at (x, mean), not a line (e.g. every cell of a benchmark)
  // The palette's colour and the dash pattern and marker, by index; -1: the series' position.
  // Overlays give one colour per strategy and one style per experiment.
  int colour = -1, style = -1;
};

struct PlotSpec {
  std::string title, x_label, y_label;
  bool log_x = false;
  bool log_y = false;  // non-positive values are drawn at the bottom edge
  std::vector<PlotSeries> series;
};

std::string RenderSvg(const PlotSpec& spec);

// Writes `spec` as SVG to `svg_path` and, where rsvg-convert (Debian's librsvg2-bin) is installed,
// the same figure as PDF beside it, for papers. Returns the files written, the SVG first.
std::vector<std::string> WriteFigure(const PlotSpec& spec, const std::string& svg_path);

}  // namespace naskit

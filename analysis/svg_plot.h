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
};

struct PlotSpec {
  std::string title, x_label, y_label;
  bool log_x = false;
  bool log_y = false;  // non-positive values are drawn at the bottom edge
  std::vector<PlotSeries> series;
};

std::string RenderSvg(const PlotSpec& spec);

}  // namespace naskit

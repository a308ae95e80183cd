// The report's section on the supernets a one-shot suite trained (experiments/
// supernet_evaluator.cc keeps them in RESULTS/supernets/): per method and seed the derived cell,
// the search's seconds and peak memory; and, for the methods with architecture weights (DARTS,
// GDAS), a figure of each operation's weight over the epochs, the mean over the cell's edges with
// its 95 % interval over seeds: where DARTS drifts to parameter-free operations, it shows.
#pragma once

#include <string>
#include <vector>

namespace naskit {

// The Markdown section ("" when `results_dir` holds no supernets); figures are written under
// `out_dir`/plots and appended to `written`. Throws DataError naming the file and key for a
// record that is not one naskit-torch wrote.
std::string SupernetSection(const std::string& results_dir, const std::string& out_dir,
                            std::vector<std::string>& written);

}  // namespace naskit

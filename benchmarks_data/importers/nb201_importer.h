// Importer of NAS-Bench-201 (Dong & Yang, ICLR 2020; NATS-Bench topology space, Dong et al., TPAMI
// 2021) from the four plain CSVs of shared/data/derived into one naskit benchmark file.
#pragma once

#include <string>

#include "benchmarks_data/tabular_benchmark.h"

namespace naskit {

// Reads nb201.csv, nb201_latency_ms.csv, nb201_zero_cost.csv and nb201_train_time_1k.csv from
// `folder` and checks them (row counts, every architecture string parses and agrees with its index
// and isomorphism class, value ranges). Throws DataError naming file, line and column.
BenchmarkData ImportNb201(const std::string& folder);

}  // namespace naskit

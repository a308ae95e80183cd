// Inference latency of a space's networks on the machine that runs naskit: what `naskit latency`
// measures for every cell of a benchmark, so that a user adds their own device to it (a
// `hardware/<device>/latency_ms` table, as HW-NAS-Bench and HELP recorded 27 devices) and searches
// for it.
#pragma once

#include <cstdint>
#include <string>

#include "spaces/search_space.h"
#include "training/network.h"

namespace naskit {

struct LatencyOptions {
  std::string device = "cpu";  // or "cuda"
  int batch = 1;               // images per forward pass
  int warmup = 5;              // passes before the timed ones (allocator, caches, cuDNN choice)
  int repeats = 20;            // timed passes
  int threads = 1;             // LibTorch's intra-op threads on the CPU
  template <class V>
  void Visit(V& v) {
    v("device", device, "cpu, or cuda (a CUDA build of LibTorch)", OneOf({"cpu", "cuda"}));
    v("batch", batch, "images per forward pass (1: single-image latency)", InRange(1, 4096));
    v("warmup", warmup, "untimed forward passes before the timed ones", InRange(0, 10000));
    v("repeats", repeats, "timed forward passes; their median is the latency", InRange(1, 100000));
    v("threads", threads, "LibTorch threads on the CPU while timing", InRange(1, 1024));
  }
};

struct LatencyMeasurement {
  double median_ms = 0;  // of the timed passes
  double iqr_ms = 0;     // their interquartile range: the spread
};

// Times forward passes (evaluation mode, no gradients) of `arch`'s network of shape `shape` on a
// batch of random images; CUDA work is synchronised before each clock read. Throws ConfigError for
// a CUDA device LibTorch does not see, or a space without a network.
LatencyMeasurement MeasureLatency(const std::string& space, ArchId arch, const NetworkShape& shape,
                                  const LatencyOptions& options);

// "cpu: <model name> (N logical cores), LibTorch X.Y.Z", or the CUDA device's name: what a
// latency table records about the machine that filled it.
std::string DeviceDescription(const LatencyOptions& options);

}  // namespace naskit

// Inference latency; see latency.h.
#include "training/latency.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "training/trainer.h"

namespace naskit {
namespace {

torch::Device DeviceOf(const LatencyOptions& options) {
  if (options.device == "cuda" && !torch::cuda::is_available()) {
    throw ConfigError(
        "latency: device \"cuda\" asked for, but LibTorch sees no CUDA device (a CPU-only build, "
        "or no GPU)");
  }
  return options.device == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

// The value at quantile q of sorted `values` (linear interpolation between neighbours).
double Quantile(const std::vector<double>& values, double q) {
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  const std::size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("model name")) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown CPU";
}

}  // namespace

LatencyMeasurement MeasureLatency(const std::string& space, ArchId arch, const NetworkShape& shape,
                                  const LatencyOptions& options) {
  const torch::Device device = DeviceOf(options);
  const std::shared_ptr<NetworkImpl> model = FindTorchNetwork(space).build(arch, shape);
  model->to(device);
  model->eval();
  const torch::NoGradGuard no_grad;
  // The values do not matter to the time a pass takes; a fixed generator keeps runs alike.
  const torch::Tensor images =
      torch::rand({options.batch, shape.in_channels, shape.image_size, shape.image_size},
                  torch::TensorOptions().device(device));
  auto synchronise = [&] {
    if (device.is_cuda()) torch::cuda::synchronize();
  };
  for (int i = 0; i < options.warmup; ++i) model->forward(images);
  synchronise();
  std::vector<double> milliseconds;
  for (int i = 0; i < options.repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    model->forward(images);
    synchronise();
    milliseconds.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(milliseconds.begin(), milliseconds.end());
  return {Quantile(milliseconds, 0.5), Quantile(milliseconds, 0.75) - Quantile(milliseconds, 0.25)};
}

std::string DeviceDescription(const LatencyOptions& options) {
  if (options.device == "cuda") {
    DeviceOf(options);  // throws where there is none
    return fmt::format("cuda: {} CUDA device(s), LibTorch {}", torch::cuda::device_count(),
                       TORCH_VERSION);
  }
  return fmt::format("cpu: {} ({} logical cores, {} LibTorch thread(s)), LibTorch {}", CpuModel(),
                     std::thread::hardware_concurrency(), options.threads, TORCH_VERSION);
}

}  // namespace naskit

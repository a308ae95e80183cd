// One supernet training that the supernet evaluator (experiments/supernet_evaluator.cc) asks a
// worker process for, `naskit-torch supernet-job`, and the worker that answers its queries,
// `naskit-torch supernet-serve`. No LibTorch here: the table-driven core writes the request and
// reads the record.
//
// One-shot methods (training/one_shot.h), each in its paper's terms:
// - single_path: uniform single-path training, one random architecture per batch (RSPS, Li &
//   Talwalkar, UAI 2019; SPOS, Guo et al., ECCV 2020). Its search is a strategy over the trained
//   supernet: random search is RSPS, regularized evolution SPOS.
// - darts: DARTS (Liu et al., ICLR 2019): softmax-weighted mixtures, architecture weights trained
//   with Adam on validation batches, first order or (`order: 2`) the unrolled second-order
//   gradient; the derived cell takes each edge's strongest operation.
// - gdas: GDAS (Dong & Yang, CVPR 2019): one operation per edge sampled by Gumbel-softmax with a
//   temperature annealed from `tau_max` to `tau_min`, straight-through gradients.
// - darts_pt: DARTS-PT (Wang et al., ICLR 2021): the DARTS supernet (first order), then each edge
// in
//   turn is given the operation whose removal costs the supernet the most validation accuracy,
//   with `pt_tune_epochs` of weight training after each decision.
// Defaults follow NAS-Bench-201's search settings (Dong & Yang, ICLR 2020, Appendix): SGD with
// Nesterov momentum 0.9, learning rate 0.025 cosine to 0.001, weight decay 5e-4, batch 64, gradient
// norm clipped at 5; architecture Adam with learning rate 3e-4, betas (0.5, 0.999), weight decay
// 1e-3. Its 50 (DARTS) and 250 (GDAS) epochs on CIFAR-10 are far beyond a CPU: `epochs` is yours.
//
// The record `<folder>/<method>.json` (written atomically) holds per epoch the losses, accuracies,
// seconds and the architecture weights (softmax per edge), the derived cell where the method
// derives one, the peak resident memory and the total seconds. The supernet's checkpoint after the
// last finished epoch is `<folder>/<training>.pt` (the training rule: darts_pt trains as darts,
// so they share it); a killed training resumes from it.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/options.h"
#include "training/recipe.h"

namespace naskit {

// The registered one-shot methods (training/one_shot.h checks that the registry agrees).
inline const std::vector<std::string> kOneShotMethods = {"single_path", "darts", "gdas",
                                                         "darts_pt"};

struct OneShotSettings {
  std::string method = "single_path";
  int epochs = 10;
  int batch_size = 64;
  double learning_rate = 0.025, min_learning_rate = 0.001, momentum = 0.9, weight_decay = 5e-4;
  double grad_clip = 5;
  int order = 1;
  double arch_learning_rate = 3e-4, arch_weight_decay = 1e-3;
  double tau_max = 10, tau_min = 0.1;
  int pt_tune_epochs = 1;

  template <class V>
  void Visit(V& v) {
    v("method", method, "one-shot method: single_path, darts, gdas or darts_pt",
      OneOf(kOneShotMethods));
    v("epochs", epochs, "supernet training epochs", InRange(1, 100000));
    v("batch_size", batch_size, "images per step (and per architecture step)", InRange(1, 1000000));
    v("learning_rate", learning_rate, "weights' initial SGD learning rate (cosine decay)",
      InRange(1e-8, 10));
    v("min_learning_rate", min_learning_rate, "the cosine schedule's final learning rate",
      InRange(0, 10));
    v("momentum", momentum, "weights' Nesterov momentum", InRange(0, 1));
    v("weight_decay", weight_decay, "weights' L2 penalty", InRange(0, 1));
    v("grad_clip", grad_clip, "weights' gradient norm clip (0: none)", InRange(0, 1e6));
    v("order", order, "darts: 1 (first order) or 2 (unrolled second order)", InRange(1, 2));
    v("arch_learning_rate", arch_learning_rate, "darts, gdas, darts_pt: architecture Adam rate",
      InRange(0, 10));
    v("arch_weight_decay", arch_weight_decay, "darts, gdas, darts_pt: architecture L2 penalty",
      InRange(0, 1));
    v("tau_max", tau_max, "gdas: the Gumbel-softmax temperature at the first epoch",
      InRange(1e-6, 1e6));
    v("tau_min", tau_min, "gdas: the temperature at the last epoch", InRange(1e-6, 1e6));
    v("pt_tune_epochs", pt_tune_epochs,
      "darts_pt: epochs of weight training after each edge's decision", InRange(0, 1000));
  }

  // The rule that trains the supernet (what its checkpoint depends on): darts_pt trains as darts.
  std::string TrainingRule() const {
    if (method == "darts_pt" || (method == "darts" && order == 1)) return "darts1";
    if (method == "darts") return "darts2";
    return method;
  }
};

struct SupernetJob {
  std::string space = "nb201";
  std::int64_t seed = 0;
  std::string out;  // the record: <folder>/<method>.json
  OneShotSettings one_shot;
  TrainingSetup setup;
  std::string device = "cpu";
  int threads = 1;
  int stop_after = 0;

  template <class V>
  void Visit(V& v) {
    v("space", space, "search space (one with a supernet)");
    v("stop_after", stop_after,
      "end after this many epochs of this session, the checkpoint kept and no record written, to "
      "resume later (0: train to the end)",
      AtLeast(0));
    v("seed", seed, "seed of the supernet's weights, batch order and sampled paths", AtLeast(0));
    v("out", out, "the record to write: <folder>/<method>.json", Required());
    one_shot.Visit(v);
    setup.Visit(v);
    v("device", device, "cpu or cuda", OneOf({"cpu", "cuda"}));
    v("threads", threads, "CPU threads for LibTorch (0: all cores)", InRange(0, 1024));
  }
};

}  // namespace naskit

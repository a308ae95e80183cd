// Gradient-boosted trees and random forests through XGBoost's C API (Chen & Guestrin, KDD 2016).
//
// `xgboost` follows White et al., "How Powerful are Performance Predictors in Neural Architecture
// Search?" (NeurIPS 2021), whose NASLib predictor uses XGBoost's defaults (depth 6, learning rate
// 0.3, min_child_weight 1, full column sampling) for 500 rounds on standardised targets.
// `random_forest` is XGBoost's random-forest mode (Breiman, 2001): one round of `trees` parallel
// trees on bootstrap-like row samples and per-node column samples, learning rate 1.
//
// Trees are grown with the exact greedy method: its split search does not depend on the thread
// count, so a fit is the same with `threads: 1` or 16.
#include <xgboost/c_api.h>

#include <cmath>
#include <memory>
#include <mutex>
#include <numeric>

#include <fmt/format.h>

#include "core/errors.h"
#include "predictors/features.h"

namespace naskit {
namespace {

void Check(int status, const char* call) {
  if (status != 0) throw std::runtime_error(fmt::format("XGBoost {}: {}", call, XGBGetLastError()));
}

struct DMatrixDeleter {
  void operator()(void* handle) const { XGDMatrixFree(handle); }
};
struct BoosterDeleter {
  void operator()(void* handle) const { XGBoosterFree(handle); }
};
using DMatrix = std::unique_ptr<void, DMatrixDeleter>;
using Booster = std::unique_ptr<void, BoosterDeleter>;

DMatrix MakeMatrix(const std::vector<float>& x, std::size_t rows, std::size_t columns) {
  DMatrixHandle handle = nullptr;
  Check(XGDMatrixCreateFromMat(x.data(), rows, columns, NAN, &handle), "XGDMatrixCreateFromMat");
  return DMatrix(handle);
}

struct TreeOptions {
  std::string features = "onehot";
  int rounds = 500;
  int trees = 1;  // parallel trees per round
  int max_depth = 6;
  double learning_rate = 0.3;
  double min_child_weight = 1;
  double lambda = 1;
  double subsample = 1;
  double colsample_bytree = 1;
  double colsample_bylevel = 1;
  double colsample_bynode = 1;
  int threads = 1;
};

struct XgboostOptions : TreeOptions {
  template <class V>
  void Visit(V& v) {
    VisitTree(v, *this);
  }
  template <class V>
  static void VisitTree(V& v, TreeOptions& o) {
    v("features", o.features, kFeaturesHelp);
    v("rounds", o.rounds, "boosting rounds", InRange(1, 100000));
    v("trees", o.trees, "parallel trees per round (random-forest mode when > 1)",
      InRange(1, 10000));
    v("max_depth", o.max_depth, "maximum tree depth", InRange(1, 64));
    v("learning_rate", o.learning_rate, "shrinkage of each round (eta)", InRange(1e-6, 1));
    v("min_child_weight", o.min_child_weight, "minimum hessian sum in a leaf", AtLeast(0));
    v("lambda", o.lambda, "L2 penalty on leaf weights", AtLeast(0));
    v("subsample", o.subsample, "share of rows sampled per tree", InRange(1e-6, 1));
    v("colsample_bytree", o.colsample_bytree, "share of columns sampled per tree",
      InRange(1e-6, 1));
    v("colsample_bylevel", o.colsample_bylevel, "share of columns sampled per level",
      InRange(1e-6, 1));
    v("colsample_bynode", o.colsample_bynode, "share of columns sampled per split",
      InRange(1e-6, 1));
    v("threads", o.threads, "XGBoost threads (results do not depend on it)", InRange(1, 1024));
  }
};

struct RandomForestOptions : TreeOptions {
  RandomForestOptions() {
    rounds = 1;
    trees = 100;
    max_depth = 12;
    learning_rate = 1;
    lambda = 0;
    subsample = 0.8;
    colsample_bynode = 0.8;
  }
  template <class V>
  void Visit(V& v) {
    XgboostOptions::VisitTree(v, *this);
  }
};

class TreeEnsemble final : public Predictor {
 public:
  TreeEnsemble(const std::string& key, const TreeOptions& options, const PredictorContext& context)
      : options_(options), features_(options.features, context, "predictor " + Quote(key)) {}

  bool NeedsFit() const override { return true; }

  void Fit(std::span<const ArchId> archs, std::span<const double> targets,
           std::uint64_t seed) override {
    if (archs.size() != targets.size() || archs.empty()) {
      throw std::invalid_argument("Fit needs one target per architecture and at least one");
    }
    const std::vector<float> x = features_.Encode(archs);
    // Standardised targets: the model's base score (0.5) and L2 penalty then suit any scale.
    const double n = static_cast<double>(targets.size());
    mean_ = std::accumulate(targets.begin(), targets.end(), 0.0) / n;
    double var = 0;
    for (double t : targets) var += (t - mean_) * (t - mean_);
    scale_ = var > 0 ? std::sqrt(var / n) : 1.0;
    std::vector<float> labels;
    labels.reserve(targets.size());
    for (double t : targets) labels.push_back(static_cast<float>((t - mean_) / scale_));

    DMatrix train = MakeMatrix(x, archs.size(), features_.Width());
    Check(XGDMatrixSetFloatInfo(train.get(), "label", labels.data(), labels.size()),
          "XGDMatrixSetFloatInfo");
    BoosterHandle raw = nullptr;
    DMatrixHandle handles[] = {train.get()};
    Check(XGBoosterCreate(handles, 1, &raw), "XGBoosterCreate");
    Booster booster(raw);
    const std::pair<const char*, std::string> params[] = {
        {"objective", "reg:squarederror"},
        {"booster", "gbtree"},
        {"tree_method", "exact"},
        {"base_score", "0"},
        {"max_depth", std::to_string(options_.max_depth)},
        {"eta", fmt::format("{}", options_.learning_rate)},
        {"min_child_weight", fmt::format("{}", options_.min_child_weight)},
        {"lambda", fmt::format("{}", options_.lambda)},
        {"subsample", fmt::format("{}", options_.subsample)},
        {"colsample_bytree", fmt::format("{}", options_.colsample_bytree)},
        {"colsample_bylevel", fmt::format("{}", options_.colsample_bylevel)},
        {"colsample_bynode", fmt::format("{}", options_.colsample_bynode)},
        {"num_parallel_tree", std::to_string(options_.trees)},
        {"nthread", std::to_string(options_.threads)},
        {"seed", std::to_string(seed & 0x7fffffff)},
        {"verbosity", "0"},
    };
    for (const auto& [name, value] : params) {
      Check(XGBoosterSetParam(booster.get(), name, value.c_str()), "XGBoosterSetParam");
    }
    for (int round = 0; round < options_.rounds; ++round) {
      Check(XGBoosterUpdateOneIter(booster.get(), round, train.get()), "XGBoosterUpdateOneIter");
    }
    const std::lock_guard lock(mutex_);
    booster_ = std::move(booster);
  }

  Prediction Predict(std::span<const ArchId> archs) const override {
    if (!booster_) throw std::logic_error("predictor: Predict() before Fit()");
    Prediction p;
    if (archs.empty()) return p;
    const DMatrix matrix = MakeMatrix(features_.Encode(archs), archs.size(), features_.Width());
    // The output buffer belongs to the booster until its next call.
    const std::lock_guard lock(mutex_);
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* out = nullptr;
    Check(XGBoosterPredictFromDMatrix(booster_.get(), matrix.get(),
                                      R"({"type": 0, "training": false, "iteration_begin": 0,
                                          "iteration_end": 0, "strict_shape": false})",
                                      &shape, &dims, &out),
          "XGBoosterPredictFromDMatrix");
    p.mean.reserve(archs.size());
    for (std::size_t i = 0; i < archs.size(); ++i) p.mean.push_back(mean_ + scale_ * out[i]);
    return p;
  }

 private:
  TreeOptions options_;
  FeatureEncoder features_;
  Booster booster_;
  double mean_ = 0, scale_ = 1;
  mutable std::mutex mutex_;
};

const bool kTreePredictorsRegistered [[maybe_unused]] = [] {
  PredictorRegistry::Global().Add(PredictorRegistry::MakeEntryWith<XgboostOptions>(
      "xgboost", "gradient-boosted trees (XGBoost; White et al., NeurIPS 2021)",
      [](const XgboostOptions& o, const PredictorContext& c) -> std::unique_ptr<Predictor> {
        return std::make_unique<TreeEnsemble>("xgboost", o, c);
      }));
  PredictorRegistry::Global().Add(PredictorRegistry::MakeEntryWith<RandomForestOptions>(
      "random_forest", "random forest (XGBoost's random-forest mode; Breiman, 2001)",
      [](const RandomForestOptions& o, const PredictorContext& c) -> std::unique_ptr<Predictor> {
        return std::make_unique<TreeEnsemble>("random_forest", o, c);
      }));
  return true;
}();

}  // namespace
}  // namespace naskit

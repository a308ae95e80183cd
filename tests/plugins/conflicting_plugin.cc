// A plugin that registers a key naskit already has: loading it must be a clear error.
#include "predictors/predictor.h"

namespace conflicting {

struct NoOptions {
  template <class V>
  void Visit(V&) {}
};

class Constant final : public naskit::ZeroCostPredictor {
 public:
  Constant(const NoOptions&, const naskit::PredictorContext&) {}
  double Score(naskit::ArchId) const override { return 0; }
};

NASKIT_REGISTER_PREDICTOR(Constant, NoOptions, "xgboost", "takes a key that is already registered");

}  // namespace conflicting

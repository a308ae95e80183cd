// A plugin whose registrations fail: a key that is not a name (it would become a result path) and
// options whose declaration throws. Loading it must name the file and both problems, not abort.
#include <stdexcept>

#include "predictors/predictor.h"

namespace bad_registration {

struct NoOptions {
  template <class V>
  void Visit(V&) {}
};

struct ThrowingOptions {
  template <class V>
  void Visit(V&) {
    throw std::runtime_error("options cannot be described");
  }
};

class Constant final : public naskit::ZeroCostPredictor {
 public:
  template <class Options>
  Constant(const Options&, const naskit::PredictorContext&) {}
  double Score(naskit::ArchId) const override { return 0; }
};

using Escaping = Constant;
using Throwing = Constant;

NASKIT_REGISTER_PREDICTOR(Escaping, NoOptions, "../escape", "a key that leaves --out");
NASKIT_REGISTER_PREDICTOR(Throwing, ThrowingOptions, "throwing", "its registration throws");

}  // namespace bad_registration

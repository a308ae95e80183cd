// The table of zero-cost proxies; see zero_cost_proxies.h.
#include "predictors/zero_cost_proxies.h"

#include <array>

namespace naskit {

std::span<const ZeroCostProxyInfo> ZeroCostProxies() {
  static constexpr std::array<ZeroCostProxyInfo, 7> kProxies{{
      {"synflow", "log synaptic flow at initialisation, data-free (zero-cost)", false},
      {"snip", "connection sensitivity |theta * grad| on one minibatch (zero-cost)", true},
      {"grasp", "gradient signal preservation -theta * Hg on one minibatch (zero-cost)", true},
      {"fisher", "channel Fisher information on one minibatch (zero-cost)", true},
      {"grad_norm", "sum of per-layer gradient norms on one minibatch (zero-cost)", true},
      {"jacob_cov", "input-Jacobian correlation score on one minibatch (zero-cost)", true},
      {"naswot", "log-determinant of the ReLU-pattern kernel on one minibatch (zero-cost)", true},
  }};
  return kProxies;
}

}  // namespace naskit

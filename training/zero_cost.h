// Zero-cost proxies: scores of an untrained network that predict its trained accuracy.
//
// synflow: Tanaka, Kunin, Yamins & Ganguli, "Pruning neural networks without any data by
// iteratively conserving synaptic flow", NeurIPS 2020; used as a NAS proxy by Abdelfattah,
// Mehrotra, Dudziak & Lane, "Zero-Cost Proxies for Lightweight NAS", ICLR 2021. With every
// parameter replaced by its absolute value and an all-ones input, R = sum of the outputs; the score
// is sum |theta * dR/dtheta|. Computed in double precision with batch norm in evaluation mode (an
// identity at initialisation), so no data is needed; naskit reports its natural logarithm.
#pragma once

#include "spaces/nb201/nb201_macro.h"

namespace naskit {

double SynflowLogScore(ArchId arch, const Nb201MacroOptions& network, std::uint64_t seed);

}  // namespace naskit

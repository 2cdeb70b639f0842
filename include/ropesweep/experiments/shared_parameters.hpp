#pragma once
// Parameters that several experiments take, declared once here: the position
// encoding block (every experiment that applies an encoding includes it) and the
// minimum separation of position pairs.
#include <vector>

#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/experiments/parameter_binding.hpp"
#include "ropesweep/physics/encoding.hpp"

namespace ropesweep {

// encoding, base, head_dim, layout and every encoding's own parameters.
const ParameterBinding<EncodingConfig>& encoding_parameters();

// The encoding block's parameters that the point's encoding does not read
// (Experiment::unread_parameters of every experiment that includes the block).
std::vector<UnreadParameter> unread_encoding_parameters(const Parameters& point);

// g of docs/science.md ("Minimum separation").
ParameterInfo separation_parameter();
// How many samples a batch of a point holds (Experiment::batch_count).
ParameterInfo batch_samples_parameter();

}  // namespace ropesweep

// Decoding for `kinema-cli dev sample`: appends the official decode outputs (rot6d, transl,
// root_rotations_mat; with a body-assets folder also the grounded translation, joints, min_y and
// the NPZ arrays) under the fixture key names.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace kinema::cli {

Status append_decoded_motion(const at::Tensor& latent_denorm, const std::string& body_assets_dir,
                             std::vector<std::pair<std::string, at::Tensor>>& out);

}  // namespace kinema::cli

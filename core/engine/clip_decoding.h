// From a denormalised latent to MotionClips: the final decode (official smoothing + grounding) and
// the cheap per-step preview decode (no smoothing, no grounding). Pure functions; CPU; any thread.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/motion/motion_clip.h"
#include "core/result.h"

namespace kinema {

class WoodenBody;

struct ClipDecodeOptions {
    double fps = 30.0;
    bool smooth = true;  // quaternion smoothing + Savitzky-Golay (needs >= 11 frames)
    bool ground = true;  // with `body`: the official mesh grounding; without: skeleton-only
    const WoodenBody* body = nullptr;  // borrowed; may be null
};

// latent_denorm (S, L, 201) -> S clips, clip s tagged with seeds[s]. ShapeMismatch on other shapes
// or a seed count that differs from S.
Result<std::vector<MotionClip>> decode_clips(const at::Tensor& latent_denorm,
                                             const std::vector<int64_t>& seeds,
                                             const ClipDecodeOptions& options);

// The preview of one sampling step: rotations straight from the 6D values, joints by FK plus the
// raw translation. Cheap (no smoothing, no mesh); same shapes as decode_clips.
Result<std::vector<MotionClip>> decode_preview_clips(const at::Tensor& latent_denorm,
                                                     const std::vector<int64_t>& seeds, double fps);

}  // namespace kinema

// MotionClip: one seed's decoded motion, the value every consumer (preview, playback, exports)
// shares. Immutable once published (share it as shared_ptr<const ...>); CPU float32 tensors;
// Y-up, metres, faces +Z at rest, 30 fps unless resampled.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace kinema {

struct MotionClip {
    int64_t seed = 0;
    double fps = 30.0;
    at::Tensor rot6d;      // (L, 22, 6): root + 21 local rotations (HY-Motion's 6D layout)
    at::Tensor rotations;  // (L, 22, 3, 3) the same as matrices
    at::Tensor transl;     // (L, 3) root translation (grounded when the run grounded it)
    at::Tensor joints;     // (L, 52, 3) world joint positions (fingers at rest)

    int64_t frames() const { return transl.defined() ? transl.size(0) : 0; }
};

}  // namespace kinema

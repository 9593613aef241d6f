// BVH (Biovision hierarchy) reader: HIERARCHY with ROOT/JOINT/End Site, OFFSET, CHANNELS (3 or 6,
// any order), MOTION with Frames/Frame Time and one line of channel values per frame.
// Conventions (those of Blender's and three.js' importers): a joint's rotation is the product of
// its rotation channels in the listed order (intrinsic); the root's position channels are its
// absolute position (the root OFFSET is used only when it has no position channels).
// Thread safety: pure functions.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/motion/skeletal_animation.h"
#include "core/result.h"

namespace kinema {

struct BvhClip {
    SkeletalAnimation animation;              // lengths multiplied by `scale_to_m`
    std::vector<EulerOrder> rotation_orders;  // J: each joint's rotation channel order
    double frame_time_s = 0;
};

// `scale_to_m`: metres per file unit (0.01 for centimetres). BadModelFile on malformed text (the
// message names the line), Unsupported for position channels on a non-root joint.
Result<BvhClip> parse_bvh(std::string_view text, double scale_to_m = 1.0);
// Io if the file cannot be read; otherwise as parse_bvh.
Result<BvhClip> read_bvh(const std::filesystem::path& path, double scale_to_m = 1.0);

}  // namespace kinema

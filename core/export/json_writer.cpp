#include "core/export/json_writer.h"

#include <ATen/ATen.h>

#include <charconv>
#include <cstdlib>

#include "core/export/atomic_file.h"
#include "core/export/clip_animation.h"
#include "core/export/export_json_detail.h"
#include "core/motion/rotations.h"
#include "core/motion/skeleton.h"
#include "core/motion/tensor_checks.h"

namespace kinema {
namespace {

using json = nlohmann::ordered_json;

// The double whose shortest decimal form is the float's (so dumps stay short).
double float_value(float f) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof(buf), f);
    *r.ptr = '\0';
    return std::strtod(buf, nullptr);
}

// Nested arrays of a float tensor; the innermost dimension holds numbers (float32 precision).
json nested(const float* data, const std::vector<int64_t>& shape, size_t dim = 0) {
    json out = json::array();
    int64_t stride = 1;
    for (size_t d = dim + 1; d < shape.size(); ++d)
        stride *= shape[d];
    for (int64_t i = 0; i < shape[dim]; ++i) {
        if (dim + 1 == shape.size())
            out.push_back(float_value(data[i]));
        else
            out.push_back(nested(data + i * stride, shape, dim + 1));
    }
    return out;
}

json tensor_json(const at::Tensor& t) {
    const auto c = t.to(at::kCPU, at::kFloat).contiguous();
    return nested(c.data_ptr<float>(), std::vector<int64_t>(c.sizes().begin(), c.sizes().end()));
}

}  // namespace

Result<std::string> motion_json_text(const MotionClip& clip, const ExportMetadata& metadata) {
    auto animation = animation_from_clip(clip, 52);
    if (!animation.ok()) return animation.error();
    return motion_detail::guard("json export", [&]() -> Result<std::string> {
        const auto& skeleton = Skeleton::builtin();
        const auto rotations =
            clip.rotations.defined() ? clip.rotations : rot6d_to_matrix(clip.rot6d);
        const auto rot6d = clip.rot6d.defined() ? clip.rot6d : matrix_to_rot6d(clip.rotations);
        at::Tensor joints = clip.joints;
        if (!joints.defined() || joints.dim() != 3 || joints.size(0) != clip.frames()) {
            const auto world = animation->world_positions();
            joints = at::empty({clip.frames(), 52, 3}, at::kFloat);
            float* p = joints.data_ptr<float>();
            for (size_t i = 0; i < world.size(); ++i)
                for (int k = 0; k < 3; ++k)
                    p[3 * i + k] = static_cast<float>(world[i][k]);
        }
        json j;
        j["format"] = "kinema-motion";
        j["version"] = 1;
        j["settings"] = export_detail::metadata_to_json(metadata);
        j["fps"] = clip.fps;
        j["frames"] = clip.frames();
        j["joint_names"] = skeleton.names;
        j["parents"] = skeleton.parents;
        j["rest_joints_m"] = tensor_json(skeleton.rest_joints_m);
        j["rot6d"] = tensor_json(rot6d);
        j["quaternions_wxyz"] = tensor_json(matrix_to_quaternion(rotations.to(at::kFloat)));
        j["transl_m"] = tensor_json(clip.transl);
        j["joints_world_m"] = tensor_json(joints);
        return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    });
}

Status write_motion_json(const std::filesystem::path& path, const MotionClip& clip,
                         const ExportMetadata& metadata) {
    auto text = motion_json_text(clip, metadata);
    if (!text.ok()) return text.error();
    return write_file_atomic(path, *text);
}

}  // namespace kinema

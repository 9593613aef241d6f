#include "core/engine/clip_decoding.h"

#include <ATen/ATen.h>

#include <string>

#include "core/motion/body_grounding.h"
#include "core/motion/motion_decoder.h"
#include "core/motion/rotations.h"
#include "core/motion/skeleton.h"
#include "core/motion/wooden_body.h"

namespace kinema {
namespace {

Status check_latent(const at::Tensor& latent, const std::vector<int64_t>& seeds) {
    if (!latent.defined() || latent.dim() != 3 || latent.size(2) != kMotionLatentDim)
        return make_error(ErrorKind::ShapeMismatch, "latent must be (S, L, 201)");
    if (latent.size(0) != static_cast<int64_t>(seeds.size()))
        return make_error(ErrorKind::ShapeMismatch, "latent has " + std::to_string(latent.size(0)) +
                                                        " samples for " +
                                                        std::to_string(seeds.size()) + " seeds");
    return {};
}

std::vector<MotionClip> split(const at::Tensor& rot6d, const at::Tensor& transl,
                              const at::Tensor& joints_world, const std::vector<int64_t>& seeds,
                              double fps) {
    const at::Tensor rotations = rot6d_to_matrix(rot6d);
    std::vector<MotionClip> clips;
    for (std::size_t s = 0; s < seeds.size(); ++s) {
        const auto i = static_cast<int64_t>(s);
        MotionClip clip;
        clip.seed = seeds[s];
        clip.fps = fps;
        clip.rot6d = rot6d[i].contiguous();
        clip.rotations = rotations[i].contiguous();
        clip.transl = transl[i].contiguous();
        clip.joints = joints_world[i].contiguous();
        clips.push_back(std::move(clip));
    }
    return clips;
}

}  // namespace

Result<std::vector<MotionClip>> decode_clips(const at::Tensor& latent_denorm,
                                             const std::vector<int64_t>& seeds,
                                             const ClipDecodeOptions& options) {
    KINEMA_TRY_STATUS(check_latent(latent_denorm, seeds));
    try {
        DecodedMotion decoded;
        if (options.smooth) {
            auto d = decode_motion(latent_denorm);
            if (!d) return d.error();
            decoded = std::move(*d);
        } else {
            const at::Tensor l = latent_denorm.to(at::kCPU, at::kFloat);
            decoded.transl = l.slice(2, 0, 3).contiguous();
            decoded.rot6d = l.slice(2, 3, 3 + kMotionBodyJoints * 6)
                                .reshape({l.size(0), l.size(1), kMotionBodyJoints, 6})
                                .contiguous();
            decoded.root_rotations_mat = rot6d_to_matrix(decoded.rot6d.select(2, 0));
        }
        if (!options.ground) {
            auto posed = forward_kinematics(Skeleton::builtin(), rot6d_to_matrix(decoded.rot6d));
            if (!posed) return posed.error();
            return split(decoded.rot6d, decoded.transl, posed->joints + decoded.transl.unsqueeze(2),
                         seeds, options.fps);
        }
        auto grounded = options.body ? ground_motion(decoded, *options.body)
                                     : ground_motion_skeleton_only(decoded);
        if (!grounded) return grounded.error();
        return split(decoded.rot6d, grounded->transl, grounded->joints_world, seeds, options.fps);
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          std::string("decode failed: ") + e.what_without_backtrace());
    }
}

Result<std::vector<MotionClip>> decode_preview_clips(const at::Tensor& latent_denorm,
                                                     const std::vector<int64_t>& seeds,
                                                     double fps) {
    KINEMA_TRY_STATUS(check_latent(latent_denorm, seeds));
    try {
        const at::Tensor l = latent_denorm.to(at::kCPU, at::kFloat);
        const at::Tensor transl = l.slice(2, 0, 3).contiguous();
        const at::Tensor rot6d = l.slice(2, 3, 3 + kMotionBodyJoints * 6)
                                     .reshape({l.size(0), l.size(1), kMotionBodyJoints, 6})
                                     .contiguous();
        auto posed = forward_kinematics(Skeleton::builtin(), rot6d_to_matrix(rot6d));
        if (!posed) return posed.error();
        return split(rot6d, transl, posed->joints + transl.unsqueeze(2), seeds, fps);
    } catch (const c10::Error& e) {
        return make_error(ErrorKind::Internal,
                          std::string("preview decode failed: ") + e.what_without_backtrace());
    }
}

}  // namespace kinema

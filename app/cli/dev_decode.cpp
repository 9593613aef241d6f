#include "app/cli/dev_decode.h"

#include <ATen/ATen.h>

#include "core/motion/body_grounding.h"
#include "core/motion/motion_decoder.h"
#include "core/motion/npz_pose.h"
#include "core/motion/wooden_body.h"

namespace kinema::cli {

Status append_decoded_motion(const at::Tensor& latent_denorm, const std::string& body_assets_dir,
                             std::vector<std::pair<std::string, at::Tensor>>& out) {
    auto decoded = decode_motion(latent_denorm);
    if (!decoded) return decoded.error();
    out.emplace_back("rot6d", decoded->rot6d);
    out.emplace_back("root_rotations_mat", decoded->root_rotations_mat);
    if (body_assets_dir.empty()) {
        out.emplace_back("transl", decoded->transl);
        return {};
    }
    auto body = WoodenBody::load(body_assets_dir);
    if (!body) return body.error();
    auto grounded = ground_motion(*decoded, *body);
    if (!grounded) return grounded.error();
    auto npz = make_npz_pose(decoded->rot6d, grounded->transl);
    if (!npz) return npz.error();
    const int64_t samples = decoded->rot6d.size(0);
    out.emplace_back("transl", grounded->transl);
    out.emplace_back("transl_before_ground", grounded->transl_before_ground);
    out.emplace_back("keypoints3d", grounded->keypoints3d);
    out.emplace_back("min_y", grounded->min_y);
    out.emplace_back("lbs.frame_min_y", grounded->frame_min_y);
    out.emplace_back("npz.poses", npz->poses);
    out.emplace_back("npz.trans", npz->trans);
    out.emplace_back("npz.Rh", npz->rh);
    out.emplace_back("npz.betas", npz->betas.unsqueeze(0).expand({samples, 1, 16}).contiguous());
    return {};
}

}  // namespace kinema::cli

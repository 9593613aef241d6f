// WoodenBody: HY-Motion's wooden-boy body model (body_model.WoodenMesh, spec §5.4.3): 24,256
// vertices skinned to the 52-joint skeleton by plain linear blend skinning, 4 bones per vertex, no
// blend shapes. Posing never materialises the reference's (L, V, 4, 4, 4) temporaries (~5 GB at
// 360 frames): vertices are skinned one frame at a time, and the grounding path computes only each
// frame's lowest vertex height.
// Thread safety: immutable after load(); const methods may run concurrently.
#pragma once

#include <ATen/core/Tensor.h>

#include <filesystem>

#include "core/motion/skeleton.h"
#include "core/result.h"

namespace kinema {

class WoodenBody {
public:
    // From a dump_wooden folder: v_template.bin (f32 V x 3), skinWeights.bin (f32 V x 4),
    // skinIndice.bin (u16 V x 4, < J), kintree.bin + j_template.bin (see Skeleton::load), and
    // faces.bin (u16 x 3 per triangle, < V) when present. Io if a required file is missing;
    // BadModelFile if a size disagrees with V or J, an index is out of range or a value is not
    // finite. The error message names the file and both sizes.
    static Result<WoodenBody> load(const std::filesystem::path& folder);

    const Skeleton& skeleton() const { return skeleton_; }
    int64_t num_vertices() const { return rest_vertices_m_.size(0); }
    const at::Tensor& rest_vertices_m() const { return rest_vertices_m_; }  // (V, 3) f32, metres
    const at::Tensor& skin_weights() const { return skin_weights_; }        // (V, 4) f32
    const at::Tensor& skin_indices() const { return skin_indices_; }        // (V, 4) i64, < J
    const at::Tensor& faces() const { return faces_; }  // (F, 3) i64; undefined without faces.bin

    // Posed, translated vertices of every frame: rotations (N, 22|52, 3, 3) local joint rotations
    // (22: fingers padded with identity), transl (N, 3) metres -> (N, V, 3) f32 =
    // LBS(rotations) + transl. Memory: N x V x 3 floats; use it for a few frames (preview, tests).
    // ShapeMismatch on bad shapes.
    Result<at::Tensor> posed_vertices(const at::Tensor& rotations, const at::Tensor& transl) const;

    // The lowest posed vertex height of every frame: same inputs -> (N,) f32 = min over vertices of
    // (LBS(rotations).y + transl.y). Memory O(N x J); nothing per vertex is stored.
    Result<at::Tensor> frame_min_y(const at::Tensor& rotations, const at::Tensor& transl) const;

private:
    // Skinning matrices (N, J, 4, 4) f32 contiguous: global transforms with the translation
    // column replaced by t - R.J_rest (the reference's rel_transforms).
    at::Tensor skinning_transforms(const at::Tensor& rotations) const;

    Skeleton skeleton_;
    at::Tensor rest_vertices_m_, skin_weights_, skin_indices_, faces_;
    at::Tensor skin_indices_i32_;  // (V, 4) i32 copy for the skinning loops
};

}  // namespace kinema

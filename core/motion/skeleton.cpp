#include "core/motion/skeleton.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstring>
#include <fstream>
#include <optional>

#include "core/motion/asset_files.h"
#include "core/motion/tensor_checks.h"

namespace kinema {
namespace {

// joint_names.json of the wooden boy (SMPL-H order).
constexpr std::array<const char*, kSkeletonJoints> kJointNames = {
    "Pelvis",    "L_Hip",    "R_Hip",      "Spine1",     "L_Knee",    "R_Knee",    "Spine2",
    "L_Ankle",   "R_Ankle",  "Spine3",     "L_Foot",     "R_Foot",    "Neck",      "L_Collar",
    "R_Collar",  "Head",     "L_Shoulder", "R_Shoulder", "L_Elbow",   "R_Elbow",   "L_Wrist",
    "R_Wrist",   "L_Index1", "L_Index2",   "L_Index3",   "L_Middle1", "L_Middle2", "L_Middle3",
    "L_Pinky1",  "L_Pinky2", "L_Pinky3",   "L_Ring1",    "L_Ring2",   "L_Ring3",   "L_Thumb1",
    "L_Thumb2",  "L_Thumb3", "R_Index1",   "R_Index2",   "R_Index3",  "R_Middle1", "R_Middle2",
    "R_Middle3", "R_Pinky1", "R_Pinky2",   "R_Pinky3",   "R_Ring1",   "R_Ring2",   "R_Ring3",
    "R_Thumb1",  "R_Thumb2", "R_Thumb3",
};

// kintree.bin.
constexpr std::array<int64_t, kSkeletonJoints> kParents = {
    -1, 0,  0,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  9,  9,  12, 13, 14,
    16, 17, 18, 19, 20, 22, 23, 20, 25, 26, 20, 28, 29, 20, 31, 32, 20, 34,
    35, 21, 37, 38, 21, 40, 41, 21, 43, 44, 21, 46, 47, 21, 49, 50,
};

// j_template.bin, metres, Y-up (9 significant digits: these round-trip to the file's float32s).
constexpr float kRestJointsM[kSkeletonJoints][3] = {
    {-0.00179505802f, -0.190826997f, 0.0282191243f},  // 0 Pelvis
    {0.0805768371f, -0.280765176f, 0.0251169987f},    // 1 L_Hip
    {-0.0805767775f, -0.280765086f, 0.0251169987f},   // 2 R_Hip
    {0.0f, -0.0966411978f, 0.0317262821f},            // 3 Spine1
    {0.0998363793f, -0.658081949f, 0.0146634039f},    // 4 L_Knee
    {-0.0978526697f, -0.658177912f, 0.0146634029f},   // 5 R_Knee
    {0.0f, 0.0259810649f, 0.0291850735f},             // 6 Spine2
    {0.101074025f, -1.05621958f, -0.0374588892f},     // 7 L_Ankle
    {-0.0969974026f, -1.05631661f, -0.0374588929f},   // 8 R_Ankle
    {0.0f, 0.106240883f, 0.00501192641f},             // 9 Spine3
    {0.113632351f, -1.12785912f, 0.105247498f},       // 10 L_Foot
    {-0.109179497f, -1.12802124f, 0.105247363f},      // 11 R_Foot
    {0.0f, 0.302070946f, -0.0149538666f},             // 12 Neck
    {0.0546924956f, 0.22507371f, -0.0202328749f},     // 13 L_Collar
    {-0.0546924956f, 0.22507371f, -0.0202328749f},    // 14 R_Collar
    {0.0f, 0.397715062f, -0.0164542738f},             // 15 Head
    {0.165352762f, 0.237454504f, -0.0168597698f},     // 16 L_Shoulder
    {-0.165352777f, 0.237454504f, -0.0168597698f},    // 17 R_Shoulder
    {0.433443666f, 0.249385998f, -0.0295621194f},     // 18 L_Elbow
    {-0.433443695f, 0.249385998f, -0.0295621194f},    // 19 R_Elbow
    {0.702486634f, 0.253419608f, -0.0427310653f},     // 20 L_Wrist
    {-0.702486634f, 0.253419608f, -0.0427310653f},    // 21 R_Wrist
    {0.793082535f, 0.248876974f, -0.0189030599f},     // 22 L_Index1
    {0.830029368f, 0.247158274f, -0.0172992852f},     // 23 L_Index2
    {0.853161693f, 0.245987445f, -0.0158102624f},     // 24 L_Index3
    {0.792051971f, 0.256180823f, -0.0439126715f},     // 25 L_Middle1
    {0.837986708f, 0.253326416f, -0.0489327498f},     // 26 L_Middle2
    {0.866210401f, 0.251336843f, -0.0518602878f},     // 27 L_Middle3
    {0.780662656f, 0.24062635f, -0.0846446529f},      // 28 L_Pinky1
    {0.804687798f, 0.239067435f, -0.100030228f},      // 29 L_Pinky2
    {0.822081685f, 0.238233596f, -0.110834949f},      // 30 L_Pinky3
    {0.80029875f, 0.244670331f, -0.0670407191f},      // 31 L_Ring1
    {0.828132749f, 0.246314362f, -0.0714136884f},     // 32 L_Ring2
    {0.850794911f, 0.244926497f, -0.0778903514f},     // 33 L_Ring3
    {0.721260905f, 0.239179954f, -0.0186225828f},     // 34 L_Thumb1
    {0.749870121f, 0.238761261f, 0.00613104226f},     // 35 L_Thumb2
    {0.777648687f, 0.237539798f, 0.0249626748f},      // 36 L_Thumb3
    {-0.793082654f, 0.248876974f, -0.0189030599f},    // 37 R_Index1
    {-0.830029368f, 0.247158274f, -0.0172992852f},    // 38 R_Index2
    {-0.852325022f, 0.245379612f, -0.0158102624f},    // 39 R_Index3
    {-0.792051971f, 0.256180823f, -0.0439126715f},    // 40 R_Middle1
    {-0.837986708f, 0.253326416f, -0.0489327498f},    // 41 R_Middle2
    {-0.866210401f, 0.251336843f, -0.0518602878f},    // 42 R_Middle3
    {-0.780662656f, 0.24062635f, -0.0846446529f},     // 43 R_Pinky1
    {-0.804687858f, 0.239067435f, -0.100030228f},     // 44 R_Pinky2
    {-0.822081745f, 0.238233596f, -0.110834949f},     // 45 R_Pinky3
    {-0.789702296f, 0.252654552f, -0.0678649545f},    // 46 R_Ring1
    {-0.82842803f, 0.248307243f, -0.0775422528f},     // 47 R_Ring2
    {-0.85564667f, 0.24527736f, -0.0845929831f},      // 48 R_Ring3
    {-0.721260965f, 0.239179954f, -0.0186225828f},    // 49 R_Thumb1
    {-0.749870121f, 0.238761261f, 0.00613104226f},    // 50 R_Thumb2
    {-0.777648687f, 0.237539798f, 0.0249626748f},     // 51 R_Thumb3
};

Skeleton make_builtin() {
    Skeleton s;
    s.names.assign(kJointNames.begin(), kJointNames.end());
    s.parents.assign(kParents.begin(), kParents.end());
    s.rest_joints_m = at::empty({kSkeletonJoints, 3}, at::kFloat);
    std::memcpy(s.rest_joints_m.data_ptr<float>(), kRestJointsM, sizeof(kRestJointsM));
    return s;
}

// Names from joint_names.json if it exists and lists `count` strings; otherwise std::nullopt.
std::optional<std::vector<std::string>> read_joint_names(const std::filesystem::path& path,
                                                         int64_t count) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path);
    const auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_array() || static_cast<int64_t>(doc.size()) != count) return std::nullopt;
    std::vector<std::string> names;
    for (const auto& n : doc) {
        if (!n.is_string()) return std::nullopt;
        names.push_back(n.get<std::string>());
    }
    return names;
}

}  // namespace

at::Tensor Skeleton::rest_offsets_m() const {
    auto offsets = rest_joints_m.clone();
    for (int64_t i = 1; i < num_joints(); ++i) {
        offsets[i] = rest_joints_m[i] - rest_joints_m[parents[i]];
    }
    return offsets;
}

const Skeleton& Skeleton::builtin() {
    static const Skeleton skeleton = make_builtin();
    return skeleton;
}

Result<Skeleton> Skeleton::load(const std::filesystem::path& folder) {
    int64_t joints = 0;
    auto kintree = motion_detail::read_array_file(folder / "kintree.bin", 4, -1, joints);
    if (!kintree.ok()) return kintree.error();
    int64_t rest_values = 0;
    auto rest =
        motion_detail::read_array_file(folder / "j_template.bin", 4, joints * 3, rest_values);
    if (!rest.ok()) return rest.error();

    Skeleton s;
    s.parents.resize(static_cast<size_t>(joints));
    for (int64_t i = 0; i < joints; ++i) {
        int32_t p = 0;
        std::memcpy(&p, kintree->data() + 4 * i, 4);
        const bool valid = i == 0 ? p == -1 : (p >= 0 && p < i);
        if (!valid) {
            return make_error(ErrorKind::BadModelFile,
                              "kintree.bin: joint " + std::to_string(i) + " has parent " +
                                  std::to_string(p) + " (need -1 for the root, else 0 <= p < i)");
        }
        s.parents[static_cast<size_t>(i)] = p;
    }
    s.rest_joints_m = at::empty({joints, 3}, at::kFloat);
    std::memcpy(s.rest_joints_m.data_ptr<float>(), rest->data(), rest->size());
    if (!at::isfinite(s.rest_joints_m).all().item<bool>()) {
        return make_error(ErrorKind::BadModelFile, "j_template.bin holds non-finite values");
    }

    if (auto names = read_joint_names(folder / "joint_names.json", joints)) {
        s.names = std::move(*names);
    } else if (joints == kSkeletonJoints) {
        s.names.assign(kJointNames.begin(), kJointNames.end());
    } else {
        for (int64_t i = 0; i < joints; ++i)
            s.names.push_back("Joint_" + std::to_string(i));
    }
    return s;
}

Result<PosedSkeleton> forward_kinematics(const Skeleton& skeleton,
                                         const at::Tensor& local_rotations) {
    const int64_t joints = skeleton.num_joints();
    const bool shape_ok = local_rotations.defined() && local_rotations.dim() >= 3 &&
                          at::isFloatingType(local_rotations.scalar_type()) &&
                          local_rotations.size(-1) == 3 && local_rotations.size(-2) == 3;
    const int64_t given = shape_ok ? local_rotations.size(-3) : -1;
    const bool pad_fingers = given == 22 && joints == kSkeletonJoints;
    if (!shape_ok || (given != joints && !pad_fingers)) {
        return make_error(ErrorKind::ShapeMismatch,
                          "forward_kinematics: local_rotations: expected floating (..., " +
                              std::to_string(joints) + " or 22, 3, 3), got " +
                              motion_detail::describe_tensor(local_rotations));
    }
    return motion_detail::guard("forward_kinematics", [&]() -> Result<PosedSkeleton> {
        const auto batch = local_rotations.sizes().slice(0, local_rotations.dim() - 3);
        auto rot = local_rotations.reshape({-1, given, 3, 3});
        const int64_t frames = rot.size(0);
        if (pad_fingers) {
            const auto eye = at::eye(3, rot.options()).expand({frames, joints - given, 3, 3});
            rot = at::cat({rot, eye}, 1);
        }
        const auto rest = skeleton.rest_joints_m.to(rot.options());
        auto rel = rest.clone();
        for (int64_t i = 1; i < joints; ++i)
            rel[i] = rest[i] - rest[skeleton.parents[i]];

        // Local transforms [R_i | rel_i], then the chain with bmm as the reference does.
        auto local = at::zeros({frames, joints, 4, 4}, rot.options());
        local.narrow(-2, 0, 3).narrow(-1, 0, 3).copy_(rot);
        local.narrow(-2, 0, 3).select(-1, 3).copy_(rel.unsqueeze(0).expand({frames, joints, 3}));
        local.select(-2, 3).select(-1, 3).fill_(1.0);
        std::vector<at::Tensor> chain;
        chain.reserve(static_cast<size_t>(joints));
        chain.push_back(local.select(1, 0));
        for (int64_t i = 1; i < joints; ++i) {
            chain.push_back(
                at::bmm(chain[static_cast<size_t>(skeleton.parents[i])], local.select(1, i)));
        }
        const auto transforms = at::stack(chain, 1);

        std::vector<int64_t> t_shape(batch.begin(), batch.end());
        t_shape.insert(t_shape.end(), {joints, 4, 4});
        std::vector<int64_t> j_shape(batch.begin(), batch.end());
        j_shape.insert(j_shape.end(), {joints, 3});
        PosedSkeleton out;
        out.transforms = transforms.reshape(t_shape);
        out.joints = transforms.narrow(-2, 0, 3).select(-1, 3).reshape(j_shape);
        return out;
    });
}

}  // namespace kinema

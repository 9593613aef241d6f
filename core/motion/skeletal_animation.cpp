#include "core/motion/skeletal_animation.h"

#include <cmath>

namespace kinema {

Status SkeletalAnimation::validate() const {
    const size_t joints = parents.size();
    std::string problems;
    auto add = [&](const std::string& p) { problems += (problems.empty() ? "" : "; ") + p; };
    if (joints == 0) add("no joints");
    if (names.size() != joints) add("names has " + std::to_string(names.size()) + " entries");
    if (offsets_m.size() != joints) add("offsets_m has " + std::to_string(offsets_m.size()));
    if (!end_sites_m.empty() && end_sites_m.size() != joints)
        add("end_sites_m has " + std::to_string(end_sites_m.size()));
    for (size_t j = 0; j < joints; ++j) {
        const bool ok = j == 0 ? parents[j] == -1 : (parents[j] >= 0 && parents[j] < int(j));
        if (!ok) add("joint " + std::to_string(j) + " has parent " + std::to_string(parents[j]));
    }
    if (local_rotations.size() != root_positions_m.size() * joints)
        add("local_rotations has " + std::to_string(local_rotations.size()) + " entries for " +
            std::to_string(root_positions_m.size()) + " frames x " + std::to_string(joints) +
            " joints");
    if (!problems.empty())
        return make_error(ErrorKind::ShapeMismatch, "skeletal animation: " + problems);
    if (!(fps > 0) || !std::isfinite(fps))
        return make_error(ErrorKind::InvalidRequest, "skeletal animation: fps must be > 0");
    auto finite = [](const auto& a) {
        for (double v : a)
            if (!std::isfinite(v)) return false;
        return true;
    };
    for (const auto& v : offsets_m)
        if (!finite(v)) return make_error(ErrorKind::InvalidRequest, "non-finite offset");
    for (const auto& v : root_positions_m)
        if (!finite(v)) return make_error(ErrorKind::InvalidRequest, "non-finite root position");
    for (const auto& m : local_rotations)
        if (!finite(m)) return make_error(ErrorKind::InvalidRequest, "non-finite rotation");
    return {};
}

std::vector<Vec3> SkeletalAnimation::world_positions(std::vector<Mat3>* global_rotations) const {
    const int J = num_joints();
    const int64_t L = num_frames();
    std::vector<Vec3> pos(static_cast<size_t>(L * J));
    std::vector<Mat3> rot(static_cast<size_t>(J));
    if (global_rotations) global_rotations->resize(static_cast<size_t>(L * J));
    for (int64_t f = 0; f < L; ++f) {
        Vec3* p = &pos[static_cast<size_t>(f * J)];
        for (int j = 0; j < J; ++j) {
            const int parent = parents[j];
            if (parent < 0) {
                rot[j] = rotation(f, j);
                p[j] = root_positions_m[static_cast<size_t>(f)];
            } else {
                rot[j] = mat_mul(rot[parent], rotation(f, j));
                p[j] = p[parent] + mat_vec(rot[parent], offsets_m[j]);
            }
            if (global_rotations) (*global_rotations)[static_cast<size_t>(f * J + j)] = rot[j];
        }
    }
    return pos;
}

std::vector<Vec3> SkeletalAnimation::rest_positions() const {
    std::vector<Vec3> pos(parents.size());
    for (size_t j = 0; j < parents.size(); ++j)
        pos[j] = parents[j] < 0 ? offsets_m[j] : pos[parents[j]] + offsets_m[j];
    return pos;
}

std::vector<int> SkeletalAnimation::children(int joint) const {
    std::vector<int> out;
    for (int j = 0; j < num_joints(); ++j)
        if (parents[j] == joint) out.push_back(j);
    return out;
}

int find_joint(const SkeletalAnimation& animation, const std::string& name) {
    for (int j = 0; j < animation.num_joints(); ++j)
        if (animation.names[j] == name) return j;
    return -1;
}

}  // namespace kinema

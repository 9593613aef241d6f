#include "core/motion/foot_contacts.h"

#include <algorithm>
#include <cmath>

namespace kinema {
namespace {

struct LegIndices {
    int hip = -1, knee = -1, ankle = -1, toe = -1;
};

Result<std::array<LegIndices, 2>> leg_indices(const SkeletalAnimation& a,
                                              const FootContactOptions& o) {
    std::array<LegIndices, 2> out;
    for (int leg = 0; leg < 2; ++leg) {
        const LegJoints& names = o.legs[leg];
        LegIndices& i = out[leg];
        i.hip = find_joint(a, names.hip);
        i.knee = find_joint(a, names.knee);
        i.ankle = find_joint(a, names.ankle);
        i.toe = names.toe.empty() ? -1 : find_joint(a, names.toe);
        if (i.hip < 0 || i.knee < 0 || i.ankle < 0 || (!names.toe.empty() && i.toe < 0))
            return make_error(ErrorKind::InvalidRequest, "foot contacts: leg joints " + names.hip +
                                                             "/" + names.knee + "/" + names.ankle +
                                                             "/" + names.toe + " not found");
        if (a.parents[i.knee] != i.hip || a.parents[i.ankle] != i.knee)
            return make_error(ErrorKind::InvalidRequest, "foot contacts: " + names.hip + " -> " +
                                                             names.knee + " -> " + names.ankle +
                                                             " is not a chain");
    }
    return out;
}

// World positions and rotations of one frame.
void frame_globals(const SkeletalAnimation& a, int64_t f, std::vector<Vec3>& pos,
                   std::vector<Mat3>& rot) {
    const int J = a.num_joints();
    pos.resize(static_cast<size_t>(J));
    rot.resize(static_cast<size_t>(J));
    for (int j = 0; j < J; ++j) {
        const int p = a.parents[j];
        if (p < 0) {
            rot[j] = a.rotation(f, j);
            pos[j] = a.root_positions_m[static_cast<size_t>(f)];
        } else {
            rot[j] = mat_mul(rot[p], a.rotation(f, j));
            pos[j] = pos[p] + mat_vec(rot[p], a.offsets_m[j]);
        }
    }
}

double horizontal_distance(const Vec3& a, const Vec3& b) {
    return std::hypot(a[0] - b[0], a[2] - b[2]);
}

}  // namespace

void solve_two_bone_ik(SkeletalAnimation& a, int64_t f, int hip, int knee, int ankle,
                       const Vec3& target) {
    std::vector<Vec3> P;
    std::vector<Mat3> G;
    frame_globals(a, f, P, G);
    const Mat3 ankle_world = G[ankle];
    const Vec3 A = P[hip], B = P[knee], C = P[ankle];
    const double lab = norm(B - A), lcb = norm(C - B);
    const double lat = std::clamp(norm(target - A), std::abs(lab - lcb) + 1e-6, lab + lcb - 1e-6);
    // 1. Knee: set the interior angle so that |ankle - hip| = lat.
    const double cos0 = std::clamp(dot(normalized(A - B), normalized(C - B)), -1.0, 1.0);
    const double cos1 =
        std::clamp((lab * lab + lcb * lcb - lat * lat) / (2 * lab * lcb), -1.0, 1.0);
    Vec3 axis = cross(A - B, C - B);
    if (norm(axis) < 1e-9) axis = -1.0 * mat_vec(G[knee], {1, 0, 0});  // straight leg
    const Mat3 bend = axis_angle_rotation((std::acos(cos1) - std::acos(cos0)) * normalized(axis));
    a.rotation(f, knee) = mat_mul(transpose(G[hip]), mat_mul(bend, G[knee]));
    // 2. Hip: swing the hip -> ankle direction onto hip -> target.
    frame_globals(a, f, P, G);
    const Mat3 swing = rotation_between(P[ankle] - A, target - A);
    const int hip_parent = a.parents[hip];
    const Mat3 parent = hip_parent < 0 ? kIdentity3 : G[hip_parent];
    a.rotation(f, hip) = mat_mul(transpose(parent), mat_mul(swing, G[hip]));
    // 3. Ankle: keep the foot's world rotation.
    frame_globals(a, f, P, G);
    a.rotation(f, ankle) = mat_mul(transpose(G[knee]), ankle_world);
}

Result<FootContacts> detect_foot_contacts(const SkeletalAnimation& a, const FootContactOptions& o) {
    KINEMA_TRY_STATUS(a.validate());
    auto legs = leg_indices(a, o);
    if (!legs.ok()) return legs.error();
    const int J = a.num_joints();
    const int64_t L = a.num_frames();
    const auto world = a.world_positions();
    FootContacts out;
    for (int leg = 0; leg < 2; ++leg) {
        std::vector<bool>& c = out.contact[leg];
        c.assign(static_cast<size_t>(L), false);
        for (const int joint : {(*legs)[leg].ankle, (*legs)[leg].toe}) {
            if (joint < 0) continue;
            double ground = 1e30;
            for (int64_t f = 0; f < L; ++f)
                ground = std::min(ground, world[f * J + joint][1]);
            for (int64_t f = 0; f < L; ++f) {
                const Vec3& p = world[f * J + joint];
                // Central difference (one-sided at the ends).
                const int64_t f0 = std::max<int64_t>(f - 1, 0),
                              f1 = std::min<int64_t>(f + 1, L - 1);
                const double speed =
                    f1 > f0 ? horizontal_distance(world[f1 * J + joint], world[f0 * J + joint]) *
                                  a.fps / double(f1 - f0)
                            : 0.0;
                if (p[1] - ground < o.height_threshold_m && speed < o.speed_threshold_m_s)
                    c[f] = true;
            }
        }
        // Fill gaps shorter than max_gap_s between contacts, then drop runs shorter than
        // min_contact_s (heel-to-toe transitions and speed noise fragment a stance otherwise).
        const auto max_gap = static_cast<int64_t>(std::lround(o.max_gap_s * a.fps));
        const auto min_run = static_cast<int64_t>(std::lround(o.min_contact_s * a.fps));
        for (int pass = 0; pass < 2; ++pass) {
            const bool value = pass == 1;  // pass 0: gaps (false runs), pass 1: short contacts
            for (int64_t f = 0; f < L;) {
                if (c[f] != value) {
                    ++f;
                    continue;
                }
                int64_t e = f;
                while (e + 1 < L && c[e + 1] == value)
                    ++e;
                const bool inner = f > 0 && e + 1 < L;
                if (pass == 0 ? (inner && e - f + 1 <= max_gap) : (e - f + 1 < min_run))
                    for (int64_t k = f; k <= e; ++k)
                        c[k] = !value;
                f = e + 1;
            }
        }
    }
    return out;
}

Result<SkeletalAnimation> clean_foot_contacts(const SkeletalAnimation& a,
                                              const FootContacts& contacts,
                                              const FootContactOptions& o) {
    KINEMA_TRY_STATUS(a.validate());
    auto legs = leg_indices(a, o);
    if (!legs.ok()) return legs.error();
    const int64_t L = a.num_frames();
    if (contacts.frames() != L || static_cast<int64_t>(contacts.contact[1].size()) != L)
        return make_error(ErrorKind::ShapeMismatch, "foot contacts: frame counts differ");
    const int J = a.num_joints();
    const auto world = a.world_positions();
    SkeletalAnimation out = a;
    const int64_t blend = std::max<int64_t>(0, std::lround(o.blend_s * a.fps));
    std::vector<Vec3> P;
    std::vector<Mat3> G;
    for (int leg = 0; leg < 2; ++leg) {
        const LegIndices& li = (*legs)[leg];
        const auto& c = contacts.contact[leg];
        for (int64_t s = 0; s < L;) {
            if (!c[s]) {
                ++s;
                continue;
            }
            int64_t e = s;
            while (e + 1 < L && c[e + 1])
                ++e;
            Vec3 target = {0, 0, 0};
            for (int64_t f = s; f <= e; ++f)
                target = target + world[f * J + li.ankle];
            target = (1.0 / double(e - s + 1)) * target;
            for (int64_t f = std::max<int64_t>(0, s - blend); f <= std::min(L - 1, e + blend);
                 ++f) {
                double w = 1.0;
                if (f < s) w = double(f - (s - blend - 1)) / double(blend + 1);
                if (f > e) w = double((e + blend + 1) - f) / double(blend + 1);
                w = w * w * (3 - 2 * w);
                frame_globals(out, f, P, G);
                // Pin horizontally; the ankle keeps its own height (heel strike and heel rise).
                const Vec3 pinned = {target[0], P[li.ankle][1], target[2]};
                const Vec3 goal = P[li.ankle] + w * (pinned - P[li.ankle]);
                solve_two_bone_ik(out, f, li.hip, li.knee, li.ankle, goal);
            }
            s = e + 1;
        }
    }
    return out;
}

}  // namespace kinema

#include "core/motion/motion_metrics.h"

#include <cmath>

namespace kinema {

double mean_jerk_m_s3(const SkeletalAnimation& a) {
    const int64_t L = a.num_frames();
    const int J = a.num_joints();
    if (L < 4) return 0.0;
    const auto p = a.world_positions();
    const double fps3 = a.fps * a.fps * a.fps;
    double sum = 0;
    for (int64_t f = 0; f + 3 < L; ++f)
        for (int j = 0; j < J; ++j) {
            const Vec3 d = p[(f + 3) * J + j] - 3.0 * p[(f + 2) * J + j] +
                           3.0 * p[(f + 1) * J + j] - p[f * J + j];
            sum += norm(d) * fps3;
        }
    return sum / double((L - 3) * J);
}

Result<MotionQuality> measure_motion_quality(const SkeletalAnimation& a,
                                             const FootContacts& contacts,
                                             const FootContactOptions& o) {
    KINEMA_TRY_STATUS(a.validate());
    const int64_t L = a.num_frames();
    if (contacts.frames() != L || static_cast<int64_t>(contacts.contact[1].size()) != L)
        return make_error(ErrorKind::ShapeMismatch, "motion quality: frame counts differ");
    const int J = a.num_joints();
    const auto p = a.world_positions();
    MotionQuality q;
    double speed_sum = 0;
    int64_t samples = 0;
    for (int leg = 0; leg < 2; ++leg) {
        std::vector<int> joints;
        for (const std::string& name : {o.legs[leg].ankle, o.legs[leg].toe}) {
            if (name.empty()) continue;
            const int j = find_joint(a, name);
            if (j < 0)
                return make_error(ErrorKind::InvalidRequest, "motion quality: no joint " + name);
            joints.push_back(j);
        }
        const auto& c = contacts.contact[leg];
        for (int64_t f = 0; f + 1 < L; ++f) {
            if (!c[f] || !c[f + 1]) continue;
            for (int j : joints) {
                const Vec3& x0 = p[f * J + j];
                const Vec3& x1 = p[(f + 1) * J + j];
                speed_sum += std::hypot(x1[0] - x0[0], x1[2] - x0[2]) * a.fps;
                ++samples;
            }
        }
    }
    for (int64_t f = 0; f < L; ++f)
        if (contacts.contact[0][f] || contacts.contact[1][f]) ++q.contact_frames;
    q.foot_skate_cm_s = samples ? 100.0 * speed_sum / double(samples) : 0.0;
    q.mean_jerk_m_s3 = mean_jerk_m_s3(a);
    return q;
}

}  // namespace kinema

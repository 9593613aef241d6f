#include "app/gui/display_clip.h"

#include <ATen/ATen.h>

#include <QGenericMatrix>

#include <algorithm>
#include <cmath>

#include "core/motion/skeleton.h"

namespace {

struct BodyRest {
    std::vector<int> parents;
    std::vector<QVector3D> rest;  // 22 rest joint positions, metres
};

const BodyRest& body_rest() {
    static const BodyRest r = [] {
        BodyRest b;
        const kinema::Skeleton& s = kinema::Skeleton::builtin();
        const at::Tensor rest = s.rest_joints_m.to(at::kFloat).contiguous();
        const float* p = rest.data_ptr<float>();
        for (int j = 0; j < kDisplayJoints; ++j) {
            b.parents.push_back(static_cast<int>(s.parents[j]));
            b.rest.emplace_back(p[3 * j], p[3 * j + 1], p[3 * j + 2]);
        }
        return b;
    }();
    return r;
}

// Forward kinematics of the 22 body joints: G_i = G_p R_i, P_i = P_p + G_p (J_i - J_p).
void forward_kinematics(const QQuaternion* local, const QVector3D& transl, QVector3D* out) {
    const BodyRest& b = body_rest();
    QQuaternion global[kDisplayJoints];
    for (int j = 0; j < kDisplayJoints; ++j) {
        const int p = b.parents[j];
        if (p < 0) {
            global[j] = local[j];
            out[j] = b.rest[j] + transl;
        } else {
            global[j] = global[p] * local[j];
            out[j] = out[p] + global[p].rotatedVector(b.rest[j] - b.rest[p]);
        }
    }
}

bool shape_is(const at::Tensor& t, std::initializer_list<int64_t> tail, int64_t frames) {
    if (!t.defined() || t.dim() != int64_t(tail.size()) + 1 || t.size(0) != frames) return false;
    int64_t d = 1;
    for (int64_t v : tail) {
        if (v >= 0 && t.size(d) < v) return false;
        ++d;
    }
    return true;
}

DisplayClip convert(const kinema::MotionClip& c, bool ground) {
    DisplayClip d;
    d.seed = c.seed;
    d.fps = c.fps > 0 ? c.fps : 30.0;
    const int64_t frames = c.joints.defined() ? c.joints.size(0) : 0;
    if (frames <= 0 || !shape_is(c.joints, {kDisplayJoints, 3}, frames)) return d;
    d.frames = static_cast<int>(frames);

    const at::Tensor joints = c.joints.to(at::kFloat).contiguous();
    const int64_t jn = joints.size(1);
    const float* jp = joints.data_ptr<float>();
    d.joints.reserve(size_t(frames) * kDisplayJoints);
    for (int64_t f = 0; f < frames; ++f)
        for (int j = 0; j < kDisplayJoints; ++j) {
            const float* v = jp + (f * jn + j) * 3;
            d.joints.emplace_back(v[0], v[1], v[2]);
        }

    float lift = 0;
    if (ground) {
        float min_y = d.joints.front().y();
        for (const QVector3D& p : d.joints)
            min_y = std::min(min_y, p.y());
        lift = -min_y;
        for (QVector3D& p : d.joints)
            p.setY(p.y() + lift);
    }

    if (!shape_is(c.rotations, {kDisplayJoints, 3, 3}, frames) || !shape_is(c.transl, {3}, frames))
        return d;
    const at::Tensor rot = c.rotations.to(at::kFloat).contiguous();
    const at::Tensor tr = c.transl.to(at::kFloat).contiguous();
    const int64_t rn = rot.size(1);
    const float* rp = rot.data_ptr<float>();
    const float* tp = tr.data_ptr<float>();
    d.local_rotations.reserve(size_t(frames) * kDisplayJoints);
    for (int64_t f = 0; f < frames; ++f) {
        d.transl.emplace_back(tp[3 * f], tp[3 * f + 1] + lift, tp[3 * f + 2]);
        for (int j = 0; j < kDisplayJoints; ++j)
            d.local_rotations.push_back(
                QQuaternion::fromRotationMatrix(QMatrix3x3(rp + (f * rn + j) * 9)).normalized());
    }
    // Use slerp+FK only where it reproduces the engine's joints (same skeleton, same convention).
    float worst = 0;
    QVector3D posed[kDisplayJoints];
    const int64_t probe_step = std::max<int64_t>(1, frames / 8);
    for (int64_t f = 0; f < frames; f += probe_step) {
        forward_kinematics(&d.local_rotations[size_t(f) * kDisplayJoints], d.transl[size_t(f)],
                           posed);
        for (int j = 0; j < kDisplayJoints; ++j)
            worst = std::max(worst, (posed[j] - d.joints[size_t(f) * kDisplayJoints + j]).length());
    }
    d.fk_matches = worst < 0.01f;
    return d;
}

}  // namespace

const std::vector<int>& display_parents() {
    return body_rest().parents;
}

void DisplayClip::pose_at(double time_s, QVector3D* out) const {
    if (frames <= 0) {
        const BodyRest& b = body_rest();
        std::copy(b.rest.begin(), b.rest.end(), out);
        return;
    }
    const double pos = std::clamp(time_s * fps, 0.0, double(frames - 1));
    const int f0 = static_cast<int>(std::floor(pos));
    const int f1 = std::min(f0 + 1, frames - 1);
    const float a = static_cast<float>(pos - f0);
    if (fk_matches) {
        QQuaternion local[kDisplayJoints];
        for (int j = 0; j < kDisplayJoints; ++j)
            local[j] = QQuaternion::slerp(local_rotations[size_t(f0) * kDisplayJoints + j],
                                          local_rotations[size_t(f1) * kDisplayJoints + j], a);
        const QVector3D t = transl[size_t(f0)] * (1 - a) + transl[size_t(f1)] * a;
        forward_kinematics(local, t, out);
        return;
    }
    for (int j = 0; j < kDisplayJoints; ++j)
        out[j] = joints[size_t(f0) * kDisplayJoints + j] * (1 - a) +
                 joints[size_t(f1) * kDisplayJoints + j] * a;
}

DisplayClipSet make_display_clips(const std::vector<kinema::MotionClip>& clips, bool ground) {
    auto out = std::make_shared<std::vector<DisplayClip>>();
    for (const auto& c : clips) {
        try {
            DisplayClip d = convert(c, ground);
            if (d.frames > 0) out->push_back(std::move(d));
        } catch (const std::exception&) {
            // A malformed preview is dropped; the next one replaces it.
        }
    }
    return out;
}

float RootPathBoundsCm::extent() const {
    return std::hypot(max_x - min_x, max_z - min_z);
}

void RootPathBoundsCm::include(const RootPathBoundsCm& o) {
    min_x = std::min(min_x, o.min_x);
    max_x = std::max(max_x, o.max_x);
    min_z = std::min(min_z, o.min_z);
    max_z = std::max(max_z, o.max_z);
}

RootPathBoundsCm root_path_bounds_cm(const DisplayClip& clip) {
    if (clip.frames <= 0 || clip.joints.size() < size_t(clip.frames) * kDisplayJoints) return {};
    const QVector3D first = clip.joints[0] * 100.0f;
    RootPathBoundsCm b{first.x(), first.x(), first.z(), first.z()};
    for (int f = 1; f < clip.frames; ++f) {
        const QVector3D r = clip.joints[size_t(f) * kDisplayJoints] * 100.0f;
        b.include({r.x(), r.x(), r.z(), r.z()});
    }
    return b;
}

float framing_distance_cm(float path_extent_cm, float aspect, float min_distance_cm) {
    constexpr float kTanHalfFov = 0.36397f;  // tan(20 deg): the scene camera's vertical half angle
    // Half the path plus an arm span must fit in the horizontal half angle.
    const float horizontal = (path_extent_cm / 2 + 80.0f) / (kTanHalfFov * std::max(0.2f, aspect));
    return std::max(min_distance_cm, 1.1f * horizontal);
}

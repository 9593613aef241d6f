#include "app/train/motion_synth.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "app/train/motion_generators.h"
#include "core/motion/skeleton.h"

namespace kinema::train {
namespace {

constexpr double kGravity = 9.81;
// Sole below the foot joints: a foot touches the ground when min(ankle - 0.10, toe - 0.03) = 0.
double sole_height(const Vec3& ankle, const Vec3& toe) {
    return std::min(ankle.y - 0.10, toe.y - 0.03);
}

const std::array<Vec3, 22>& rest_offsets() {
    static const std::array<Vec3, 22> offsets = [] {
        std::array<Vec3, 22> out{};
        const at::Tensor o = Skeleton::builtin().rest_offsets_m().to(at::kDouble).contiguous();
        const double* p = o.data_ptr<double>();
        for (int j = 0; j < 22; ++j)
            out[static_cast<size_t>(j)] = {p[3 * j], p[3 * j + 1], p[3 * j + 2]};
        return out;
    }();
    return offsets;
}

const std::array<int, 22>& parents() {
    static const std::array<int, 22> p = [] {
        std::array<int, 22> out{};
        const auto& sk = Skeleton::builtin();
        for (int j = 0; j < 22; ++j)
            out[static_cast<size_t>(j)] = static_cast<int>(sk.parents[static_cast<size_t>(j)]);
        return out;
    }();
    return p;
}

// FK of one frame: rotations[0] is the global root orientation about the rest root J0.
void forward_kinematics(const Mat3* rot, Vec3* joints) {
    const auto& off = rest_offsets();
    const auto& par = parents();
    std::array<Mat3, 22> global;
    global[0] = rot[0];
    joints[0] = off[0];
    for (int j = 1; j < 22; ++j) {
        const auto pj = static_cast<size_t>(par[static_cast<size_t>(j)]);
        joints[j] = joints[pj] + global[pj] * off[static_cast<size_t>(j)];
        global[static_cast<size_t>(j)] = global[pj] * rot[j];
    }
}

}  // namespace

SynthClip synthesize(const ClipSpec& spec, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<SynthFrame> frames;
    double yaw = 0;
    for (const auto& seg : spec.segments) {
        generate_segment(seg, yaw, rng, frames);
        if (!frames.empty()) yaw = frames.back().root_yaw;
    }
    SynthClip clip;
    const auto n = static_cast<int64_t>(frames.size());
    clip.frames = n;
    clip.rotations.resize(static_cast<size_t>(n * 22));
    clip.body_joints.resize(static_cast<size_t>(n * 22));
    clip.world_joints.resize(static_cast<size_t>(n * 22));
    clip.transl.resize(static_cast<size_t>(n));
    clip.contact.resize(static_cast<size_t>(n));
    std::vector<double> sole(static_cast<size_t>(2 * n));
    for (int64_t t = 0; t < n; ++t) {
        const SynthFrame& f = frames[static_cast<size_t>(t)];
        Mat3* rot = &clip.rotations[static_cast<size_t>(t * 22)];
        rot[0] = rot_y(f.root_yaw) * rot_x(f.root_pitch);
        for (int j = 1; j < 22; ++j)
            rot[j] = euler_yxz(f.euler[static_cast<size_t>(j)]);
        Vec3* bj = &clip.body_joints[static_cast<size_t>(t * 22)];
        forward_kinematics(rot, bj);
        sole[static_cast<size_t>(2 * t)] = sole_height(bj[kLAnkle], bj[kLFoot]);
        sole[static_cast<size_t>(2 * t + 1)] = sole_height(bj[kRAnkle], bj[kRFoot]);
        clip.contact[static_cast<size_t>(t)] = f.contact;
    }
    // Horizontal root motion: planted feet stay put; in the air keep the stance velocity (or the
    // generator's forward speed along the heading).
    const int toe[2] = {kLFoot, kRFoot};
    auto bj = [&](int64_t t, int j) { return clip.body_joints[static_cast<size_t>(t * 22 + j)]; };
    double vx = 0, vz = 0;
    std::vector<double> y(static_cast<size_t>(n), std::nan(""));
    for (int64_t t = 0; t < n; ++t) {
        const auto& c = clip.contact[static_cast<size_t>(t)];
        Vec3 tr = t > 0 ? clip.transl[static_cast<size_t>(t - 1)] : Vec3{};
        if (t > 0) {
            const auto& cp = clip.contact[static_cast<size_t>(t - 1)];
            double dx = 0, dz = 0;
            int k = 0;
            for (int s = 0; s < 2; ++s)
                if (c[static_cast<size_t>(s)] && cp[static_cast<size_t>(s)]) {
                    dx -= bj(t, toe[s]).x - bj(t - 1, toe[s]).x;
                    dz -= bj(t, toe[s]).z - bj(t - 1, toe[s]).z;
                    ++k;
                }
            if (k > 0) {
                vx = dx / k;
                vz = dz / k;
            } else if (!c[0] && !c[1]) {
                const double fwd = frames[static_cast<size_t>(t)].flight_forward_mps;
                if (!std::isnan(fwd)) {
                    const double yaw_t = frames[static_cast<size_t>(t)].root_yaw;
                    vx = std::sin(yaw_t) * fwd / kFps;
                    vz = std::cos(yaw_t) * fwd / kFps;
                }
            }  // else a foot just touched down: keep the velocity for this frame
            tr.x += vx;
            tr.z += vz;
        }
        clip.transl[static_cast<size_t>(t)] = tr;
        double lowest = 1e9;
        for (int s = 0; s < 2; ++s)
            if (c[static_cast<size_t>(s)])
                lowest = std::min(lowest, sole[static_cast<size_t>(2 * t + s)]);
        if (lowest < 1e8) y[static_cast<size_t>(t)] = -lowest;
    }
    // Vertical: flights follow a parabola between take-off and landing heights.
    for (int64_t t = 0; t < n;) {
        if (!std::isnan(y[static_cast<size_t>(t)])) {
            ++t;
            continue;
        }
        int64_t b = t;
        while (b < n && std::isnan(y[static_cast<size_t>(b)]))
            ++b;
        const int64_t a = t - 1;
        const double ya =
            a >= 0 ? y[static_cast<size_t>(a)] : (b < n ? y[static_cast<size_t>(b)] : 1.0);
        const double yb = b < n ? y[static_cast<size_t>(b)] : ya;
        const double span = static_cast<double>(b - a);
        const double tau = span / kFps;
        const double h = kGravity * tau * tau / 8.0;
        for (int64_t i = t; i < b; ++i) {
            const double s = static_cast<double>(i - a) / span;
            y[static_cast<size_t>(i)] = ya + (yb - ya) * s + 4 * h * s * (1 - s);
        }
        t = b;
    }
    for (int64_t t = 0; t < n; ++t) {
        double yt = y[static_cast<size_t>(t)];
        // Never below the ground.
        const double lowest =
            std::min(sole[static_cast<size_t>(2 * t)], sole[static_cast<size_t>(2 * t + 1)]);
        if (yt + lowest < 0) yt = -lowest;
        clip.transl[static_cast<size_t>(t)].y = yt;
        for (int j = 0; j < 22; ++j)
            clip.world_joints[static_cast<size_t>(t * 22 + j)] =
                bj(t, j) + clip.transl[static_cast<size_t>(t)];
    }
    return clip;
}

FootSkate measure_foot_skate(const SynthClip& clip) {
    FootSkate out;
    double sum = 0;
    int64_t count = 0;
    const int toe[2] = {kLFoot, kRFoot};
    for (int64_t t = 1; t < clip.frames; ++t)
        for (int s = 0; s < 2; ++s) {
            if (!clip.contact[static_cast<size_t>(t)][static_cast<size_t>(s)] ||
                !clip.contact[static_cast<size_t>(t - 1)][static_cast<size_t>(s)])
                continue;
            const Vec3 a = clip.world_joints[static_cast<size_t>(t * 22 + toe[s])];
            const Vec3 b = clip.world_joints[static_cast<size_t>((t - 1) * 22 + toe[s])];
            const double v = std::hypot(a.x - b.x, a.z - b.z) * kFps * 100.0;
            sum += v;
            ++count;
            out.max_cm_s = std::max(out.max_cm_s, v);
        }
    out.mean_cm_s = count ? sum / static_cast<double>(count) : 0.0;
    return out;
}

double min_sole_height_m(const SynthClip& clip) {
    double lowest = 1e9;
    for (int64_t t = 0; t < clip.frames; ++t) {
        const Vec3* w = &clip.world_joints[static_cast<size_t>(t * 22)];
        lowest = std::min(
            {lowest, sole_height(w[kLAnkle], w[kLFoot]), sole_height(w[kRAnkle], w[kRFoot])});
    }
    return lowest;
}

}  // namespace kinema::train

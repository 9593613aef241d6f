#include "app/train/motion_judge.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "app/train/motion_generators.h"
#include "app/train/motion_synth.h"

namespace kinema::train {
namespace {

double sole(const Vec3& ankle, const Vec3& toe) {
    return std::min(ankle.y - 0.10, toe.y - 0.03);
}
double dot_xz(const Vec3& a, const Vec3& b) {
    return a.x * b.x + a.z * b.z;
}

// Reversals of a signal with hysteresis `h` (counts swings larger than h).
int reversals(const std::vector<double>& v, double h) {
    if (v.empty()) return 0;
    int count = 0, dir = 0;  // dir: +1 rising, -1 falling, 0 undecided
    double lo = v[0], hi = v[0];
    for (double x : v) {
        hi = std::max(hi, x);
        lo = std::min(lo, x);
        if (dir >= 0 && x < hi - h) {
            if (dir > 0) ++count;
            dir = -1;
            lo = x;
        } else if (dir <= 0 && x > lo + h) {
            if (dir < 0) ++count;
            dir = 1;
            hi = x;
        }
    }
    return count;
}

}  // namespace

std::string JudgeFeatures::describe() const {
    std::ostringstream o;
    o.precision(3);
    o << "yaw " << yaw_change_deg << " speed " << mid_speed_mps << " fwd " << forward_m << " left "
      << left_m << " air " << airborne_frac << " onefoot " << one_foot_lifted_frac << " pelvis "
      << pelvis_min_m << "/" << pelvis_mean_m << " (" << pelvis_start_m << "->" << pelvis_end_m
      << ") head " << head_rel_min_m << " up " << both_wrists_up_frac << "/" << left_up_frac << "/"
      << right_up_frac << " osc " << left_osc << "/" << right_osc << " claps " << claps << " reach "
      << wrist_forward_max_m << "/" << reach_asymmetry_m << " kick " << kick_left_m << "/"
      << kick_right_m;
    return o.str();
}

JudgeFeatures judge_features(const at::Tensor& joints, int64_t begin, int64_t end) {
    const at::Tensor jt = joints.to(at::kDouble).contiguous();
    const int64_t total = jt.size(0);
    const double* p = jt.data_ptr<double>();
    auto J = [&](int64_t t, int j) {
        const double* q = p + (t * 22 + j) * 3;
        return Vec3{q[0], q[1], q[2]};
    };
    double ground = 1e9;
    for (int64_t t = 0; t < total; ++t)
        ground = std::min(
            {ground, sole(J(t, kLAnkle), J(t, kLFoot)), sole(J(t, kRAnkle), J(t, kRFoot))});
    JudgeFeatures f;
    const int64_t n = std::max<int64_t>(end - begin, 2);
    auto forward_at = [&](int64_t t) {
        const Vec3 l = J(t, kLHip) - J(t, kRHip);
        const double len = std::hypot(l.x, l.z) + 1e-9;
        return Vec3{-l.z / len, 0, l.x / len};
    };
    auto left_of = [](const Vec3& fw) { return Vec3{fw.z, 0, -fw.x}; };
    // Heading change (unwrapped).
    double prev = 0, total_yaw = 0;
    for (int64_t t = begin; t < end; ++t) {
        const Vec3 fw = forward_at(t);
        const double yaw = std::atan2(fw.x, fw.z);
        if (t > begin) {
            double d = yaw - prev;
            while (d > M_PI)
                d -= 2 * M_PI;
            while (d < -M_PI)
                d += 2 * M_PI;
            total_yaw += d;
        }
        prev = yaw;
    }
    f.yaw_change_deg = total_yaw * 180.0 / M_PI;
    const Vec3 f0 = forward_at(begin), l0 = left_of(f0);
    const Vec3 d = J(end - 1, kPelvis) - J(begin, kPelvis);
    f.forward_m = dot_xz(d, f0);
    f.left_m = dot_xz(d, l0);
    const int64_t qa = begin + n / 4, qb = begin + 3 * n / 4;
    const Vec3 dm = J(qb, kPelvis) - J(qa, kPelvis);
    const Vec3 fq = forward_at(qa), lq = left_of(fq);
    f.mid_speed_mps = std::hypot(dm.x, dm.z) / (static_cast<double>(qb - qa) / kFps);
    f.mid_forward = dot_xz(dm, fq);
    f.mid_left = dot_xz(dm, lq);

    int64_t air = 0, one = 0, both_up = 0, lup = 0, rup = 0;
    double pmin = 1e9, psum = 0, head_min = 1e9, reach = 0, kl = 0, kr = 0, asym = 0;
    std::vector<double> losc, rosc;
    std::vector<double> dist;
    for (int64_t t = begin; t < end; ++t) {
        const double sl = sole(J(t, kLAnkle), J(t, kLFoot)) - ground;
        const double sr = sole(J(t, kRAnkle), J(t, kRFoot)) - ground;
        if (std::min(sl, sr) > 0.04) ++air;
        if (std::max(sl, sr) > 0.08) ++one;
        const Vec3 pel = J(t, kPelvis);
        const double ph = pel.y - ground;
        pmin = std::min(pmin, ph);
        psum += ph;
        head_min = std::min(head_min, J(t, kHead).y - pel.y);
        const double head_y = J(t, kHead).y;
        const bool lu = J(t, kLWrist).y > head_y, ru = J(t, kRWrist).y > head_y;
        lup += lu;
        rup += ru;
        both_up += lu && ru;
        const Vec3 fw = forward_at(t), lf = left_of(fw);
        // Waving: lateral forearm swings while that wrist is above the head.
        if (lu) losc.push_back(dot_xz(J(t, kLWrist) - J(t, kLElbow), lf));
        if (ru) rosc.push_back(dot_xz(J(t, kRWrist) - J(t, kRElbow), lf));
        const double lreach = dot_xz(J(t, kLWrist) - pel, fw),
                     rreach = dot_xz(J(t, kRWrist) - pel, fw);
        reach = std::max({reach, lreach, rreach});
        asym = std::max(asym, std::abs(lreach - rreach));
        const double wd = (J(t, kLWrist) - J(t, kRWrist)).norm();
        dist.push_back(std::min(lreach, rreach) > 0.2 ? wd : 1.0);
        // Kick: a foot high and forward while the other stays on the ground.
        if (sr < 0.05) kl = std::max(kl, std::min(sl, dot_xz(J(t, kLAnkle) - pel, fw)));
        if (sl < 0.05) kr = std::max(kr, std::min(sr, dot_xz(J(t, kRAnkle) - pel, fw)));
    }
    const auto nn = static_cast<double>(end - begin);
    f.airborne_frac = static_cast<double>(air) / nn;
    f.one_foot_lifted_frac = static_cast<double>(one) / nn;
    f.pelvis_min_m = pmin;
    f.pelvis_mean_m = psum / nn;
    const int64_t edge = std::max<int64_t>(1, n / 10);
    auto mean_h = [&](int64_t a, int64_t b) {
        double s = 0;
        for (int64_t t = a; t < b; ++t)
            s += J(t, kPelvis).y - ground;
        return s / static_cast<double>(b - a);
    };
    f.pelvis_start_m = mean_h(begin, begin + edge);
    f.pelvis_end_m = mean_h(end - edge, end);
    f.head_rel_min_m = head_min;
    f.both_wrists_up_frac = static_cast<double>(both_up) / nn;
    f.left_up_frac = static_cast<double>(lup) / nn;
    f.right_up_frac = static_cast<double>(rup) / nn;
    f.left_osc = reversals(losc, 0.06);
    f.right_osc = reversals(rosc, 0.06);
    // Claps: the wrists come within 0.2 m in front of the body, counted on entry.
    bool close = false;
    for (double x : dist) {
        if (!close && x < 0.2) {
            ++f.claps;
            close = true;
        } else if (close && x > 0.3) {
            close = false;
        }
    }
    f.wrist_forward_max_m = reach;
    f.reach_asymmetry_m = asym;
    f.kick_left_m = kl;
    f.kick_right_m = kr;
    return f;
}

Action judge_window(const JudgeFeatures& f) {
    if (std::abs(f.yaw_change_deg) > 250) return Action::Spin;
    if (f.mid_speed_mps > 1.75) return f.mid_speed_mps > 3.0 ? Action::Run : Action::Jog;
    if (f.airborne_frac > 0.05) {
        if (f.both_wrists_up_frac > 0.15) return Action::JumpingJacks;
        if (f.one_foot_lifted_frac > 0.85) return Action::Hop;
        return f.forward_m > 0.5 ? Action::JumpForward : Action::JumpInPlace;
    }
    if (std::abs(f.yaw_change_deg) > 50)
        return f.yaw_change_deg > 0 ? Action::TurnLeft : Action::TurnRight;
    if (f.mid_speed_mps > 0.3) {
        if (f.pelvis_mean_m < 0.82) return Action::CrouchWalk;
        if (std::abs(f.mid_forward) >= std::abs(f.mid_left))
            return f.mid_forward > 0 ? Action::WalkForward : Action::WalkBackward;
        return f.mid_left > 0 ? Action::WalkSideLeft : Action::WalkSideRight;
    }
    if (f.pelvis_min_m < 0.80) {
        const bool start_low = f.pelvis_start_m < 0.80, end_low = f.pelvis_end_m < 0.80;
        if (!start_low && end_low) return Action::SitDown;
        if (start_low && !end_low) return Action::StandUp;
        return Action::Squat;
    }
    if (std::max(f.kick_left_m, f.kick_right_m) > 0.25)
        return f.kick_left_m > f.kick_right_m ? Action::KickLeft : Action::KickRight;
    if (f.both_wrists_up_frac > 0.25)
        return (f.left_osc >= 3 && f.right_osc >= 3) ? Action::WaveBoth : Action::RaiseArms;
    if (std::max(f.left_up_frac, f.right_up_frac) > 0.2)
        return f.left_up_frac > f.right_up_frac ? Action::WaveLeft : Action::WaveRight;
    if (f.head_rel_min_m < 0.50) return Action::Bow;
    if (f.wrist_forward_max_m > 0.42 && f.reach_asymmetry_m > 0.2) return Action::Punch;
    if (f.claps >= 1) return Action::Clap;
    return Action::Idle;
}

std::vector<Action> judge_clip(const at::Tensor& joints, int parts) {
    std::vector<Action> out;
    const int64_t n = joints.size(0);
    for (int i = 0; i < parts; ++i) {
        const int64_t a = n * i / parts, b = n * (i + 1) / parts;
        out.push_back(judge_window(judge_features(joints, a, b)));
    }
    return out;
}

}  // namespace kinema::train

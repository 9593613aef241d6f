#include "app/train/motion_generators.h"

#include <algorithm>

namespace kinema::train {
namespace {

constexpr double kPi = M_PI;

Vec3 mirror(const Vec3& v, bool right) {
    return right ? Vec3{v.x, -v.y, -v.z} : v;
}

// Leg in left-side convention: hip flexion forward h, knee flexion k, abduction outward a (rad).
// The ankle keeps the foot parallel to the ground.
void set_leg(SynthFrame& f, bool right, double h, double k, double a = 0.0) {
    f.euler[right ? kRHip : kLHip] = mirror({-h, 0, a}, right);
    f.euler[right ? kRKnee : kLKnee] = {k, 0, 0};
    f.euler[right ? kRAnkle : kLAnkle] = {h - k, 0, 0};
}

// Arm in left-side convention: elevation z (-72 deg hangs down, 0 horizontal, +80 up), forward
// swing x (negative swings a hanging arm forward), forward yaw y (negative brings the arm to the
// front), elbow forward flexion ef and upward bend eu.
void set_arm(SynthFrame& f, bool right, double z, double x, double y, double ef = deg(10),
             double eu = 0.0) {
    f.euler[right ? kRShoulder : kLShoulder] = mirror({x, y, z}, right);
    f.euler[right ? kRElbow : kLElbow] = mirror({0, -ef, eu}, right);
}

double lerp(double a, double b, double s) {
    return a + (b - a) * s;
}

// Envelope: rises over [0, r] seconds and falls over [d - r, d].
double envelope(double t, double d, double r) {
    return smooth_step(0, r, t) * (1 - smooth_step(d - r, d, t));
}

struct Ctx {
    const ActionParams& p;
    int64_t n;
    double dur;
    double yaw0;
    std::mt19937_64& rng;
    std::vector<SynthFrame>& out;
    double jitter(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); }
    SynthFrame base() {
        SynthFrame f = neutral_frame();
        f.root_yaw = yaw0;
        return f;
    }
    double t(int64_t i) const { return static_cast<double>(i) / kFps; }
};

struct GaitStyle {
    double freq_hz, hip_amp, knee_swing, duty, base_hip = 0, base_knee = 0, lean = 0, arm_swing,
                                               elbow = deg(15);
    bool backward = false;
};

// Cyclic locomotion: stance is centred where the foot passes under the hip; flight when neither
// foot is in stance (duty < 0.5).
void gait(Ctx& c, const GaitStyle& g) {
    const double ramp = std::min(0.4, c.dur / 4);
    for (int64_t i = 0; i < c.n; ++i) {
        const double t = c.t(i);
        const double env = envelope(t, c.dur, ramp);
        const double phi = 2 * kPi * g.freq_hz * t;
        SynthFrame f = c.base();
        for (int side = 0; side < 2; ++side) {
            const double ph = phi + (side ? kPi : 0.0);
            // Stance centre at ph = pi (forward gait: foot moving backward relative to the body).
            double rel = std::fmod(ph + (g.backward ? kPi : 0.0), 2 * kPi);  // 0..2pi
            const double dist = std::abs(rel - kPi);                         // 0 at mid-stance
            const bool stance = dist <= kPi * g.duty;
            // Swing progress 0 at lift-off/touch-down, 1 at mid-swing.
            const double q = stance ? 0.0 : (dist - kPi * g.duty) / (kPi * (1 - g.duty));
            const double swing = std::sin(0.5 * kPi * q);
            const double h = g.base_hip * (0.3 + 0.7 * env) + env * g.hip_amp * std::sin(ph);
            const double k =
                g.base_knee * (0.3 + 0.7 * env) + env * g.knee_swing * swing * swing + deg(4);
            set_leg(f, side == 1, h, k);
            f.contact[static_cast<size_t>(side)] = stance || env < 0.03;
            set_arm(f, side == 1, deg(-72), 0, 0, g.elbow);
        }
        // Left arm swings forward when the right leg is forward.
        f.euler[kLShoulder].x = env * g.arm_swing * std::sin(phi);
        f.euler[kRShoulder].x = -env * g.arm_swing * std::sin(phi);
        f.euler[kSpine1].x = g.lean * (0.3 + 0.7 * env);
        f.euler[kSpine2].x = g.lean * 0.5 * (0.3 + 0.7 * env);
        c.out.push_back(f);
    }
}

// Side stepping: the leading leg swings out while the other stands, then it stands while the body
// shifts over it and the trailing leg closes in.
void side_step(Ctx& c, bool to_right) {
    const double cycle = 0.8 / c.p.speed;
    const double amp = deg(30) * c.p.amplitude;
    const double t0 = 0.3, t1 = c.dur - 0.3;
    const int cycles = std::max(1, static_cast<int>((t1 - t0) / cycle));
    for (int64_t i = 0; i < c.n; ++i) {
        const double t = c.t(i);
        SynthFrame f = c.base();
        double lead = 0, trail_knee = 0, lead_knee = 0;
        bool lead_contact = true, trail_contact = true;
        const double u = (t - t0) / cycle;
        if (u > 0 && u < cycles) {
            const double w = u - std::floor(u);
            if (w < 0.5) {  // leading leg swings out
                lead = amp * smooth_step(0, 0.5, w);
                lead_knee = deg(30) * bump(0, 0.5, w);
                lead_contact = false;
            } else {  // leading leg planted, body shifts, trailing leg closes
                lead = amp * (1 - smooth_step(0.5, 1.0, w));
                trail_knee = deg(30) * bump(0.5, 1.0, w);
                trail_contact = false;
            }
        }
        const bool lead_right = to_right;
        set_leg(f, lead_right, 0, lead_knee + deg(4), lead);
        set_leg(f, !lead_right, 0, trail_knee + deg(4), 0);
        f.contact[lead_right ? 1 : 0] = lead_contact;
        f.contact[lead_right ? 0 : 1] = trail_contact;
        c.out.push_back(f);
    }
}

// Stepping in place while the heading turns by `total` radians over the middle of the segment.
void turn(Ctx& c, double total, double step_hz) {
    const double a = 0.2 * c.dur, b = 0.85 * c.dur;
    for (int64_t i = 0; i < c.n; ++i) {
        const double t = c.t(i);
        SynthFrame f = c.base();
        f.root_yaw = c.yaw0 + total * smooth_step(a, b, t);
        const bool active = t > a - 0.1 && t < b + 0.1;
        if (active) {
            const double ph = std::fmod((t - (a - 0.1)) * step_hz, 1.0);  // one step per half
            const bool left_swing = ph < 0.5;
            const double lift = bump(0, 0.5, left_swing ? ph : ph - 0.5);
            set_leg(f, !left_swing, deg(18) * lift, deg(40) * lift + deg(4));
            f.contact[left_swing ? 0 : 1] = false;
        }
        c.out.push_back(f);
    }
}

struct JumpStyle {
    double period_s, flight_s, crouch_knee, forward_mps = 0;
    bool one_leg = false, jacks = false;
};

// Repeated jumps: crouch, push, flight, landing. Leg abduction (jumping jacks) changes in the air
// only.
void jumps(Ctx& c, const JumpStyle& j, int count) {
    const double start = std::max(0.15, (c.dur - count * j.period_s) / 2);
    for (int64_t i = 0; i < c.n; ++i) {
        const double t = c.t(i);
        SynthFrame f = c.base();
        const double u = (t - start) / j.period_s;
        const int idx = static_cast<int>(std::floor(u));
        double crouch = 0, tuck = 0;
        bool air = false;
        double spread = 0;  // jumping jacks: legs apart, arms up (0..1)
        if (u >= 0 && idx < count) {
            const double w = (u - idx) * j.period_s;  // seconds into this jump
            const double push_end = 0.38, land = push_end + j.flight_s;
            if (w < push_end) crouch = bump(0, push_end, w);
            if (w >= push_end && w < land) {
                air = true;
                tuck = bump(push_end, land, w);
            }
            if (w >= land) crouch = 0.8 * bump(land - 0.05, j.period_s, w);
            if (j.jacks) {
                const bool odd = idx % 2 == 0;  // out on even jumps, in on odd ones
                const double s = air ? smooth_step(push_end, land, w) : (w >= land ? 1.0 : 0.0);
                spread = odd ? s : 1 - s;
            }
        }
        const double k = j.crouch_knee * crouch * c.p.amplitude;
        const double airtuck = deg(30) * tuck;
        for (int side = 0; side < 2; ++side) {
            const bool right = side == 1;
            if (j.one_leg && right) {
                set_leg(f, true, deg(15), deg(80));
                f.contact[1] = false;
            } else {
                set_leg(f, right, k * 0.8 + airtuck * 0.5, k + airtuck, deg(12) * spread);
                f.contact[static_cast<size_t>(side)] = !air;
            }
            set_arm(f, right, lerp(deg(-72), deg(75), spread) + deg(20) * crouch * !j.jacks,
                    -deg(30) * crouch * !j.jacks, 0, deg(15));
        }
        if (air) f.flight_forward_mps = j.forward_mps;
        f.euler[kSpine1].x = deg(15) * crouch;
        c.out.push_back(f);
    }
}

// Upper-body action over a standing lower body; `pose(f, s, t)` gets the raise envelope s (0..1).
template <typename F>
void upper_body(Ctx& c, double raise_s, F pose) {
    const double sway = c.jitter(0, 2 * kPi);
    for (int64_t i = 0; i < c.n; ++i) {
        const double t = c.t(i);
        SynthFrame f = c.base();
        const double s = smooth_step(0.1, 0.1 + raise_s, t) *
                         (1 - smooth_step(c.dur - 0.1 - raise_s, c.dur - 0.1, t));
        f.euler[kSpine2].z = deg(1.5) * std::sin(0.8 * t + sway);
        pose(f, s, t);
        c.out.push_back(f);
    }
}

// Times (seconds) of `count` evenly spread events inside [a, b].
double event_phase(double t, double a, double b, int count, double width, int& which) {
    const double spacing = (b - a) / count;
    for (int e = 0; e < count; ++e) {
        const double centre = a + spacing * (e + 0.5);
        if (std::abs(t - centre) < width / 2) {
            which = e;
            return (t - centre) / width + 0.5;  // 0..1 inside the event
        }
    }
    which = -1;
    return -1;
}

void lower_to(Ctx& c, double from, double to, double hip_deg, double knee_deg, double lean_deg) {
    // Sit down (from 0 to 1) or stand up (from 1 to 0) over ~1.4 s, then hold.
    const double len = 1.4 / c.p.speed;
    const double a = std::max(0.2, std::min(0.3 * c.dur, c.dur - len - 0.2));
    for (int64_t i = 0; i < c.n; ++i) {
        const double t = c.t(i);
        SynthFrame f = c.base();
        const double s = lerp(from, to, smooth_step(a, a + len, t));
        set_leg(f, false, deg(hip_deg) * s, deg(knee_deg) * s + deg(4));
        set_leg(f, true, deg(hip_deg) * s, deg(knee_deg) * s + deg(4));
        const double lean = deg(lean_deg) * (s + 0.6 * bump(a, a + len, t));
        f.euler[kSpine1].x = lean * 0.6;
        f.euler[kSpine2].x = lean * 0.4;
        for (int side = 0; side < 2; ++side)
            set_arm(f, side == 1, deg(-72), -deg(35) * s, 0, deg(10 + 40 * s));
        c.out.push_back(f);
    }
}

}  // namespace

SynthFrame neutral_frame() {
    SynthFrame f;
    set_leg(f, false, 0, deg(4));
    set_leg(f, true, 0, deg(4));
    set_arm(f, false, deg(-72), 0, 0);
    set_arm(f, true, deg(-72), 0, 0);
    return f;
}

void generate_segment(const Segment& seg, double yaw0, std::mt19937_64& rng,
                      std::vector<SynthFrame>& out) {
    const ActionParams& p = seg.params;
    Ctx c{p, seg.frames, static_cast<double>(seg.frames) / kFps, yaw0, rng, out};
    const double sp = std::clamp(p.speed, 0.75, 1.3);
    const double amp = std::clamp(p.amplitude, 0.8, 1.2);
    const double walk_sp = std::min(sp, 1.2);
    const double fast = std::clamp(sp, 0.9, 1.2);
    switch (seg.action) {
        case Action::Idle:
            upper_body(c, 0.5, [&](SynthFrame& f, double, double t) {
                f.euler[kNeck].y = deg(8) * std::sin(0.6 * t) * amp;
                f.euler[kLShoulder].x = deg(3) * std::sin(1.1 * t);
                f.euler[kRShoulder].x = deg(3) * std::sin(1.3 * t);
            });
            break;
        case Action::WalkForward:
        case Action::WalkBackward:
            gait(c, {0.9 * std::sqrt(walk_sp), deg(24) * amp * std::sqrt(walk_sp), deg(45), 0.5, 0,
                     0, deg(3), deg(18) * amp, deg(15), seg.action == Action::WalkBackward});
            break;
        case Action::Jog:
            gait(c, {1.25 * std::sqrt(fast), deg(30) * std::sqrt(fast), deg(75), 0.42, deg(5),
                     deg(15), deg(8), deg(28), deg(70)});
            break;
        case Action::Run:
            gait(c, {1.45 * std::sqrt(fast), deg(42) * std::sqrt(fast), deg(100), 0.35, deg(8),
                     deg(20), deg(14), deg(40), deg(85)});
            break;
        case Action::CrouchWalk:
            gait(c, {0.7 * std::sqrt(walk_sp), deg(18) * std::sqrt(walk_sp), deg(35), 0.5, deg(45),
                     deg(75), deg(25), deg(10), deg(40)});
            break;
        case Action::WalkSideLeft:
            side_step(c, false);
            break;
        case Action::WalkSideRight:
            side_step(c, true);
            break;
        case Action::TurnLeft:
            turn(c, deg(std::clamp(p.turn_deg, 70.0, 180.0)), 1.6 * sp);
            break;
        case Action::TurnRight:
            turn(c, -deg(std::clamp(p.turn_deg, 70.0, 180.0)), 1.6 * sp);
            break;
        case Action::Spin:
            turn(c, deg(360) * (p.turn_deg > 125 ? 1 : -1), 2.2);
            break;
        case Action::JumpInPlace: {
            const int count = std::clamp(p.count, 1, c.dur < 2.5 ? 1 : 2);
            jumps(c, {std::min(1.3, (c.dur - 0.3) / count), 0.42, deg(70)}, count);
            break;
        }
        case Action::JumpForward: {
            const int count = std::clamp(p.count, 1, 2);
            jumps(c, {std::min(1.4, (c.dur - 0.3) / count), 0.45, deg(80), 1.8 * amp}, count);
            break;
        }
        case Action::Hop: {
            const int count = std::max(2, static_cast<int>((c.dur - 0.4) / (0.6 / sp)));
            jumps(c, {(c.dur - 0.4) / count, 0.25, deg(45), 0, true}, count);
            break;
        }
        case Action::JumpingJacks: {
            // An even count: legs out on even jumps, back in on odd ones, so the clip ends closed.
            const int count = std::max(2, 2 * static_cast<int>((c.dur - 0.3) / 1.7));
            jumps(c, {(c.dur - 0.3) / count, 0.3, deg(30), 0, false, true}, count);
            break;
        }
        case Action::WaveLeft:
        case Action::WaveRight:
        case Action::WaveBoth: {
            const bool l = seg.action != Action::WaveRight, r = seg.action != Action::WaveLeft;
            const double hz = 2.0 * sp;
            upper_body(c, 0.35, [&](SynthFrame& f, double s, double t) {
                const double osc = deg(28) * amp * std::sin(2 * kPi * hz * t);
                if (l)
                    set_arm(f, false, lerp(deg(-72), deg(25), s), 0, 0, deg(10),
                            s * (deg(80) + osc));
                if (r)
                    set_arm(f, true, lerp(deg(-72), deg(25), s), 0, 0, deg(10),
                            s * (deg(80) + osc));
            });
            break;
        }
        case Action::RaiseArms:
            upper_body(c, 0.6 / sp, [&](SynthFrame& f, double s, double) {
                for (int side = 0; side < 2; ++side)
                    set_arm(f, side == 1, lerp(deg(-72), deg(78 + 7 * (amp - 1)), s), 0, 0,
                            deg(10) * (1 - s));
            });
            break;
        case Action::Clap: {
            const int count = std::clamp(p.count, 1, 3);
            upper_body(c, 0.35, [&](SynthFrame& f, double s, double t) {
                int which = -1;
                const double ph = event_phase(t, 0.5, c.dur - 0.5, count, 0.45, which);
                const double close = which >= 0 ? bump(0, 1, ph) : 0;
                for (int side = 0; side < 2; ++side)
                    set_arm(f, side == 1, lerp(deg(-72), deg(-15), s), 0,
                            -s * (deg(65) + deg(42) * close), deg(15));
            });
            break;
        }
        case Action::Punch: {
            const int count = std::clamp(p.count, 1, 3);
            upper_body(c, 0.3, [&](SynthFrame& f, double s, double t) {
                int which = -1;
                const double ph = event_phase(t, 0.45, c.dur - 0.4, count, 0.4 / sp, which);
                const double ext = which >= 0 ? bump(0, 1, ph) : 0;
                set_arm(f, true, lerp(deg(-72), lerp(deg(-55), deg(-5), ext), s), 0,
                        -s * lerp(deg(45), deg(88), ext),
                        lerp(deg(10), lerp(deg(110), deg(0), ext), s));
                set_arm(f, false, lerp(deg(-72), deg(-55), s), 0, -s * deg(45),
                        lerp(deg(10), deg(110), s));
            });
            break;
        }
        case Action::KickLeft:
        case Action::KickRight: {
            const bool right = seg.action == Action::KickRight;
            const int count = std::clamp(p.count, 1, c.dur < 2.5 ? 1 : 2);
            for (int64_t i = 0; i < c.n; ++i) {
                const double t = c.t(i);
                SynthFrame f = c.base();
                int which = -1;
                const double ph = event_phase(t, 0.2, c.dur - 0.2, count, 0.9 / sp, which);
                if (which >= 0) {
                    const double windup = bump(0, 0.45, ph), kick = bump(0.3, 0.9, ph);
                    set_leg(f, right, deg(-10) * windup + deg(78) * amp * kick,
                            deg(75) * windup + deg(10) * kick);
                    f.contact[right ? 1 : 0] = ph < 0.02 || ph > 0.93;
                    const double e = bump(0, 1, ph);
                    set_arm(f, !right, lerp(deg(-72), deg(-50), e), -deg(25) * kick, 0,
                            deg(10 + 20 * e));
                    set_arm(f, right, lerp(deg(-72), deg(-50), e), deg(20) * kick, 0,
                            deg(10 + 20 * e));
                }
                c.out.push_back(f);
            }
            break;
        }
        case Action::Squat: {
            const int count = std::clamp(p.count, 1, c.dur < 2.5 ? 1 : 2);
            for (int64_t i = 0; i < c.n; ++i) {
                const double t = c.t(i);
                SynthFrame f = c.base();
                int which = -1;
                const double ph = event_phase(t, 0.15, c.dur - 0.15, count,
                                              std::min(1.6 / sp, (c.dur - 0.3) / count), which);
                const double s = which >= 0 ? bump(0, 1, ph) * amp : 0;
                set_leg(f, false, deg(95) * s, deg(115) * s + deg(4));
                set_leg(f, true, deg(95) * s, deg(115) * s + deg(4));
                f.euler[kSpine1].x = deg(20) * s;
                for (int side = 0; side < 2; ++side)
                    set_arm(f, side == 1, lerp(deg(-72), deg(-5), s), 0, -deg(80) * s, deg(10));
                c.out.push_back(f);
            }
            break;
        }
        case Action::Bow:
            upper_body(c, 0.6 / sp, [&](SynthFrame& f, double s, double) {
                const double b = s * amp;
                f.root_pitch = deg(25) * b;
                // Hips flex by the pelvis pitch so the legs stay vertical and the feet flat.
                set_leg(f, false, deg(25) * b, deg(4));
                set_leg(f, true, deg(25) * b, deg(4));
                f.euler[kLAnkle].x = -deg(4);
                f.euler[kRAnkle].x = -deg(4);
                f.euler[kSpine1].x = deg(15) * b;
                f.euler[kSpine2].x = deg(12) * b;
                f.euler[kSpine3].x = deg(8) * b;
                f.euler[kNeck].x = deg(12) * b;
                for (int side = 0; side < 2; ++side)
                    set_arm(f, side == 1, deg(-80), 0, 0, deg(5));
            });
            break;
        case Action::SitDown:
            lower_to(c, 0, 1, 92, 95, 12);
            break;
        case Action::StandUp:
            lower_to(c, 1, 0, 92, 95, 12);
            break;
        case Action::kCount:
            break;
    }
}

}  // namespace kinema::train

// Per-action pose generators of the procedural motion library (internal to kinema_motionlib).
// Every segment starts and ends near the neutral standing pose, so segments concatenate smoothly.
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "app/train/action_catalog.h"
#include "app/train/motion_math.h"

namespace kinema::train {

// SMPL-H body joint indices.
enum Joint : int {
    kPelvis = 0,
    kLHip = 1,
    kRHip = 2,
    kSpine1 = 3,
    kLKnee = 4,
    kRKnee = 5,
    kSpine2 = 6,
    kLAnkle = 7,
    kRAnkle = 8,
    kSpine3 = 9,
    kLFoot = 10,
    kRFoot = 11,
    kNeck = 12,
    kLCollar = 13,
    kRCollar = 14,
    kHead = 15,
    kLShoulder = 16,
    kRShoulder = 17,
    kLElbow = 18,
    kRElbow = 19,
    kLWrist = 20,
    kRWrist = 21
};

struct SynthFrame {
    std::array<Vec3, 22> euler{};  // local joint angles (radians, euler_yxz); [0] unused
    double root_yaw = 0, root_pitch = 0;
    std::array<bool, 2> contact{true, true};  // left, right foot planted
    // Body-forward speed while airborne (m/s); NaN keeps the last stance velocity.
    double flight_forward_mps = std::numeric_limits<double>::quiet_NaN();
};

SynthFrame neutral_frame();

// Appends seg.frames frames; root_yaw continues from yaw0.
void generate_segment(const Segment& seg, double yaw0, std::mt19937_64& rng,
                      std::vector<SynthFrame>& out);

}  // namespace kinema::train

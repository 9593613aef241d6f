// Foot contacts: detection (a foot is planted when its ankle or toe joint is near the ground and
// slow) and cleanup (pin the planted ankle to its mean planted position with analytic two-bone
// leg IK, keeping the foot's world orientation, easing in and out over a few frames).
// Works on any skeleton given the leg joint names; defaults are SMPL-H's. Metres, Y-up, ground is
// the lowest height each joint reaches in the clip. Thread safety: pure functions.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/motion/skeletal_animation.h"
#include "core/result.h"

namespace kinema {

struct LegJoints {
    std::string hip, knee, ankle, toe;
};

struct FootContactOptions {
    std::array<LegJoints, 2> legs = {LegJoints{"L_Hip", "L_Knee", "L_Ankle", "L_Foot"},
                                     LegJoints{"R_Hip", "R_Knee", "R_Ankle", "R_Foot"}};
    double height_threshold_m = 0.05;   // above the joint's lowest height in the clip
    double speed_threshold_m_s = 0.30;  // horizontal speed
    double max_gap_s = 0.1;             // shorter gaps between contacts are filled first
    double min_contact_s = 0.1;         // then shorter runs are not contacts
    double blend_s = 0.13;              // cleanup easing before and after each contact
};

struct FootContacts {
    // contact[leg][frame]; leg 0 = legs[0] (left by default).
    std::array<std::vector<bool>, 2> contact;
    int64_t frames() const { return static_cast<int64_t>(contact[0].size()); }
};

// InvalidRequest if a leg joint is missing or its chain is not hip -> knee -> ankle.
Result<FootContacts> detect_foot_contacts(const SkeletalAnimation& animation,
                                          const FootContactOptions& options = {});

// The animation with every contact run pinned (see above). Same errors as detection.
Result<SkeletalAnimation> clean_foot_contacts(const SkeletalAnimation& animation,
                                              const FootContacts& contacts,
                                              const FootContactOptions& options = {});

// Analytic two-bone IK on frame `frame`: rotates the hip and knee so that the ankle reaches
// `target` (clamped to the reachable range), bending in the leg's current plane, then restores
// the ankle's world rotation. Joint indices must form a chain hip -> knee -> ankle.
void solve_two_bone_ik(SkeletalAnimation& animation, int64_t frame, int hip, int knee, int ankle,
                       const Vec3& target);

}  // namespace kinema

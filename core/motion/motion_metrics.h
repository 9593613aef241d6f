// Motion-quality numbers, so post-processing gains are measurable: foot skate (mean horizontal
// speed of feet in contact) and mean jerk (third time derivative of joint positions).
// Thread safety: pure functions.
#pragma once

#include "core/motion/foot_contacts.h"
#include "core/motion/skeletal_animation.h"
#include "core/result.h"

namespace kinema {

struct MotionQuality {
    double foot_skate_cm_s = 0;  // mean over consecutive in-contact frame pairs, ankle and toe
    int64_t contact_frames = 0;  // frames with at least one foot in contact
    double mean_jerk_m_s3 = 0;   // mean |d3p/dt3| over joints and frames (finite differences)
};

// Contacts from detect_foot_contacts (same leg options). InvalidRequest on missing joints,
// ShapeMismatch if contacts and animation disagree in frames.
Result<MotionQuality> measure_motion_quality(const SkeletalAnimation& animation,
                                             const FootContacts& contacts,
                                             const FootContactOptions& options = {});

// Mean jerk alone (0 for clips shorter than 4 frames).
double mean_jerk_m_s3(const SkeletalAnimation& animation);

}  // namespace kinema

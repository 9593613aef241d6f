// DisplayClip: a MotionClip turned into plain Qt values for drawing, so that the GUI thread never
// touches a tensor. Built on the engine's worker thread (from_clips), then shared read-only
// (DisplayClipSet) by the viewport, the playback clock and the trajectory line.
// Units: metres, Y-up, the clip's own fps. Only the 22 body joints are drawn.
#pragma once

#include <QQuaternion>
#include <QVector3D>

#include <cstdint>
#include <memory>
#include <vector>

#include "core/engine.h"

inline constexpr int kDisplayJoints = 22;

struct DisplayClip {
    int64_t seed = 0;
    double fps = 30.0;
    int frames = 0;
    // frames x 22 world joint positions (root translation included), row-major by frame.
    std::vector<QVector3D> joints;
    // frames x 22 local rotations (empty when the clip carries none); with `transl` and the
    // built-in skeleton they reproduce `joints` (checked at build time, see `fk_matches`).
    std::vector<QQuaternion> local_rotations;
    std::vector<QVector3D> transl;  // frames root translations
    bool fk_matches = false;        // slerp+FK agrees with `joints` within 1 cm on sampled frames

    double duration_s() const { return frames > 0 ? frames / fps : 0.0; }

    // The 22 joint positions at `time_s` (clamped to the clip). Between frames: slerp of the local
    // rotations + lerp of the translation + forward kinematics when `fk_matches`, else a lerp of
    // the joint positions. `out` must hold 22 values.
    void pose_at(double time_s, QVector3D* out) const;
};

using DisplayClipSet = std::shared_ptr<const std::vector<DisplayClip>>;

// Any thread. Clips with undefined or misshapen tensors are skipped. `ground`: shift each clip
// vertically so its lowest body joint over the clip touches y = 0 (for live previews, which the
// engine decodes without ground alignment; final results are already grounded).
DisplayClipSet make_display_clips(const std::vector<kinema::MotionClip>& clips,
                                  bool ground = false);

// The body skeleton used by pose_at: parents (-1 for the root) and rest offsets (metres).
const std::vector<int>& display_parents();

// The box on the ground (cm, the clip's own frame) that the root travels through; all zero for
// a clip without frames.
struct RootPathBoundsCm {
    float min_x = 0, max_x = 0, min_z = 0, max_z = 0;
    float extent() const;                         // the box's diagonal
    void include(const RootPathBoundsCm& other);  // grows this box to cover `other` too
};
RootPathBoundsCm root_path_bounds_cm(const DisplayClip& clip);

// The camera distance (cm) of the scene camera (vertical field of view 40 degrees) that keeps a
// standing figure and a ground path of diagonal `path_extent_cm` in view at `aspect` (width /
// height); never below `min_distance_cm`. Used by the viewport and the video renderer.
float framing_distance_cm(float path_extent_cm, float aspect, float min_distance_cm);

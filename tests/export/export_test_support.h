// Shared helpers of the export tests: the golden clip (pipeline_a_body, the official decode of a
// real pipeline run with grounding), paths of the fixtures, and running external clients
// (python3 with numpy, node with npm packages, Blender) with their output captured.
#pragma once

#include <QString>
#include <QStringList>

#include <string>

#include "core/motion/motion_clip.h"

namespace kinema::test {

// Sample `sample` (0 or 1) of tests/fixtures/hymotion/pipeline_a_body.safetensors as a MotionClip:
// rot6d, rotations, grounded transl, world joints = keypoints3d + (0, min_y, 0) + transl.
MotionClip golden_clip(int sample);

struct ProcessResult {
    bool started = false;
    int exit_code = -1;
    QString output;  // stdout + stderr
};
// Runs `program` with `arguments` (working dir `cwd` if not empty), waits up to timeout_s.
ProcessResult run_process(const QString& program, const QStringList& arguments, int timeout_s = 300,
                          const QString& cwd = {});

// Debian's python3 if it can import numpy, else empty.
QString python_with_numpy();
// A folder with node_modules holding gltf-validator and three (installed with npm into
// <build>/test-clients on first use); empty with `why` set when node/npm are unavailable.
QString node_clients_dir(QString* why);
// The blender executable, or empty.
QString blender_executable();

}  // namespace kinema::test

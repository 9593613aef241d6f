#include "tests/export/export_test_support.h"

#include <ATen/ATen.h>

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include "core/motion/rotations.h"
#include "tests/motion/fixture_tensors.h"

namespace kinema::test {

MotionClip golden_clip(int sample) {
    const auto fx = read_safetensors(KINEMA_TEST_FIXTURES "/hymotion/pipeline_a_body.safetensors");
    MotionClip clip;
    clip.seed = sample == 0 ? 0 : 7;
    clip.fps = 30.0;
    clip.rot6d = fx.at("rot6d")[sample].contiguous();
    clip.rotations = rot6d_to_matrix(clip.rot6d).contiguous();
    clip.transl = fx.at("transl")[sample].contiguous();
    auto joints = fx.at("keypoints3d")[sample].clone();
    joints.select(-1, 1).add_(fx.at("min_y")[sample]);
    clip.joints = (joints + clip.transl.unsqueeze(1)).contiguous();
    return clip;
}

ProcessResult run_process(const QString& program, const QStringList& arguments, int timeout_s,
                          const QString& cwd) {
    ProcessResult r;
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    if (!cwd.isEmpty()) p.setWorkingDirectory(cwd);
    p.start(program, arguments);
    if (!p.waitForStarted(30000)) return r;
    r.started = true;
    if (!p.waitForFinished(timeout_s * 1000)) {
        p.kill();
        p.waitForFinished(5000);
        r.output = QString::fromUtf8(p.readAll()) + "\n[timed out]";
        return r;
    }
    r.output = QString::fromUtf8(p.readAll());
    r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

QString python_with_numpy() {
    for (const QString& python : {QStringLiteral("/usr/bin/python3"), QStringLiteral("python3")}) {
        const auto r = run_process(python, {"-c", "import numpy"}, 60);
        if (r.started && r.exit_code == 0) return python;
    }
    return {};
}

QString node_clients_dir(QString* why) {
    const QString node = QStandardPaths::findExecutable("node");
    const QString npm = QStandardPaths::findExecutable("npm");
    if (node.isEmpty() || npm.isEmpty()) {
        *why = "node/npm not installed (apt-get install nodejs npm)";
        return {};
    }
    const QString dir = QStringLiteral(KINEMA_BINARY_DIR "/test-clients");
    QDir().mkpath(dir);
    if (QFileInfo::exists(dir + "/node_modules/gltf-validator/package.json") &&
        QFileInfo::exists(dir + "/node_modules/three/package.json"))
        return dir;
    if (!QFileInfo::exists(dir + "/package.json")) run_process(npm, {"init", "-y"}, 120, dir);
    const auto r = run_process(
        npm,
        {"install", "--no-audit", "--no-fund", "gltf-validator@2.0.0-dev.3.10", "three@0.187.0"},
        600, dir);
    if (!r.started || r.exit_code != 0) {
        *why = "npm install gltf-validator three failed: " + r.output.right(2000);
        return {};
    }
    return dir;
}

QString blender_executable() {
    return QStandardPaths::findExecutable("blender");
}

}  // namespace kinema::test

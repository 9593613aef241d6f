// OffscreenRenderer: draws DisplayClips (qml/RenderScene.qml: one tile per clip side by side, each
// with the viewport's FigureView: skeleton and/or mannequin, root trajectory, ground grid; an
// optional caption and tile labels) frame by frame with QQuickRenderControl on its own OpenGL
// context into an FBO (../shared/spec/platform.md §3), and streams the frames into
// kinema::VideoEncoder. Needs an X server (xvfb-run headless).
// Thread: the GUI thread (QGuiApplication must exist). Units: the clip's metres are drawn in
// centimetres (the Quick 3D scene unit), Y-up; sizes in pixels.
#pragma once

#include <QImage>
#include <QPointF>
#include <QSize>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "app/gui/display_clip.h"
#include "core/export/video_encoder.h"

// What a frame shows (besides the clips).
struct RenderLook {
    QString camera = QStringLiteral("three-quarter");  // see OffscreenRenderer::cameraPresets()
    QString figure = QStringLiteral("both");           // skeleton | mannequin | both
    bool trajectory = true;                            // the root's path on the ground
    QString caption;                                   // across the bottom; empty: none
    QStringList labels;                                // per tile, top left (e.g. "seed 3")
};

struct VideoRenderOptions {
    QSize size{1280, 720};
    kinema::VideoCodec codec = kinema::VideoCodec::H264;
    int crf = 16;
    QString preset = QStringLiteral("medium");
    QString camera = QStringLiteral("three-quarter");  // front|side|three-quarter|orbit|follow
    QString figure = QStringLiteral("both");           // skeleton | mannequin | both
    bool trajectory = true;
    QString caption;     // empty: none
    QStringList labels;  // per tile (several clips are tiled side by side)
    QString comment;     // container comment (settings JSON)

    RenderLook look() const { return {camera, figure, trajectory, caption, labels}; }
};

struct VideoRenderStats {
    int frames = 0;
    std::vector<double> render_ms;  // per frame: scene render + readback
    std::vector<double> encode_ms;  // per frame: VideoEncoder::add_frame
    double total_ms = 0;
};

class OffscreenRenderer {
public:
    OffscreenRenderer();
    ~OffscreenRenderer();
    OffscreenRenderer(const OffscreenRenderer&) = delete;
    OffscreenRenderer& operator=(const OffscreenRenderer&) = delete;

    // front, side, three-quarter, orbit (one turn over the clip), follow (tracks the root).
    static QStringList cameraPresets();
    static QStringList figures();

    // Creates the GL context, the render control and the scene at `size` (even sizes for video).
    // False with `error` set when there is no GL (no X server) or the scene fails to load.
    bool initialize(QSize size, QString* error);
    // The clip to draw, its camera preset and caption. False for an unknown camera.
    bool setClip(const DisplayClip& clip, const QString& camera, const QString& caption);
    // Clips tiled side by side (left to right), one camera each. False for no clips, an unknown
    // camera or figure.
    bool setClips(const std::vector<DisplayClip>& clips, const RenderLook& look);
    // The longest clip's frames at the first clip's fps (shorter clips hold their last pose).
    int frameCount() const;
    double fps() const;
    // Renders frame `index` (time index / fps) and returns it top row first, RGBA8888.
    QImage renderFrame(int index);
    // Where the root joint of the last rendered frame lands, in pixels (top-left origin).
    QPointF projectedRoot() const { return projected_root_; }
    // Where joint `joint` of tile `tile` lands in the last rendered frame, in pixels of the whole
    // frame (top-left origin); (-1, -1) without a frame.
    QPointF projectedJoint(int tile, int joint) const;

    // Progress: frames done, total; return false to cancel. Renders every frame of `clip` at its
    // fps into `output` (temp + rename by VideoEncoder): on cancel or error nothing is left and
    // false is returned with `error` ("cancelled" on cancel).
    static bool renderVideo(const DisplayClip& clip, const VideoRenderOptions& options,
                            const QString& output, const std::function<bool(int, int)>& progress,
                            QString* error, VideoRenderStats* stats = nullptr);
    // Several clips tiled side by side in one video (one tile each, frameCount() frames).
    static bool renderVideo(const std::vector<DisplayClip>& clips,
                            const VideoRenderOptions& options, const QString& output,
                            const std::function<bool(int, int)>& progress, QString* error,
                            VideoRenderStats* stats = nullptr);

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
    QPointF projected_root_{-1, -1};
};

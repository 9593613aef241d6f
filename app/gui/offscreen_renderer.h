// OffscreenRenderer: draws a DisplayClip (the skeleton on a ground, optional caption) frame by
// frame with QQuickRenderControl on its own OpenGL context into an FBO (../shared/spec/platform.md
// §3), and streams the frames into kinema::VideoEncoder. Needs an X server (xvfb-run headless).
// Thread: the GUI thread (QGuiApplication must exist). Units: the clip's metres are drawn in
// centimetres (the Quick 3D scene unit), Y-up; sizes in pixels.
#pragma once

#include <QImage>
#include <QPointF>
#include <QSize>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "app/gui/display_clip.h"
#include "core/export/video_encoder.h"

struct VideoRenderOptions {
    QSize size{1280, 720};
    kinema::VideoCodec codec = kinema::VideoCodec::H264;
    int crf = 16;
    QString preset = QStringLiteral("medium");
    QString camera = QStringLiteral("three-quarter");  // front|side|three-quarter|orbit|follow
    QString caption;                                   // empty: none
    QString comment;                                   // container comment (settings JSON)
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

    static QStringList cameraPresets();

    // Creates the GL context, the render control and the scene at `size` (even sizes for video).
    // False with `error` set when there is no GL (no X server) or the scene fails to load.
    bool initialize(QSize size, QString* error);
    // The clip to draw, its camera preset and caption. False for an unknown camera.
    bool setClip(const DisplayClip& clip, const QString& camera, const QString& caption);
    int frameCount() const;
    // Renders frame `index` (time index / fps) and returns it top row first, RGBA8888.
    QImage renderFrame(int index);
    // Where the root joint of the last rendered frame lands, in pixels (top-left origin).
    QPointF projectedRoot() const { return projected_root_; }

    // Progress: frames done, total; return false to cancel. Renders every frame of `clip` at its
    // fps into `output` (temp + rename by VideoEncoder): on cancel or error nothing is left and
    // false is returned with `error` ("cancelled" on cancel).
    static bool renderVideo(const DisplayClip& clip, const VideoRenderOptions& options,
                            const QString& output, const std::function<bool(int, int)>& progress,
                            QString* error, VideoRenderStats* stats = nullptr);

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
    QPointF projected_root_;
};

// `kinema --render CLIP.json --out F.mp4 [--size WxH] [--crf N] [--camera …] [--codec …] [--json]`:
// renders a clip saved by the JSON export to a video (H.264 MP4, VP9 WebM, MPEG-4, or a PNG
// sequence folder) with OffscreenRenderer, without opening the main window. Needs an X server
// (xvfb-run -a kinema --render …). GUI thread; QGuiApplication must exist.
#pragma once

#include <QSize>
#include <QString>

struct RenderCommandOptions {
    QString clip_path;
    QString out_path;
    QSize size{1280, 720};
    int crf = 16;
    QString camera = QStringLiteral("three-quarter");
    QString codec;  // empty: from the extension (.webm vp9, .mp4 h264, else png sequence)
    QString preset = QStringLiteral("medium");
    bool caption = true;  // prompt and seed in the corner
    bool json = false;    // print a JSON summary with per-frame times on stdout
};

// Process exit code: 0 written, 1 failed (message on stderr, or in the JSON).
int run_render_command(const RenderCommandOptions& options);

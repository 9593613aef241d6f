// `kinema --render CLIP.json [--render CLIP2.json ...] --out F.mp4 [--size WxH] [--crf N]
//  [--camera …] [--codec …] [--preset P] [--figure skeleton|mannequin|both] [--no-trajectory]
//  [--no-caption] [--json]`: renders clips saved by the JSON export to a video (H.264 MP4, VP9
// WebM, MPEG-4, or a PNG sequence folder) with OffscreenRenderer, without opening the main window.
// Several clips are tiled side by side in one video, each labelled with its seed. Needs an X
// server (xvfb-run -a kinema --render …). GUI thread; QGuiApplication must exist.
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

struct RenderCommandOptions {
    QStringList clip_paths;  // one tile each
    QString out_path;
    QSize size{1280, 720};
    int crf = 16;
    QString camera = QStringLiteral("three-quarter");
    QString codec;  // empty: from the extension (.webm vp9, .mp4 h264, else png sequence)
    QString preset = QStringLiteral("medium");
    QString figure = QStringLiteral("both");  // skeleton | mannequin | both
    bool trajectory = true;                   // the root's path on the ground
    bool caption = true;                      // prompt (and seed) across the bottom
    bool json = false;                        // print a JSON summary with per-frame times on stdout
};

// True when the process was started in render mode (an argument is "--render" or "--render=…"),
// before the app's own option parser runs (it would reject the render-only options).
bool is_render_invocation(const QStringList& arguments);

// Parses the render options above from the app's arguments (QCoreApplication::arguments()) and
// runs run_render_command; --help prints them. Process exit code.
int run_render_command(const QStringList& arguments);

// Process exit code: 0 written, 1 failed (message on stderr, or in the JSON).
int run_render_command(const RenderCommandOptions& options);

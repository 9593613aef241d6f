// kinema-cli render CLIP.json [CLIP2.json ...] --out F.mp4 [...]: renders saved clips (the JSON
// export) to video; several clips are tiled side by side. Rendering needs Qt Quick 3D and an X
// server, which kinema-cli does not link, so this command runs the GUI binary's `kinema --render`
// mode (next to kinema-cli) with the same options (gui_render.h).
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <string>
#include <vector>

#include "app/cli/cli_context.h"
#include "app/cli/gui_render.h"

namespace kinema::cli {
namespace {

struct RenderArgs {
    std::vector<std::string> clips;
    std::string out, size, camera, codec, figure, preset;
    int crf = -1;
    bool no_trajectory = false;
    bool no_caption = false;
    bool json = false;
};

Status run(const RenderArgs& a) {
    if (auto s = check_can_render("kinema-cli render ..."); !s.ok()) return s;
    std::vector<std::string> args = {"kinema", "--render"};
    for (size_t i = 0; i < a.clips.size(); ++i) {
        if (i > 0) args.push_back("--render");
        args.push_back(a.clips[i]);
    }
    args.insert(args.end(), {"--out", a.out});
    if (!a.size.empty()) args.insert(args.end(), {"--size", a.size});
    if (!a.camera.empty()) args.insert(args.end(), {"--camera", a.camera});
    if (!a.codec.empty()) args.insert(args.end(), {"--codec", a.codec});
    if (!a.figure.empty()) args.insert(args.end(), {"--figure", a.figure});
    if (!a.preset.empty()) args.insert(args.end(), {"--preset", a.preset});
    if (a.crf >= 0) args.insert(args.end(), {"--crf", std::to_string(a.crf)});
    if (a.no_trajectory) args.push_back("--no-trajectory");
    if (a.no_caption) args.push_back("--no-caption");
    if (a.json) args.push_back("--json");
    const std::string gui = find_gui_binary().string();
    args[0] = gui;
    std::vector<char*> argv;
    for (auto& s : args)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    return make_error(ErrorKind::Io, "cannot run " + gui);
}

}  // namespace

void add_render_command(CLI::App& app, CliContext& ctx) {
    auto a = std::make_shared<RenderArgs>();
    auto* cmd = app.add_subcommand(
        "render", "Render saved clips (JSON export) to MP4 / WebM / PNG frames; several: tiled");
    cmd->add_option("clip", a->clips, "Clip JSON written by --export json (several: side by side)")
        ->required();
    cmd->add_option("--out", a->out, "Output .mp4, .webm, or a folder for PNG frames")->required();
    cmd->add_option("--size", a->size, "WxH (default 1280x720)");
    cmd->add_option("--camera", a->camera, "front | side | three-quarter | orbit | follow");
    cmd->add_option("--figure", a->figure, "skeleton | mannequin | both (default both)");
    cmd->add_option("--codec", a->codec, "h264 | mpeg4 | vp9 | png (default from the extension)");
    cmd->add_option("--crf", a->crf, "Quality, 0 = lossless (H.264), default 16");
    cmd->add_option("--preset", a->preset, "x264 preset (default medium)");
    cmd->add_flag("--no-trajectory", a->no_trajectory, "Do not draw the root's ground path");
    cmd->add_flag("--no-caption", a->no_caption, "No prompt / seed caption");
    cmd->add_flag("--json", a->json, "Per-frame render/encode times as JSON");
    cmd->callback([&ctx, a] {
        if (auto s = run(*a); !s.ok()) report_error(ctx, s.error());
    });
}

}  // namespace kinema::cli

// kinema-cli render CLIP.json --out F.mp4 [...]: renders a saved clip (the JSON export) to video.
// Rendering needs Qt Quick 3D and an X server, which kinema-cli does not link, so this command
// runs the GUI binary's `kinema --render` mode (next to kinema-cli) with the same options.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <vector>

#include "app/cli/cli_context.h"

namespace kinema::cli {
namespace {
namespace fs = std::filesystem;

struct RenderArgs {
    std::string clip, out, size, camera, codec;
    int crf = -1;
    bool json = false;
};

// `kinema` beside this executable (installed: both in bin/) or in the build tree's app/gui/.
fs::path find_gui_binary() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    for (const auto& c :
         {self.parent_path() / "kinema", self.parent_path().parent_path() / "gui" / "kinema"})
        if (fs::is_regular_file(c, ec)) return c;
    return {};
}

Status run(const RenderArgs& a) {
    const fs::path gui = find_gui_binary();
    if (gui.empty())
        return make_error(ErrorKind::Unsupported,
                          "rendering needs the desktop app (kinema), which this build lacks");
    const char* display = std::getenv("DISPLAY");
    if (!display || !*display)
        return make_error(ErrorKind::Unsupported,
                          "rendering needs an X server; run it under a virtual one: xvfb-run -a -s "
                          "'-screen 0 1280x800x24' kinema-cli render ...");
    std::vector<std::string> args = {gui.string(), "--render", a.clip, "--out", a.out};
    if (!a.size.empty()) args.insert(args.end(), {"--size", a.size});
    if (!a.camera.empty()) args.insert(args.end(), {"--camera", a.camera});
    if (!a.codec.empty()) args.insert(args.end(), {"--codec", a.codec});
    if (a.crf >= 0) args.insert(args.end(), {"--crf", std::to_string(a.crf)});
    if (a.json) args.push_back("--json");
    std::vector<char*> argv;
    for (auto& s : args)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    return make_error(ErrorKind::Io, "cannot run " + gui.string());
}

}  // namespace

void add_render_command(CLI::App& app, CliContext& ctx) {
    auto a = std::make_shared<RenderArgs>();
    auto* cmd = app.add_subcommand("render",
                                   "Render a saved clip (JSON export) to MP4 / WebM / PNG frames");
    cmd->add_option("clip", a->clip, "Clip JSON written by --export json")->required();
    cmd->add_option("--out", a->out, "Output .mp4, .webm, or a folder for PNG frames")->required();
    cmd->add_option("--size", a->size, "WxH (default 1280x720)");
    cmd->add_option("--camera", a->camera, "front | side | three-quarter | orbit | follow");
    cmd->add_option("--codec", a->codec, "h264 | mpeg4 | vp9 | png (default from the extension)");
    cmd->add_option("--crf", a->crf, "Quality, 0 = lossless (H.264), default 16");
    cmd->add_flag("--json", a->json, "Per-frame render/encode times as JSON");
    cmd->callback([&ctx, a] {
        if (auto s = run(*a); !s.ok()) report_error(ctx, s.error());
    });
}

}  // namespace kinema::cli

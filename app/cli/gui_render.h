// Running the desktop app's `kinema --render` mode from kinema-cli (render, generate --export
// mp4/webm): kinema-cli links neither Qt Quick 3D nor a GL context, so video goes through the GUI
// binary installed beside it. Rendering needs an X server (xvfb-run headless). Header-only so
// both commands share it without a build-file change. Main thread; blocks while the child runs.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"

namespace kinema::cli {

// `kinema` beside this executable (installed: both in bin/) or in the build tree's app/gui/;
// empty when this build has no desktop app.
inline std::filesystem::path find_gui_binary() {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    for (const auto& c :
         {self.parent_path() / "kinema", self.parent_path().parent_path() / "gui" / "kinema"})
        if (fs::is_regular_file(c, ec)) return c;
    return {};
}

// Unsupported (with the xvfb-run command to use) when videos cannot be rendered here.
inline Status check_can_render(const std::string& example_command) {
    if (find_gui_binary().empty())
        return make_error(ErrorKind::Unsupported,
                          "rendering video needs the desktop app (kinema), which this build lacks");
    const char* display = std::getenv("DISPLAY");
    if (!display || !*display)
        return make_error(ErrorKind::Unsupported,
                          "rendering video needs an X server; run it under a virtual one: "
                          "xvfb-run -a -s '-screen 0 1280x800x24' " +
                              example_command);
    return {};
}

// Runs `kinema --render <args>` and waits. With `captured` the child's stdout is collected there
// (its stderr, the progress, passes through). Io when it cannot start or exits non-zero.
inline Status run_gui_render(const std::vector<std::string>& args, std::string* captured) {
    const std::filesystem::path gui = find_gui_binary();
    if (gui.empty()) return make_error(ErrorKind::Unsupported, "the kinema app is not installed");
    std::vector<std::string> argv_s = {gui.string(), "--render"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_s)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    int pipe_fd[2] = {-1, -1};
    if (captured && ::pipe(pipe_fd) != 0) return make_error(ErrorKind::Io, "pipe failed");
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) return make_error(ErrorKind::Io, "cannot start " + gui.string());
    if (pid == 0) {
        if (captured) {
            ::dup2(pipe_fd[1], STDOUT_FILENO);
            ::close(pipe_fd[0]);
            ::close(pipe_fd[1]);
        }
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    if (captured) {
        ::close(pipe_fd[1]);
        char buffer[4096];
        ssize_t n;
        while ((n = ::read(pipe_fd[0], buffer, sizeof buffer)) > 0)
            captured->append(buffer, size_t(n));
        ::close(pipe_fd[0]);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return make_error(ErrorKind::Io,
                          "kinema --render failed (exit status " +
                              std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
    return {};
}

}  // namespace kinema::cli

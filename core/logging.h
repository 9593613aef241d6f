// Logger construction. Every Engine (and the CLI) owns its own spdlog logger; there is no global
// default logger in core. Sinks: stderr (colour) + a rotating file in the XDG state directory.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace kinema {

struct LogOptions {
    std::string name = "kinema";
    bool verbose = false;  // debug level on the console sink (file sink is always debug)
    bool console = true;   // attach the stderr sink
    bool file = true;      // attach the rotating file sink (silently skipped if not writable)
    std::filesystem::path log_dir;  // empty: default_log_dir()
};

// $XDG_STATE_HOME/kinema, else ~/.local/state/kinema.
std::filesystem::path default_log_dir();

// Never throws; falls back to a console-only (or null) logger if the file cannot be opened.
std::shared_ptr<spdlog::logger> make_logger(const LogOptions& options);

}  // namespace kinema

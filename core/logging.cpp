#include "core/logging.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <cstdlib>
#include <vector>

namespace kinema {

std::filesystem::path default_log_dir() {
    if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
        return std::filesystem::path(state) / "kinema";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".local" / "state" / "kinema";
    return std::filesystem::temp_directory_path() / "kinema";
}

std::shared_ptr<spdlog::logger> make_logger(const LogOptions& options) {
    std::vector<spdlog::sink_ptr> sinks;
    if (options.console) {
        auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        console->set_level(options.verbose ? spdlog::level::debug : spdlog::level::warn);
        sinks.push_back(console);
    }
    if (options.file) {
        try {
            const auto dir = options.log_dir.empty() ? default_log_dir() : options.log_dir;
            std::filesystem::create_directories(dir);
            constexpr std::size_t kMaxBytes = 5u << 20;
            auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                (dir / (options.name + ".log")).string(), kMaxBytes, 3);
            file->set_level(spdlog::level::debug);
            sinks.push_back(file);
        } catch (const std::exception&) {
            // Read-only home or similar: keep the console sink only.
        }
    }
    auto logger = std::make_shared<spdlog::logger>(options.name, sinks.begin(), sinks.end());
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::warn);
    return logger;
}

}  // namespace kinema

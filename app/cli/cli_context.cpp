#include "app/cli/cli_context.h"

#include <spdlog/logger.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include "core/logging.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <stdexcept>

namespace kinema::cli {

spdlog::logger& CliContext::log() {
    if (!logger_) {
        LogOptions options;
        options.name = "kinema-cli";
        options.verbose = verbose;
        logger_ = make_logger(options);
    }
    return *logger_;
}

Result<std::vector<int64_t>> parse_seed_list(const std::string& text) {
    std::vector<int64_t> seeds;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, end - start);
        try {
            std::size_t used = 0;
            seeds.push_back(std::stoll(item, &used));
            if (used != item.size()) throw std::invalid_argument(item);
        } catch (const std::exception&) {
            return make_error(ErrorKind::InvalidRequest,
                              "bad seed '" + item + "' in '" + text + "'");
        }
        start = end + 1;
    }
    return seeds;
}

void add_json_flag(CLI::App& command, CliContext& ctx) {
    command.add_flag("--json", ctx.json, "Print a machine-readable JSON report on stdout");
}

void print_json(const nlohmann::json& doc) {
    std::cout << doc.dump(2) << std::endl;
}

int report_error(CliContext& ctx, const Error& error) {
    switch (error.kind) {
        case ErrorKind::InvalidRequest:
        case ErrorKind::BadModelFile:
        case ErrorKind::ShapeMismatch:
            ctx.exit_code = 2;
            break;
        case ErrorKind::Io:
            ctx.exit_code = 3;
            break;
        case ErrorKind::Cancelled:
            ctx.exit_code = 130;
            break;
        default:
            ctx.exit_code = 1;
            break;
    }
    if (ctx.json) {
        print_json({{"error",
                     {{"kind", std::string(to_string(error.kind))}, {"message", error.message}}}});
    } else {
        std::cerr << "kinema-cli: " << error.describe() << std::endl;
    }
    return ctx.exit_code;
}

}  // namespace kinema::cli

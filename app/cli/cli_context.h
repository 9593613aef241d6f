// Shared state of one kinema-cli invocation. Owned by main(); commands receive it by reference and
// run on the main thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"

namespace CLI {
class App;
}
namespace spdlog {
class logger;
}

namespace kinema::cli {

struct CliContext {
    bool json = false;     // set by a subcommand's --json
    bool verbose = false;  // global --verbose
    int exit_code = 0;

    // The invocation's logger, created on first use (after parsing, so --verbose is known).
    spdlog::logger& log();

private:
    std::shared_ptr<spdlog::logger> logger_;
};

// Adds --json to a subcommand.
void add_json_flag(CLI::App& command, CliContext& ctx);

// Prints `doc` (indented) to stdout.
void print_json(const nlohmann::json& doc);

// Reports an error as {"error":{"kind","message"}} with --json, else "kinema-cli: <kind>:
// <message>" on stderr; sets exit_code (2 for bad input, 3 for I/O, 1 otherwise) and returns it.
int report_error(CliContext& ctx, const Error& error);

// "0,7,42" -> seeds; InvalidRequest naming the bad item otherwise.
Result<std::vector<int64_t>> parse_seed_list(const std::string& text);

// Registration, one per command file.
void add_doctor_command(CLI::App& app, CliContext& ctx);
void add_inspect_command(CLI::App& app, CliContext& ctx);
void add_convert_command(CLI::App& app, CliContext& ctx);
void add_tokenize_command(CLI::App& app, CliContext& ctx);
void add_bench_command(CLI::App& app, CliContext& ctx);
void add_dev_command(CLI::App& app, CliContext& ctx);
void add_plan_command(CLI::App& app, CliContext& ctx);
// encode-text, quantize; called after add_bench_command, it also adds `bench quant`.
void add_text_commands(CLI::App& app, CliContext& ctx);
void add_generate_command(CLI::App& app, CliContext& ctx);
// After add_bench_command: adds `bench quality` and `calibrate-teacache`.
void add_quality_commands(CLI::App& app, CliContext& ctx);
void add_render_command(CLI::App& app, CliContext& ctx);

}  // namespace kinema::cli

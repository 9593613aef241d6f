// kinema-cli: the headless front end. Links kinema_core, and kinema_models (Qt Core + Network,
// no GUI) for `models download` when Qt Network is available.
#include <CLI/CLI.hpp>

#include <iostream>

#include "app/cli/cli_context.h"
#include "core/host_allocator_tuning.h"
#include "core/version.h"

namespace kinema::cli {
void add_models_command(CLI::App& app, CliContext& ctx);  // cmd_models.cpp
}

int main(int argc, char** argv) {
    kinema::tune_host_allocator();
    using namespace kinema::cli;
    CliContext ctx;
    CLI::App app{"Kinema: text-to-motion with HY-Motion, native. Headless command-line tool.",
                 "kinema-cli"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("kinema-cli ") + KINEMA_VERSION_STRING);
    app.add_flag("-v,--verbose", ctx.verbose, "Debug logging on stderr");

    add_doctor_command(app, ctx);
    add_inspect_command(app, ctx);
    add_convert_command(app, ctx);
    add_tokenize_command(app, ctx);
    add_bench_command(app, ctx);
    add_dev_command(app, ctx);
    add_plan_command(app, ctx);
    add_text_commands(app, ctx);
    add_generate_command(app, ctx);
    add_quality_commands(app, ctx);
    add_render_command(app, ctx);
    add_models_command(app, ctx);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        std::cerr << "kinema-cli: internal error: " << e.what() << std::endl;
        return 1;
    }
    return ctx.exit_code;
}

// kinema-cli plan: (being written)
#include <CLI/CLI.hpp>

#include "app/cli/cli_context.h"

namespace kinema::cli {

void add_plan_command(CLI::App& app, CliContext& ctx) {
    auto* cmd = app.add_subcommand("plan", "Print the memory plan for a model and a VRAM budget (being written)");
    cmd->callback([&ctx] { report_error(ctx, make_error(ErrorKind::Unsupported, "not built yet")); });
}

}  // namespace kinema::cli

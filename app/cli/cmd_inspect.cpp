#include <CLI/CLI.hpp>
#include "app/cli/cli_context.h"
namespace kinema::cli {
void add_inspect_command(CLI::App& app, CliContext& ctx) {
    auto* cmd = app.add_subcommand("inspect", "(being written)");
    cmd->callback([&ctx] { report_error(ctx, make_error(ErrorKind::Unsupported, "not built yet")); });
}
}  // namespace kinema::cli

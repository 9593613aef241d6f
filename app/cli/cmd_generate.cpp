// kinema-cli generate: (being written)
#include <CLI/CLI.hpp>

#include "app/cli/cli_context.h"

namespace kinema::cli {

void add_generate_command(CLI::App& app, CliContext& ctx) {
    auto* cmd = app.add_subcommand("generate", "Generate motion from a prompt and export it (being written)");
    cmd->callback([&ctx] { report_error(ctx, make_error(ErrorKind::Unsupported, "not built yet")); });
}

}  // namespace kinema::cli

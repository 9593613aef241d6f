// kinema-cli encode-text: (being written)
#include <CLI/CLI.hpp>

#include "app/cli/cli_context.h"

namespace kinema::cli {

void add_text_commands(CLI::App& app, CliContext& ctx) {
    auto* cmd = app.add_subcommand("encode-text", "Encode a prompt with Qwen3 + CLIP (also: quantize) (being written)");
    cmd->callback([&ctx] { report_error(ctx, make_error(ErrorKind::Unsupported, "not built yet")); });
}

}  // namespace kinema::cli

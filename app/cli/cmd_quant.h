// `kinema-cli bench quant`: the error of int8/int4 weight-only quantisation on Qwen3 decoder
// layers (core/text/quant_error_bench.h). Registered by add_text_commands, which main() calls
// after add_bench_command; without a `bench` command it is a top-level `bench-quant`.
#pragma once

namespace CLI {
class App;
}

namespace kinema::cli {

struct CliContext;

void add_quant_bench_command(CLI::App& app, CliContext& ctx);

}  // namespace kinema::cli

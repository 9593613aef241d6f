// `kinema-cli bench dequant`: QuantizedWeight::dequantize on a device (the fused CUDA kernels of
// gpu/dequant_kernels.h on CUDA, and the ATen path with KINEMA_DEQUANT_KERNEL=0) against the CPU
// reference, bit for bit, with timings. Registered by add_bench_command on its `bench` command.
#pragma once

namespace CLI {
class App;
}

namespace kinema::cli {

struct CliContext;

// Adds `dequant` under `bench` (the `bench` subcommand itself).
void add_dequant_bench_command(CLI::App& bench, CliContext& ctx);

}  // namespace kinema::cli

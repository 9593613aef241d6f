// kinema-cli bench quant [--shape qwen3-8b|small] [--layers N] [--tokens N] [--seed S]
//                        [--weight-std F] [--variants int8,int4-minmax,...] [--json]
//   Runs N random Qwen3 decoder layers (bf16 reference vs each quantised variant, float32
//   compute) and prints per-linear, per-layer and end-to-end relative errors and bytes/weight.
//   qwen3-8b: hidden 4096, intermediate 12288, 32/8 heads, head_dim 128 (about 20 s per layer
//   and variant on 2 cores). small: hidden 512, intermediate 1536, 8/2 heads, head_dim 64.
#include "app/cli/cmd_quant.h"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

#include "app/cli/cli_context.h"
#include "core/text/quant_error_bench.h"

namespace kinema::cli {
namespace {

struct QuantBenchArgs {
    std::string shape = "qwen3-8b";
    int64_t layers = 2, tokens = 64;
    uint64_t seed = 1;
    double weight_std = 0.02;
    std::string variants;  // comma-separated names; empty = all
};

Result<text::QuantVariant> parse_variant(const std::string& name) {
    if (name == "int8") return text::QuantVariant{text::WeightPrecision::Int8};
    if (name.rfind("int4-", 0) == 0) {
        auto m = text::parse_int4_method(name.substr(5));
        if (!m) return m.error();
        return text::QuantVariant{text::WeightPrecision::Int4, *m};
    }
    return make_error(
        ErrorKind::InvalidRequest,
        "unknown variant '" + name + "' (int8, int4-minmax, int4-absmax, int4-mse-clip)");
}

void print_table(const text::QuantBenchReport& r) {
    const char* names[] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                           "gate_proj", "up_proj", "down_proj"};
    std::printf(
        "Qwen3 layers %lld x (hidden %lld, intermediate %lld, %lld/%lld heads x %lld), "
        "%lld tokens, weights N(0, %.3g^2), relative error vs bf16 in %%\n",
        (long long)r.config.num_hidden_layers, (long long)r.config.hidden_size,
        (long long)r.config.intermediate_size, (long long)r.config.num_attention_heads,
        (long long)r.config.num_key_value_heads, (long long)r.config.head_dim, (long long)r.tokens,
        r.weight_std);
    for (const auto& v : r.variants) {
        std::printf("%-14s %.3f B/weight, quantise %.1f s\n", v.name.c_str(), v.bytes_per_weight,
                    v.quantize_seconds);
        for (size_t i = 0; i < v.layers.size(); ++i) {
            const auto& l = v.layers[i];
            std::printf("  layer %zu:", i);
            for (const char* n : names)
                std::printf(" %s %.2f", n, 100 * l.linear.at(n));
            std::printf(" | attention %.2f update %.2f output %.2f stack %.2f\n", 100 * l.attention,
                        100 * l.update, 100 * l.output, 100 * l.stack);
        }
        std::printf("  after final norm (end to end): %.2f\n", 100 * v.final_norm_output);
    }
}

void run(const QuantBenchArgs& a, CliContext& ctx) {
    text::QuantBenchOptions o;
    if (a.shape == "small") {
        o.config.hidden_size = 512;
        o.config.intermediate_size = 1536;
        o.config.num_attention_heads = 8;
        o.config.num_key_value_heads = 2;
        o.config.head_dim = 64;
    }
    o.config.num_hidden_layers = a.layers;
    o.tokens = a.tokens;
    o.seed = a.seed;
    o.weight_std = a.weight_std;
    std::stringstream list(a.variants);
    for (std::string item; std::getline(list, item, ',');) {
        if (item.empty()) continue;
        auto v = parse_variant(item);
        if (!v) {
            report_error(ctx, v.error());
            return;
        }
        o.variants.push_back(*v);
    }
    o.on_layer = [&ctx](int64_t done, int64_t total) {
        ctx.log().info("layer {}/{} measured", done, total);
    };
    auto report = text::measure_qwen3_quant_error(o);
    if (!report) {
        report_error(ctx, report.error());
        return;
    }
    if (ctx.json) {
        nlohmann::json doc = text::to_json(*report);
        doc["shape"] = a.shape;
        print_json(doc);
    } else {
        print_table(*report);
    }
}

}  // namespace

void add_quant_bench_command(CLI::App& app, CliContext& ctx) {
    CLI::App* bench = nullptr;
    for (auto* sub : app.get_subcommands({}))
        if (sub->get_name() == "bench") bench = sub;
    auto a = std::make_shared<QuantBenchArgs>();
    auto* cmd = bench ? bench->add_subcommand(
                            "quant", "Error of int8/int4 weights on random Qwen3 decoder layers")
                      : app.add_subcommand("bench-quant",
                                           "Error of int8/int4 weights on random Qwen3 layers");
    cmd->add_option("--shape", a->shape, "qwen3-8b (real sizes) or small")
        ->check(CLI::IsMember({"qwen3-8b", "small"}))
        ->capture_default_str();
    cmd->add_option("--layers", a->layers, "Decoder layers to run")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--tokens", a->tokens, "Sequence length")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--seed", a->seed, "Random seed")->capture_default_str();
    cmd->add_option("--weight-std", a->weight_std, "Std of the random linear weights")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--variants", a->variants,
                    "Comma-separated: int8, int4-minmax, int4-absmax, int4-mse-clip (default all)");
    add_json_flag(*cmd, ctx);
    cmd->callback([a, &ctx] { run(*a, ctx); });
}

}  // namespace kinema::cli

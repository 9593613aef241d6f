// kinema-cli encode-text / quantize: HY-Motion's text conditioning without the DiT.
//   encode-text --qwen DIR --clip DIR --prompt P --out F.safetensors [--precision
//   bf16|int8|int4|f32]
//               [--max-length-llm 128] [--cache-dir D] [--quant-cache Q] [--json]
//     writes in.text_vec_raw (1,1,768) f32, in.text_ctxt_raw (1,Lt,4096) f32 and
//     in.text_ctxt_raw_length (1,) i64 (the pipeline fixtures' input keys, so
//     `kinema-cli dev sample --inputs F` reads it). With --cache-dir a cached prompt never loads
//     the encoders.
//   quantize --qwen DIR --precision int8|int4 --out Q.safetensors
//     writes the Qwen3 quantisation cache that encode-text --quant-cache reads.
#include <ATen/ATen.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "app/cli/cli_context.h"
#include "app/cli/cmd_quant.h"
#include "core/text/cached_text_conditioner.h"
#include "core/text/embedding_cache.h"
#include "core/text/hymotion_text_conditioner.h"
#include "core/text/qwen3_quant_cache.h"

namespace kinema::cli {
namespace {

struct EncodeTextOptions {
    std::string qwen, clip, prompt, out, precision = "bf16", cache_dir, quant_cache;
    int64_t max_length_llm = 128;
};

struct QuantizeOptions {
    std::string qwen, precision, out;
};

const char* stage_name(text::TextStage s) {
    switch (s) {
        case text::TextStage::LoadingQwen:
            return "loading Qwen3";
        case text::TextStage::EncodingQwen:
            return "Qwen3 layer";
        case text::TextStage::LoadingClip:
            return "loading CLIP";
        case text::TextStage::EncodingClip:
            return "CLIP";
    }
    return "?";
}

void run_encode_text(const EncodeTextOptions& o, CliContext& ctx) {
    auto precision = text::parse_weight_precision(o.precision);
    if (!precision) {
        report_error(ctx, precision.error());
        return;
    }
    text::HyMotionTextOptions opts;
    opts.qwen_dir = o.qwen;
    opts.clip_dir = o.clip;
    opts.precision = *precision;
    opts.max_length_llm = o.max_length_llm;
    opts.quant_cache = o.quant_cache;
    opts.on_progress = [&ctx](text::TextStage s, int64_t done, int64_t total) {
        ctx.log().info("{} {}/{}", stage_name(s), done, total);
    };
    auto conditioner = text::make_hymotion_text_conditioner(opts, o.cache_dir);
    const auto start = std::chrono::steady_clock::now();
    auto features = conditioner->encode(o.prompt, nullptr);
    if (!features) {
        report_error(ctx, features.error());
        return;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bool hit = false;
    if (auto* cached = dynamic_cast<text::CachedTextConditioner*>(conditioner.get())) {
        hit = cached->last_was_hit();
        if (cached->last_store_error())
            ctx.log().warn("embedding cache not written: {}",
                           cached->last_store_error()->describe());
    }
    Status st = text::write_text_features(
        o.out, *features, "in.",
        {{"kinema.cache_key", conditioner->cache_key()}, {"kinema.prompt", o.prompt}});
    if (!st) {
        report_error(ctx, st.error());
        return;
    }
    const int64_t length = features->ctxt_length[0].item<int64_t>();
    if (ctx.json) {
        print_json({{"out", o.out},
                    {"cache_key", conditioner->cache_key()},
                    {"cache_hit", hit},
                    {"ctxt_length", length},
                    {"ctxt_shape", features->ctxt.sizes().vec()},
                    {"vtxt_shape", features->vtxt.sizes().vec()},
                    {"seconds", seconds}});
    } else {
        ctx.log().info("wrote {} (ctxt_length {}, {}, {:.1f} s)", o.out, length,
                       hit ? "cache hit" : "encoded", seconds);
    }
}

void run_quantize(const QuantizeOptions& o, CliContext& ctx) {
    auto precision = text::parse_weight_precision(o.precision);
    if (!precision) {
        report_error(ctx, precision.error());
        return;
    }
    Status st = text::write_qwen3_quant_cache(
        o.qwen, *precision, o.out, [&ctx](int64_t done, int64_t total) {
            ctx.log().info("quantised layer {}/{}", done, total);
        });
    if (!st) {
        report_error(ctx, st.error());
        return;
    }
    if (ctx.json)
        print_json({{"out", o.out}, {"precision", o.precision}});
    else
        ctx.log().info("wrote {}", o.out);
}

}  // namespace

void add_text_commands(CLI::App& app, CliContext& ctx) {
    auto e = std::make_shared<EncodeTextOptions>();
    auto* enc = app.add_subcommand(
        "encode-text", "Encode a prompt with Qwen3 + CLIP into HY-Motion text features");
    enc->add_option("--qwen", e->qwen, "Qwen3-8B folder (config.json, tokenizer, safetensors)")
        ->required();
    enc->add_option("--clip", e->clip, "clip-vit-large-patch14 folder")->required();
    enc->add_option("--prompt", e->prompt, "The prompt")->required();
    enc->add_option("--out", e->out, "Output .safetensors")->required();
    enc->add_option("--precision", e->precision, "Qwen3 weights: bf16, int8, int4 or f32")
        ->check(CLI::IsMember({"bf16", "int8", "int4", "f32"}));
    enc->add_option("--max-length-llm", e->max_length_llm, "max_length_llm of the model config")
        ->check(CLI::PositiveNumber);
    enc->add_option("--cache-dir", e->cache_dir, "Embedding cache folder (off when empty)");
    enc->add_option("--quant-cache", e->quant_cache, "File from `kinema-cli quantize`");
    add_json_flag(*enc, ctx);
    enc->callback([e, &ctx] { run_encode_text(*e, ctx); });

    auto q = std::make_shared<QuantizeOptions>();
    auto* quant = app.add_subcommand(
        "quantize", "Write a Qwen3 int8/int4 weight cache for encode-text --quant-cache");
    quant->add_option("--qwen", q->qwen, "Qwen3 folder")->required();
    quant->add_option("--precision", q->precision, "int8 or int4")
        ->required()
        ->check(CLI::IsMember({"int8", "int4"}));
    quant->add_option("--out", q->out, "Output .safetensors")->required();
    add_json_flag(*quant, ctx);
    quant->callback([q, &ctx] { run_quantize(*q, ctx); });

    add_quant_bench_command(app, ctx);  // `bench quant` (main() added `bench` before us)
}

}  // namespace kinema::cli

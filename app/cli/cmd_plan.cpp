// kinema-cli plan: the staged memory plan of a request for a model and a VRAM budget (issue 5):
// resident and streamed DiT blocks, bytes streamed per forward, estimated peak VRAM and RAM and
// the estimated step time for a given link bandwidth. Nothing is loaded; only shapes are used.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/cli/cli_context.h"
#include "core/memory/host_memory.h"
#include "core/memory/plan_json.h"
#include "core/model/model_presets.h"
#include "gpu/device_query.h"

namespace kinema::cli {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

struct PlanArgs {
    std::string model = "full";
    double vram_gb = -1;  // < 0: the first CUDA device's free memory (CPU profile without one)
    double preserve_gb = 6.0;
    double ram_gb = -1;  // < 0: MemAvailable
    std::string precision = "bf16";
    std::string qwen_precision = "bf16";
    std::string clip_precision = "fp16";
    std::string profile = "auto";
    double bandwidth_gbs = 24.0;
    double latency_us = 10.0;
    double tflops = 0;  // 0: the planner's default for the precision
    int64_t seeds = 1;
    double duration_s = 5.0;
    int64_t steps = 50;
    bool no_encoders = false;
};

Result<nlohmann::json> run_plan(const PlanArgs& a) {
    auto config = resolve_model_config(a.model);
    if (!config) return config.error();
    auto dit_p = parse_weight_precision(a.precision);
    if (!dit_p) return dit_p.error();
    auto qwen_p = parse_weight_precision(a.qwen_precision);
    if (!qwen_p) return qwen_p.error();
    auto clip_p = parse_weight_precision(a.clip_precision);
    if (!clip_p) return clip_p.error();
    auto profile = parse_memory_profile(a.profile);
    if (!profile) return profile.error();
    if (a.preserve_gb < 0 || a.bandwidth_gbs <= 0 || a.latency_us < 0 || a.tflops < 0)
        return make_error(ErrorKind::InvalidRequest,
                          "--preserve-gb, --bandwidth-gbs, --latency-us and --tflops must be >= 0 "
                          "(bandwidth > 0)");

    DeviceBudget budget;
    std::string vram_source = "--vram-gb";
    if (a.vram_gb >= 0) {
        budget.has_device = a.vram_gb > 0;
        budget.total_vram_bytes = budget.free_vram_bytes = static_cast<uint64_t>(a.vram_gb * kGiB);
    } else {
        const auto probe = gpu::probe_cuda_devices();
        vram_source = "detected";
        if (!probe.devices.empty()) {
            budget.has_device = true;
            budget.total_vram_bytes = probe.devices.front().total_bytes;
            budget.free_vram_bytes = probe.devices.front().free_bytes;
        }
    }
    const HostMemoryInfo host = read_host_memory();
    budget.host_ram_bytes = host.total_bytes;
    budget.host_available_bytes =
        a.ram_gb >= 0 ? static_cast<uint64_t>(a.ram_gb * kGiB) : host.available_bytes;
    if (a.ram_gb >= 0) budget.host_ram_bytes = budget.host_available_bytes;
    budget.link.bandwidth_bytes_per_s = a.bandwidth_gbs * 1e9;
    budget.link.latency_s = a.latency_us * 1e-6;
    budget.device_flops_per_s = a.tflops * 1e12;

    PipelineRequest req;
    req.dit = config->network;
    req.train_frames = config->pipeline.train_frames;
    req.fps = config->pipeline.fps;
    req.text_tokens = config->pipeline.max_length_llm;
    req.seeds = a.seeds;
    req.duration_s = a.duration_s;
    req.steps = a.steps;
    req.dit_precision = *dit_p;
    req.qwen_precision = *qwen_p;
    req.clip_precision = *clip_p;
    req.run_encoders = !a.no_encoders;
    req.preserve_bytes = static_cast<uint64_t>(a.preserve_gb * kGiB);
    req.profile = *profile;
    auto plan = plan_pipeline(req, budget);
    if (!plan) return plan.error();

    auto dit = dit_blocks(req.dit, req.dit_precision, {plan->batch, plan->frames, req.text_tokens});
    if (!dit) return dit.error();
    const auto dit_json = residency_plan_json(plan->dit);
    return nlohmann::json{
        {"model", a.model},
        {"dit_parameters", total_parameters(*dit)},
        {"dit_weight_bytes", total_bytes(*dit)},
        {"precision", a.precision},
        {"vram_bytes", budget.free_vram_bytes},
        {"vram_source", vram_source},
        {"preserve_bytes", req.preserve_bytes},
        {"ram_available_bytes", budget.host_available_bytes},
        {"bandwidth_gbs", a.bandwidth_gbs},
        {"profile", memory_profile_label(plan->profile)},
        {"feasible", plan->dit.feasible},
        {"will_fit", plan->will_fit},
        {"resident_blocks", dit_json["resident_blocks"]},
        {"streamed_blocks", dit_json["streamed_blocks"]},
        {"bytes_streamed_per_forward", plan->dit.streamed_bytes},
        {"ring_bytes", plan->dit.ring_bytes},
        {"est_dit_peak_vram_bytes", plan->dit.peak_vram_bytes},
        {"est_peak_vram_bytes", plan->peak_vram_bytes},
        {"est_peak_ram_bytes", plan->peak_ram_bytes},
        {"est_step_s", plan->step_s},
        {"bound_step_s", plan->dit.bound_s},
        {"compute_step_s", plan->dit.compute_s},
        {"knee_vram_bytes", plan->dit.knee_vram_bytes},
        {"warnings", plan->warnings},
        {"pipeline", pipeline_plan_json(*plan)},
    };
}

void print_text(const nlohmann::json& r) {
    auto g = [](const nlohmann::json& v) { return v.get<double>() / kGiB; };
    std::printf("%s, DiT %s (%lld params), profile %s\n", r["model"].get<std::string>().c_str(),
                r["precision"].get<std::string>().c_str(),
                static_cast<long long>(r["dit_parameters"].get<int64_t>()),
                r["profile"].get<std::string>().c_str());
    std::printf("  VRAM %.2f GiB, preserve %.2f GiB: %zu resident, %zu streamed DiT blocks\n",
                g(r["vram_bytes"]), g(r["preserve_bytes"]), r["resident_blocks"].size(),
                r["streamed_blocks"].size());
    std::printf("  streamed per forward %.3f GiB, ring %.3f GiB, knee at %.2f GiB VRAM\n",
                g(r["bytes_streamed_per_forward"]), g(r["ring_bytes"]), g(r["knee_vram_bytes"]));
    std::printf(
        "  est. peak VRAM %.2f GiB, peak RAM %.2f GiB, step %.4f s (bound %.4f s, compute %.4f "
        "s)\n",
        g(r["est_peak_vram_bytes"]), g(r["est_peak_ram_bytes"]), r["est_step_s"].get<double>(),
        r["bound_step_s"].get<double>(), r["compute_step_s"].get<double>());
    std::printf("  %s\n", r["will_fit"].get<bool>() ? "fits" : "WOULD NOT FIT");
    for (const auto& w : r["warnings"])
        std::printf("  warning: %s\n", w.get<std::string>().c_str());
}

}  // namespace

void add_plan_command(CLI::App& app, CliContext& ctx) {
    auto* cmd = app.add_subcommand(
        "plan", "Print the staged memory plan for a model, a VRAM budget and a request");
    auto a = std::make_shared<PlanArgs>();
    cmd->add_option("--model", a->model, "lite | full | a model folder | a config file")
        ->capture_default_str();
    cmd->add_option("--vram-gb", a->vram_gb, "Free VRAM in GiB (default: detected; 0 = no device)");
    cmd->add_option("--preserve-gb", a->preserve_gb, "GPU memory preservation P in GiB")
        ->capture_default_str();
    cmd->add_option("--ram-gb", a->ram_gb, "Available RAM in GiB (default: MemAvailable)");
    cmd->add_option("--precision", a->precision, "DiT precision: fp32 | bf16 | fp16")
        ->capture_default_str();
    cmd->add_option("--qwen-precision", a->qwen_precision, "bf16 | fp16 | int8 | int4")
        ->capture_default_str();
    cmd->add_option("--clip-precision", a->clip_precision, "fp32 | fp16")->capture_default_str();
    cmd->add_option("--profile", a->profile, "auto | max-speed | balanced | low-vram | cpu")
        ->capture_default_str();
    cmd->add_option("--bandwidth-gbs", a->bandwidth_gbs, "Pinned host->device GB/s")
        ->capture_default_str();
    cmd->add_option("--latency-us", a->latency_us, "Per-copy latency, microseconds")
        ->capture_default_str();
    cmd->add_option("--tflops", a->tflops, "Effective device TFLOP/s (default by precision)");
    cmd->add_option("--seeds", a->seeds, "Seeds (batch = 2 x seeds)")->capture_default_str();
    cmd->add_option("--duration-s", a->duration_s, "Clip duration in seconds")
        ->capture_default_str();
    cmd->add_option("--steps", a->steps, "Sampling steps")->capture_default_str();
    cmd->add_flag("--no-encoders", a->no_encoders,
                  "Text features are precomputed: plan the DiT only");
    add_json_flag(*cmd, ctx);
    cmd->callback([&ctx, a] {
        auto report = run_plan(*a);
        if (!report) {
            report_error(ctx, report.error());
            return;
        }
        if (ctx.json) {
            print_json(*report);
        } else {
            print_text(*report);
        }
    });
}

}  // namespace kinema::cli

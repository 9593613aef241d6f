// kinema-cli bench dit: per-forward DiT timing on the real shapes (random weights or a checkpoint);
// with --preserve-gb (or --device sim) the block-streaming benchmark of issue 5 instead: the DiT
// planned into a VRAM budget and streamed by BlockStreamer on CUDA or on the simulated device.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "app/cli/bench_dit.h"
#include "app/cli/cli_context.h"
#include "app/cli/cmd_bench_dequant.h"
#include "core/memory/dit_block_streaming.h"
#include "core/memory/memory_sampler.h"
#include "core/memory/plan_json.h"
#include "core/memory/stream_benchmark.h"
#include "core/model/hymotion_checkpoint.h"
#include "core/model/model_presets.h"
#include "core/system_info.h"
#include "gpu/device_query.h"

namespace kinema::cli {
namespace {

Result<nlohmann::json> run_bench_dit(const BenchDitArgs& a) {
    if (a.threads > 0) at::set_num_threads(a.threads);
    auto resolved = resolve_model_config(a.config);
    if (!resolved) return resolved.error();
    const HyMotionConfig config = *resolved;
    auto dtype = parse_precision(a.precision);
    if (!dtype) return dtype.error();
    BindOptions bind;
    bind.dtype = *dtype;
    if (a.device == "cuda") {
        if (!at::hasCUDA()) return make_error(ErrorKind::Cuda, "this libtorch has no CUDA support");
        bind.device = at::Device(at::kCUDA, 0);
    } else if (a.device != "cpu") {
        return make_error(ErrorKind::InvalidRequest, "device must be cpu or cuda");
    }
    if (a.frames < 1 || a.frames > config.pipeline.train_frames)
        return make_error(ErrorKind::InvalidRequest, "--frames must be in [1, train_frames]");
    if (a.text_tokens < 1 || a.text_tokens > config.pipeline.max_length_llm)
        return make_error(ErrorKind::InvalidRequest,
                          "--text-tokens must be in [1, max_length_llm]");

    const auto load_start = std::chrono::steady_clock::now();
    Result<HyMotionCheckpoint> model = make_error(ErrorKind::Internal, "unset");
    if (a.random_weights || a.weights.empty()) {
        model = random_hymotion_checkpoint(config, 1234, bind);
    } else {
        CheckpointLoadOptions opts;
        opts.bind = bind;
        model = load_hymotion_checkpoint(a.weights, a.config, opts);
    }
    if (!model) return model.error();
    const double load_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
    const auto& net = model->config.network;

    c10::InferenceMode guard;
    const BenchInputs in = make_bench_inputs(a, config.pipeline, net);
    const int64_t batch = in.batch, lm = in.frames, lt = in.text_tokens;
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    const MmditCondition& cond = in.cond;
    const at::Tensor& x = in.x;
    auto prepared = model->dit->prepare(cond);
    if (!prepared) return prepared.error();

    std::vector<double> times_s;
    for (int64_t i = 0; i <= a.steps; ++i) {
        const at::Tensor t =
            at::full({batch}, static_cast<float>(i) / static_cast<float>(a.steps + 1), f32);
        const auto start = std::chrono::steady_clock::now();
        auto v = model->dit->forward(x, t, *prepared);
        if (!v) return v.error();
        (void)v->sum().item<float>();  // synchronises a CUDA device
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (i > 0) times_s.push_back(s);  // the first forward is a warm-up
    }
    std::vector<double> sorted = times_s;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    const double flops = mmdit_forward_flops(net, batch, lm, lt);
    const SystemInfo sys = query_system_info();
    return nlohmann::json{
        {"bench", "dit"},
        {"config", a.config},
        {"dit_parameters", model->dit->registry().num_parameters()},
        {"pipeline_parameters", pipeline_parameter_count(net)},
        {"weights", a.random_weights || a.weights.empty() ? "random" : a.weights},
        {"device", a.device},
        {"precision", a.precision},
        {"threads", at::get_num_threads()},
        {"torch", sys.torch_version},
        {"cfg_batch", batch},
        {"frames_valid", a.frames},
        {"text_tokens_valid", a.text_tokens},
        {"frames_run", lm},
        {"text_tokens_run", lt},
        {"trimmed", !a.no_trim},
        {"tokens_per_row", lm + lt},
        {"forwards_timed", static_cast<int64_t>(times_s.size())},
        {"forward_median_s", median},
        {"forward_min_s", sorted.front()},
        {"forward_max_s", sorted.back()},
        {"forward_times_s", times_s},
        {"gflop_per_forward", flops / 1e9},
        {"effective_gflops", flops / 1e9 / median},
        {"load_s", load_s},
    };
}

Result<nlohmann::json> run_bench_stream(const BenchDitArgs& a) {
    auto resolved = resolve_model_config(a.config);
    if (!resolved) return resolved.error();
    const HyMotionConfig config = *resolved;
    auto precision = parse_weight_precision(a.precision);
    if (!precision) return precision.error();
    constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
    StreamBenchOptions o;
    o.config = config.network;
    o.precision = *precision;
    const int64_t lm = a.no_trim ? config.pipeline.train_frames : a.frames;
    const int64_t lt = a.no_trim ? config.pipeline.max_length_llm : a.text_tokens;
    o.workload = {2 * a.seeds, lm, lt};
    o.preserve_bytes = static_cast<uint64_t>(std::max(0.0, a.preserve_gb) * kGiB);
    o.link.bandwidth_bytes_per_s = a.bandwidth_gbs * 1e9;
    o.link.latency_s = a.latency_us * 1e-6;
    o.flops_per_s =
        a.tflops > 0 ? a.tflops * 1e12 : (o.precision == WeightPrecision::Fp32 ? 20e12 : 40e12);
    o.forward_s = a.forward_s;
    o.steps = a.steps;
    o.host_gap_s = a.host_gap_ms * 1e-3;
    if (a.profile == "max-speed")
        o.policy = PlanPolicy::MaxResident;
    else if (a.profile == "balanced")
        o.policy = PlanPolicy::Knee;
    else if (a.profile == "low-vram")
        o.policy = PlanPolicy::StreamAll;
    else
        return make_error(ErrorKind::InvalidRequest,
                          "--profile must be max-speed, balanced or low-vram");
    std::string note;
    o.cuda = a.device == "cuda";
    if (o.cuda && gpu::probe_cuda_devices().devices.empty()) {
        o.cuda = false;
        note = "no CUDA device: ran on the simulated device";
    }
    o.vram_budget_bytes =
        a.vram_gb >= 0 ? static_cast<uint64_t>(a.vram_gb * kGiB) : (o.cuda ? 0 : 8ull << 30);
    auto r = run_stream_benchmark(o);
    if (!r) return r.error();
    const auto plan = residency_plan_json(r->plan);
    return nlohmann::json{
        {"bench", "dit-stream"},
        {"config", a.config},
        {"device", r->simulated ? "sim" : "cuda"},
        {"note", note},
        {"precision", a.precision},
        {"profile", a.profile},
        {"cfg_batch", o.workload.batch},
        {"frames_run", lm},
        {"text_tokens_run", lt},
        {"vram_budget_bytes", r->plan.free_vram_bytes},
        {"preserve_bytes", o.preserve_bytes},
        {"resident_count", r->plan.resident_count},
        {"streamed_count", r->plan.streamed_count},
        {"streamed_blocks", plan["streamed_blocks"]},
        {"ring_bytes", r->plan.ring_bytes},
        {"est_peak_vram_bytes", r->plan.peak_vram_bytes},
        {"peak_vram_bytes", r->peak_vram_bytes},
        {"has_process_vram", r->has_process_vram},
        {"peak_process_vram_bytes", r->peak_process_vram_bytes},
        {"streamed_bytes_per_step", r->streamed_bytes_per_step},
        {"link_gbs", r->link_bytes_per_s / 1e9},
        {"achieved_h2d_gbs", r->achieved_bytes_per_s / 1e9},
        {"compute_s", r->compute_s},
        {"bound_s", r->bound_s},
        {"est_step_s", r->plan.forward_s},
        {"step_median_s", r->step_median_s},
        {"step_times_s", r->step_times_s},
        {"efficiency", r->efficiency},
        {"fallbacks", r->fallbacks},
        {"fallback_reports", r->reports},
        {"hazards", r->hazards},
    };
}

}  // namespace

void add_bench_command(CLI::App& app, CliContext& ctx) {
    auto* bench = app.add_subcommand("bench", "Benchmarks (results belong in docs/benchmarks/)");
    bench->require_subcommand(1);
    auto* dit = bench->add_subcommand("dit", "Time one CFG forward of the DiT on real shapes");
    auto args = std::make_shared<BenchDitArgs>();
    dit->add_option("--config", args->config, "full | lite | a config.yml / JSON file")
        ->capture_default_str();
    dit->add_option("--weights", args->weights,
                    "checkpoint (.ckpt / .safetensors); default random weights");
    dit->add_flag("--random-weights", args->random_weights, "Use deterministic random weights");
    dit->add_option("--frames", args->frames, "Valid motion frames (30 fps)")
        ->capture_default_str();
    dit->add_option("--text-tokens", args->text_tokens, "Valid text tokens")->capture_default_str();
    dit->add_option("--steps", args->steps, "Timed forwards after one warm-up")
        ->capture_default_str();
    dit->add_option("--seeds", args->seeds, "Seeds per forward (batch = 2 x seeds)")
        ->capture_default_str();
    dit->add_option("--device", args->device,
                    "cpu | cuda | sim (streaming on the simulated device)")
        ->capture_default_str();
    dit->add_option("--precision", args->precision, "fp32 | bf16 | fp16")->capture_default_str();
    dit->add_flag("--no-trim", args->no_trim,
                  "Run the official padded shapes (360 frames, 128 tokens)");
    dit->add_option("--threads", args->threads, "Intra-op threads (default: libtorch's)");
    dit->add_option("--preserve-gb", args->preserve_gb,
                    "GPU memory preservation P: run the block-streaming benchmark");
    dit->add_option("--vram-gb", args->vram_gb,
                    "Streaming: VRAM budget in GiB (default: free / 8 simulated)");
    dit->add_option("--bandwidth-gbs", args->bandwidth_gbs, "Streaming: simulated pinned H2D GB/s")
        ->capture_default_str();
    dit->add_option("--latency-us", args->latency_us, "Streaming: simulated per-copy latency")
        ->capture_default_str();
    dit->add_option("--tflops", args->tflops, "Streaming: effective TFLOP/s for block compute");
    dit->add_option("--forward-s", args->forward_s,
                    "Streaming: measured resident forward time, split by FLOPs");
    dit->add_option("--host-gap-ms", args->host_gap_ms,
                    "Streaming: simulated host work between steps");
    dit->add_option("--profile", args->profile, "Streaming: max-speed | balanced | low-vram")
        ->capture_default_str();
    dit->add_flag("--stream-real", args->stream_real,
                  "Streaming: run the real DiT streamed per block (default with --device cpu)");
    add_json_flag(*dit, ctx);
    dit->callback([&ctx, args] {
        if (args->preserve_gb >= 0 && (args->stream_real || args->device == "cpu")) {
            auto report = run_bench_stream_real(*args);
            if (!report) {
                report_error(ctx, report.error());
                return;
            }
            if (ctx.json) {
                print_json(*report);
            } else {
                const auto& r = *report;
                std::cout << "DiT " << r["config"].get<std::string>() << " streamed per block on "
                          << r["device"].get<std::string>() << ": "
                          << r["streamed_count"].get<int>() << " blocks ("
                          << r["streamed_bytes_per_forward"].get<uint64_t>() / 1048576.0
                          << " MiB) per forward, resident "
                          << r["resident_forward_median_s"].get<double>() << " s, streamed "
                          << r["streamed_forward_median_s"].get<double>()
                          << " s, simulated GPU estimate "
                          << r["sim_estimate"]["step_median_s"].get<double>() << " s, bit-exact "
                          << (r["bit_exact_vs_resident"].get<bool>() ? "yes" : "no") << "\n";
            }
            return;
        }
        if (args->preserve_gb >= 0 || args->device == "sim") {
            auto report = run_bench_stream(*args);
            if (!report) {
                report_error(ctx, report.error());
                return;
            }
            if (ctx.json) {
                print_json(*report);
            } else {
                const auto& r = *report;
                std::cout << "DiT " << r["config"].get<std::string>() << " streamed on "
                          << r["device"].get<std::string>() << ": "
                          << r["streamed_count"].get<int>() << " blocks streamed, step "
                          << r["step_median_s"].get<double>() << " s (bound "
                          << r["bound_s"].get<double>() << " s, efficiency "
                          << r["efficiency"].get<double>() << "), peak VRAM "
                          << r["peak_vram_bytes"].get<uint64_t>() / 1048576.0 << " MiB\n";
            }
            return;
        }
        auto report = run_bench_dit(*args);
        if (!report) {
            report_error(ctx, report.error());
            return;
        }
        if (ctx.json) {
            print_json(*report);
        } else {
            const auto& r = *report;
            std::cout << "DiT " << r["config"].get<std::string>() << " ("
                      << r["dit_parameters"].get<int64_t>() << " params), "
                      << r["frames_run"].get<int64_t>() << " frames + "
                      << r["text_tokens_run"].get<int64_t>() << " tokens, batch "
                      << r["cfg_batch"].get<int64_t>() << ", " << r["precision"].get<std::string>()
                      << " on " << r["device"].get<std::string>() << ": median "
                      << r["forward_median_s"].get<double>() << " s per forward, "
                      << r["effective_gflops"].get<double>() << " GFLOP/s\n";
        }
    });
    add_dequant_bench_command(*bench, ctx);  // `bench dequant`
}

}  // namespace kinema::cli

// kinema-cli bench dit --stream-real (the default with --preserve-gb on the CPU): the real DiT
// streamed per block, timed against the resident forward.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include "app/cli/bench_dit.h"
#include "app/cli/cli_context.h"
#include "core/memory/dit_block_streaming.h"
#include "core/memory/memory_sampler.h"
#include "core/memory/plan_json.h"
#include "core/memory/stream_benchmark.h"
#include "core/model/hymotion_checkpoint.h"
#include "core/model/model_presets.h"
#include "core/system_info.h"
#include "gpu/device_query.h"

namespace kinema::cli {

// The real DiT streamed per block (DitBlockStreaming): first `steps` resident forwards (after a
// warm-up), then the weights move into the host arena and `steps` streamed forwards run (after a
// warm-up) on the CPU's HostStreamDevice, or on CUDA. Outputs must match bit for bit. The
// simulated device's estimate for the same plan (compute = the measured resident forward split
// by FLOPs, link = --bandwidth-gbs) is reported next to the measurement.
Result<nlohmann::json> run_bench_stream_real(const BenchDitArgs& a) {
    if (a.threads > 0) at::set_num_threads(a.threads);
    auto resolved = resolve_model_config(a.config);
    if (!resolved) return resolved.error();
    const HyMotionConfig config = *resolved;
    auto dtype = parse_precision(a.precision);
    if (!dtype) return dtype.error();
    auto policy = parse_profile(a.profile);
    if (!policy) return policy.error();
    const bool cuda = a.device == "cuda";
    if (cuda && !at::hasCUDA()) return make_error(ErrorKind::Cuda, "this libtorch has no CUDA");
    if (!cuda && a.device != "cpu")
        return make_error(ErrorKind::InvalidRequest, "--stream-real runs on cpu or cuda");
    if (a.steps < 1) return make_error(ErrorKind::InvalidRequest, "--steps must be >= 1");
    constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
    BindOptions bind;
    bind.dtype = *dtype;
    auto model = random_hymotion_checkpoint(config, 1234, bind);  // on the CPU: streaming source
    if (!model) return model.error();
    const auto& net = model->config.network;

    c10::InferenceMode guard;
    const BenchInputs in = make_bench_inputs(a, config.pipeline, net);
    const int64_t batch = in.batch, lm = in.frames, lt = in.text_tokens;
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    const MmditCondition& cond = in.cond;
    const at::Tensor& x = in.x;
    using Clock = std::chrono::steady_clock;
    // Warm-up + `steps` timed forwards; returns the times and the last output.
    auto time_forwards = [&](std::vector<double>& times) -> Result<at::Tensor> {
        auto prepared = model->dit->prepare(cond);
        if (!prepared) return prepared.error();
        at::Tensor last;
        for (int64_t i = 0; i <= a.steps; ++i) {
            const at::Tensor t = at::full({batch}, 0.5f, f32);
            const auto start = Clock::now();
            auto v = model->dit->forward(x, t, *prepared);
            if (!v) return v.error();
            last = v->to(at::kCPU);  // synchronises a CUDA device
            const double s = std::chrono::duration<double>(Clock::now() - start).count();
            if (i > 0) times.push_back(s);
        }
        return last;
    };

    // Resident reference (CPU only: on CUDA a budgeted device cannot hold the whole model).
    std::vector<double> resident_times;
    at::Tensor resident_out;
    if (!cuda) {
        auto out = time_forwards(resident_times);
        if (!out) return out.error();
        resident_out = *out;
    }
    const double resident_s = median_of(resident_times);

    DitStreamingOptions o;
    o.cuda = cuda;
    uint64_t vram = static_cast<uint64_t>(std::max(0.0, a.vram_gb) * kGiB);
    if (a.vram_gb < 0) {
        uint64_t free_b = 0, total_b = 0;
        vram = cuda && gpu::query_device_memory(0, free_b, total_b) ? free_b : 8ull << 30;
    }
    o.free_vram_bytes = vram;
    o.preserve_bytes = static_cast<uint64_t>(std::max(0.0, a.preserve_gb) * kGiB);
    o.policy = *policy;
    o.workload = {batch, lm, lt};
    o.link.bandwidth_bytes_per_s = a.bandwidth_gbs * 1e9;
    o.link.latency_s = a.latency_us * 1e-6;
    o.flops_per_s = a.tflops > 0 ? a.tflops * 1e12 : (*dtype == at::kFloat ? 20e12 : 40e12);
    const auto setup_start = Clock::now();
    auto streaming = DitBlockStreaming::create(*model->dit, o);
    if (!streaming) return streaming.error();
    const double setup_s = std::chrono::duration<double>(Clock::now() - setup_start).count();
    std::vector<double> streamed_times;
    MemorySamplerOptions mo;
    mo.interval = std::chrono::milliseconds(50);
    mo.device = cuda ? 0 : -1;
    MemorySampler sampler(mo);
    sampler.start();
    auto out = time_forwards(streamed_times);
    sampler.stop();
    const MemorySample mem = sampler.latest();
    if (!out) {
        if (auto cause = (*streaming)->last_error()) return *cause;
        return out.error();
    }
    const auto st = (*streaming)->stats();
    const double streamed_s = median_of(streamed_times);
    const auto& plan = (*streaming)->plan();
    const bool bit_exact = cuda ? false : at::equal(*out, resident_out);
    const double measured_copy_gbs =
        st.copy_busy_s > 0 ? static_cast<double>(st.bytes_copied) / st.copy_busy_s / 1e9 : 0.0;
    const double copy_s_per_forward =
        measured_copy_gbs > 0
            ? static_cast<double>(st.streamed_bytes_per_forward) / (measured_copy_gbs * 1e9)
            : 0.0;

    // The simulated device on the same plan: compute = the measured resident forward.
    StreamBenchOptions so;
    so.config = net;
    so.precision = *dtype == at::kFloat  ? WeightPrecision::Fp32
                   : *dtype == at::kHalf ? WeightPrecision::Fp16
                                         : WeightPrecision::Bf16;
    so.workload = o.workload;
    so.vram_budget_bytes = vram;
    so.preserve_bytes = o.preserve_bytes;
    so.policy = o.policy;
    so.link = o.link;
    so.flops_per_s = o.flops_per_s;
    so.forward_s = resident_s > 0 ? resident_s : 0;
    so.steps = std::max<int64_t>(a.steps, 3);
    auto sim_json = [&](const LinkModel& link) -> Result<nlohmann::json> {
        StreamBenchOptions o2 = so;
        o2.link = link;
        auto sim = run_stream_benchmark(o2);
        if (!sim) return sim.error();
        return nlohmann::json{
            {"link_gbs", sim->link_bytes_per_s / 1e9},
            {"streamed_count", sim->plan.streamed_count},
            {"streamed_bytes_per_step", sim->streamed_bytes_per_step},
            {"step_median_s", sim->step_median_s},
            {"bound_s", sim->bound_s},
            {"peak_vram_bytes", sim->peak_vram_bytes},
            {"efficiency", sim->efficiency},
        };
    };
    // The GPU link asked for, and this machine's measured copy rate (what a copy engine running
    // at memcpy speed would reach by overlapping; the CPU itself cannot overlap).
    auto simj = sim_json(o.link);
    if (!simj) return simj.error();
    nlohmann::json sim_cpu;
    if (measured_copy_gbs > 0) {
        LinkModel cpu_link = o.link;
        cpu_link.bandwidth_bytes_per_s = measured_copy_gbs * 1e9;
        auto s2 = sim_json(cpu_link);
        if (!s2) return s2.error();
        sim_cpu = *s2;
    }
    const SystemInfo sys = query_system_info();
    return nlohmann::json{
        {"bench", "dit-stream-real"},
        {"config", a.config},
        {"device", cuda ? "cuda" : "cpu (HostStreamDevice)"},
        {"precision", a.precision},
        {"profile", a.profile},
        {"threads", at::get_num_threads()},
        {"torch", sys.torch_version},
        {"cfg_batch", batch},
        {"frames_run", lm},
        {"text_tokens_run", lt},
        {"vram_budget_bytes", vram},
        {"preserve_bytes", o.preserve_bytes},
        {"weight_budget_bytes", st.device_budget_bytes},
        {"device_peak_bytes", st.device_peak_bytes},
        {"resident_count", plan.resident_count},
        {"streamed_count", plan.streamed_count},
        {"streamed_bytes_per_forward", st.streamed_bytes_per_forward},
        {"ring_bytes", st.ring_bytes},
        {"resident_bytes", st.resident_bytes},
        {"host_arena_bytes", st.host_arena_bytes},
        {"setup_s", setup_s},
        {"forwards_timed", static_cast<int64_t>(streamed_times.size())},
        {"resident_forward_median_s", resident_s},
        {"resident_forward_times_s", resident_times},
        {"streamed_forward_median_s", streamed_s},
        {"streamed_forward_times_s", streamed_times},
        {"copy_s_per_forward", copy_s_per_forward},
        {"copy_gbs", measured_copy_gbs},
        {"serial_estimate_s", resident_s + copy_s_per_forward},
        {"bit_exact_vs_resident", bit_exact},
        {"fallbacks", st.fallbacks},
        {"measured_peak_device_bytes", mem.peak_device_bytes},  // cudaMemGetInfo, all processes
        {"has_process_device", mem.has_process_device},
        {"process_device_bytes", mem.process_device_bytes},  // NVML, at the end
        {"peak_host_rss_bytes", mem.peak_host_rss_bytes},
        {"sim_estimate", *simj},
        {"sim_estimate_copy_rate", sim_cpu},
    };
}

}  // namespace kinema::cli

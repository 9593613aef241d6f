#include "core/memory/stream_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>

#include "core/memory/activation_estimate.h"
#include "core/memory/memory_sampler.h"
#include "core/memory/simulated_device.h"
#include "core/memory/streamed_stage.h"
#include "gpu/cuda_stream_device.h"
#include "gpu/pinned_host_arena.h"

namespace kinema {
namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// `host_gap_s`: host work per step; the copy engine keeps streaming during it, so the bound of a
// step period is max(compute + host work, streamed bytes / link).
void finish(StreamBenchResult& r, double host_gap_s) {
    r.step_median_s = median(r.step_times_s);
    r.streamed_bytes_per_step = r.plan.streamed_bytes;
    r.compute_s = r.plan.compute_s;
    r.bound_s = std::max(r.compute_s + host_gap_s,
                         static_cast<double>(r.plan.streamed_bytes) / r.link_bytes_per_s);
    if (r.step_median_s > 0) {
        r.achieved_bytes_per_s = static_cast<double>(r.plan.streamed_bytes) / r.step_median_s;
        r.efficiency = r.bound_s / r.step_median_s;
    }
}

Result<StreamBenchResult> run_simulated(const PlannerInput& in, const StreamBenchOptions& o) {
    auto plan = plan_residency(in);
    if (!plan) return plan.error();
    std::vector<uint64_t> sizes;
    for (const auto& b : plan->blocks)
        sizes.push_back(b.size_bytes);
    SimulatedDeviceConfig cfg;
    cfg.capacity_bytes = in.free_vram_bytes;
    cfg.bandwidth_bytes_per_s = o.link.bandwidth_bytes_per_s;
    cfg.latency_s = o.link.latency_s;
    SimulatedDevice dev(cfg, sizes);
    StreamedStage<SimulatedDevice> stage(dev, in);
    KINEMA_TRY_STATUS(stage.prepare());
    auto compute = [&](size_t i, const SimulatedDevice::Buffer& w) -> Status {
        const auto& b = stage.plan().blocks[i];
        if (b.where == Residency::Host) return {};
        SimulatedDevice::Buffer act{};
        if (i == 0) {  // the forward's working set, held for its first block like the real peak
            auto a = dev.allocate(stage.plan().activation_bytes);
            if (!a) return a.error();
            act = *a;
        }
        Status st = dev.compute(b.compute_s, w);
        if (act.id) dev.release(act);
        return st;
    };
    StreamBenchResult r;
    r.simulated = true;
    // Step period: from one step's result on the host to the next one's (host work included).
    double previous = 0;
    for (int64_t step = 0; step <= o.steps; ++step) {  // step 0 is the warm-up (cold first copy)
        if (step > 0) dev.host_work(o.host_gap_s);
        KINEMA_TRY_STATUS(stage.forward(compute));
        dev.host_wait_compute();
        if (step > 0) r.step_times_s.push_back(dev.host_now_s() - previous);
        previous = dev.host_now_s();
    }
    r.plan = stage.plan();
    r.fallbacks = stage.fallbacks();
    r.reports = stage.reports();
    r.peak_vram_bytes = dev.peak_bytes();
    r.hazards = dev.hazards();
    r.link_bytes_per_s = o.link.bandwidth_bytes_per_s;
    KINEMA_TRY_STATUS(stage.release());
    finish(r, o.host_gap_s);
    return r;
}

Result<StreamBenchResult> run_cuda(PlannerInput in, const StreamBenchOptions& o) {
    // Host copies of every device block in pinned chunks, filled so the pages are real.
    auto first_plan = plan_residency(in);
    if (!first_plan) return first_plan.error();
    gpu::PinnedHostArena arena;
    std::vector<gpu::HostBlockView> views(first_plan->blocks.size());
    for (size_t i = 0; i < views.size(); ++i) {
        const auto& b = first_plan->blocks[i];
        if (b.where == Residency::Host) continue;
        auto span = arena.allocate(b.size_bytes);
        if (!span) return span.error();
        std::memset(*span, static_cast<int>(i & 0xff), b.size_bytes);
        views[i] = {*span, b.size_bytes};
    }
    auto created = gpu::CudaStreamDevice::create(o.device, nullptr, views);
    if (!created) return created.error();
    gpu::CudaStreamDevice& dev = **created;
    const uint64_t free0 = dev.free_bytes();
    if (in.free_vram_bytes == 0 || in.free_vram_bytes > free0) in.free_vram_bytes = free0;

    StreamBenchResult r;
    r.simulated = false;
    {  // Pinned H2D bandwidth: five copies of the largest block.
        uint64_t largest = 0;
        size_t which = 0;
        for (size_t i = 0; i < views.size(); ++i)
            if (views[i].size_bytes > largest) largest = views[i].size_bytes, which = i;
        auto probe = dev.allocate(largest);
        if (!probe) return probe.error();
        const auto t0 = std::chrono::steady_clock::now();
        for (int k = 0; k < 5; ++k)
            KINEMA_TRY_STATUS(dev.copy_async(which, *probe));
        KINEMA_TRY_STATUS(dev.synchronize());
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        dev.release(*probe);
        r.link_bytes_per_s = 5.0 * static_cast<double>(largest) / s;
    }
    in.link.bandwidth_bytes_per_s = r.link_bytes_per_s;  // plan with the measured link

    std::mutex m;
    uint64_t min_free = free0;
    MemorySamplerOptions so;
    so.interval = std::chrono::milliseconds(20);
    so.device = o.device;
    so.on_sample = [&](const MemorySample& s) {
        std::lock_guard<std::mutex> lock(m);
        if (s.has_device) min_free = std::min(min_free, s.device_free_bytes);
    };
    MemorySampler sampler(so);
    sampler.start();

    StreamedStage<gpu::CudaStreamDevice> stage(dev, in);
    Status st = stage.prepare();
    auto compute = [&](size_t i, const gpu::CudaStreamDevice::Buffer&) -> Status {
        const auto& b = stage.plan().blocks[i];
        return b.where == Residency::Host ? Status{} : dev.enqueue_busy_wait(b.compute_s);
    };
    auto previous = dev.record_timing_event();
    if (!previous) return previous.error();
    for (int64_t step = 0; st.ok() && step <= o.steps; ++step) {
        st = stage.forward(compute);
        if (!st.ok()) break;
        auto now = dev.record_timing_event();
        if (!now) return now.error();
        auto dt = dev.elapsed_s(*previous, *now);  // waits for this step (a sampler's .item())
        dev.destroy_event(*previous);
        *previous = *now;
        if (!dt) return dt.error();
        if (step > 0) r.step_times_s.push_back(*dt);
    }
    dev.destroy_event(*previous);
    sampler.stop();
    KINEMA_TRY_STATUS(st);
    const MemorySample last = sampler.latest();
    r.plan = stage.plan();
    r.fallbacks = stage.fallbacks();
    r.reports = stage.reports();
    r.peak_vram_bytes = free0 - std::min(free0, min_free);
    r.has_process_vram = last.has_process_device;
    r.peak_process_vram_bytes = last.peak_device_bytes;
    KINEMA_TRY_STATUS(stage.release());
    finish(r, 0.0);
    return r;
}

}  // namespace

Result<StreamBenchResult> run_stream_benchmark(const StreamBenchOptions& o) {
    if (o.steps < 1) return make_error(ErrorKind::InvalidRequest, "steps must be >= 1");
    auto blocks = dit_blocks(o.config, o.precision, o.workload);
    if (!blocks) return blocks.error();
    PlannerInput in;
    in.blocks = std::move(*blocks);
    in.free_vram_bytes = o.vram_budget_bytes;
    in.preserve_bytes = o.preserve_bytes;
    in.activation_bytes = dit_activation_bytes(o.config, o.workload, o.precision);
    in.link = o.link;
    in.policy = o.policy;
    in.flops_per_s = o.flops_per_s;
    if (o.forward_s > 0) in.flops_per_s = total_flops(in.blocks) / o.forward_s;
    if (!(in.flops_per_s > 0))
        return make_error(ErrorKind::InvalidRequest, "throughput must be > 0");
    if (o.cuda) return run_cuda(std::move(in), o);
    if (o.vram_budget_bytes == 0)
        return make_error(ErrorKind::InvalidRequest, "the simulated device needs a VRAM budget");
    return run_simulated(in, o);
}

}  // namespace kinema

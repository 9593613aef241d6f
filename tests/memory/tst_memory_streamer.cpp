// BlockStreamer (the schedule the CUDA build runs) on the discrete-event SimulatedDevice: peak
// device memory never exceeds the plan / budget for many random plans, no data hazards, no
// allocation inside the loop, prefetching reaches max(compute, bytes / bandwidth), a failed copy
// is surfaced as ErrorKind::Cuda, and out-of-memory falls back to more streaming once.
#include <QtTest>

#include <algorithm>
#include <random>

#include "core/memory/block_model.h"
#include "core/memory/residency_planner.h"
#include "core/memory/simulated_device.h"
#include "core/memory/streamed_stage.h"
#include "core/model/model_presets.h"

using namespace kinema;

namespace {

constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kMiB = 1ull << 20;

std::vector<uint64_t> sizes_of(const ResidencyPlan& plan) {
    std::vector<uint64_t> s;
    for (const auto& b : plan.blocks)
        s.push_back(b.size_bytes);
    return s;
}

SimulatedDeviceConfig device_for(uint64_t capacity, const LinkModel& link) {
    SimulatedDeviceConfig c;
    c.capacity_bytes = capacity;
    c.bandwidth_bytes_per_s = link.bandwidth_bytes_per_s;
    c.latency_s = link.latency_s;
    return c;
}

// The compute callback of a simulated forward: activations are allocated at the first device
// block and freed after the last one (like a caching allocator's working set).
struct SimForward {
    SimulatedDevice& dev;
    const ResidencyPlan& plan;
    uint64_t activation_bytes;
    SimulatedDevice::Buffer act{};
    size_t first = 0, last = 0;

    SimForward(SimulatedDevice& d, const ResidencyPlan& p, uint64_t a)
        : dev(d), plan(p), activation_bytes(a) {
        first = SIZE_MAX;
        for (size_t i = 0; i < p.blocks.size(); ++i)
            if (p.blocks[i].where != Residency::Host) first = std::min(first, i), last = i;
    }
    Status operator()(size_t i, const SimulatedDevice::Buffer& weights) {
        if (plan.blocks[i].where == Residency::Host) return {};
        if (i == first && activation_bytes > 0) {
            auto a = dev.allocate(activation_bytes);
            if (!a) return a.error();
            act = *a;
        }
        KINEMA_TRY_STATUS(dev.compute(plan.blocks[i].compute_s, weights));
        if (i == last && act.id != 0) dev.release(act);
        return {};
    }
};

std::vector<WeightBlock> uniform_blocks(int n, uint64_t size, double flops) {
    std::vector<WeightBlock> blocks(1);
    blocks[0].always_resident = true;
    blocks[0].size_bytes = 16 * kMiB;
    blocks[0].flops = flops / 4;
    for (int i = 0; i < n; ++i) {
        WeightBlock b;
        b.name = "b" + std::to_string(i);
        b.size_bytes = size;
        b.flops = flops;
        blocks.push_back(b);
    }
    return blocks;
}

}  // namespace

class TestMemoryStreamer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void random_plans_stay_within_budget() {
        std::mt19937_64 rng(7);
        std::uniform_int_distribution<uint64_t> vram(512 * kMiB, 8 * kGiB), pres(0, 2 * kGiB),
            act(0, 512 * kMiB);
        std::uniform_int_distribution<int> layers(3, 30), frames(20, 360), model(0, 2);
        std::uniform_real_distribution<double> bw(6e9, 56e9), tflops(2e12, 80e12);
        int ran = 0, streamed_runs = 0;
        for (int trial = 0; trial < 120; ++trial) {
            PlannerInput in;
            if (model(rng) == 0) {
                auto c = preset_config(trial % 2 ? "full" : "lite")->network;
                in.blocks = dit_blocks(c, WeightPrecision::Bf16, {2, frames(rng), 128}).value();
            } else if (model(rng) == 1) {
                Qwen3Shape q;
                q.num_hidden_layers = layers(rng);
                in.blocks =
                    qwen3_blocks(q, trial % 3 ? WeightPrecision::Bf16 : WeightPrecision::Int8, 256);
            } else {
                in.blocks = uniform_blocks(
                    layers(rng), std::uniform_int_distribution<uint64_t>(kMiB, 300 * kMiB)(rng),
                    5e10);
            }
            in.free_vram_bytes = vram(rng);
            in.preserve_bytes = pres(rng);
            in.activation_bytes = act(rng);
            in.link.bandwidth_bytes_per_s = bw(rng);
            in.flops_per_s = tflops(rng);
            in.policy = static_cast<PlanPolicy>(trial % 3);
            auto plan = plan_residency(in);
            QVERIFY(plan.ok());
            if (!plan->feasible) continue;
            ++ran;
            if (plan->streamed_count > 0) ++streamed_runs;

            SimulatedDevice dev(device_for(in.free_vram_bytes, in.link), sizes_of(*plan));
            BlockStreamer<SimulatedDevice> streamer(dev);
            QVERIFY(streamer.prepare(streamer_blocks(*plan)).ok());
            const uint64_t allocations = dev.allocation_count();
            QCOMPARE(dev.used_bytes(), plan->resident_bytes + plan->ring_bytes);
            QVERIFY(dev.used_bytes() <= plan->weight_budget_bytes);
            SimForward fwd(dev, *plan, plan->activation_bytes);
            const int forwards = 4;
            for (int f = 0; f < forwards; ++f)
                QVERIFY(streamer.run_forward(fwd).ok());
            QCOMPARE(dev.allocation_count() - allocations,
                     uint64_t(plan->activation_bytes > 0 ? forwards : 0));
            QCOMPARE(dev.peak_bytes(), plan->peak_vram_bytes);  // the planner's accounting is exact
            QVERIFY(dev.peak_bytes() <= in.free_vram_bytes);
            QVERIFY2(dev.hazards() == 0,
                     dev.hazard_log().empty() ? "" : dev.hazard_log().front().c_str());
            // Every forward streams its blocks once; plus the first block prefetched by prepare().
            uint64_t first_streamed = 0;
            for (const auto& b : plan->blocks)
                if (b.where == Residency::Streamed && first_streamed == 0)
                    first_streamed = b.size_bytes;
            QCOMPARE(streamer.stats().bytes_copied,
                     plan->streamed_bytes * forwards + first_streamed);
            QCOMPARE(dev.bytes_copied(), streamer.stats().bytes_copied);
            // Free-running host: the simulated time of a forward equals the planner's model.
            const double before = dev.compute_tail_s();
            QVERIFY(streamer.run_forward(fwd).ok());
            const double measured = dev.compute_tail_s() - before;
            QVERIFY2(
                std::abs(measured - plan->forward_s) <= 1e-9 + 1e-6 * plan->forward_s,
                qPrintable(QString("sim %1 s vs model %2 s").arg(measured).arg(plan->forward_s)));
            QVERIFY(streamer.release().ok());
            QCOMPARE(dev.used_bytes(), uint64_t(0));  // everything really returns
        }
        QVERIFY(ran > 40);
        QVERIFY(streamed_runs > 20);
    }

    void prefetch_reaches_the_analytic_bound() {
        // 27 streamed blocks of 96 MiB at 24 GB/s (4.2 ms each) against three compute regimes.
        for (double per_block_s : {1.0e-3, 4.2e-3, 12e-3}) {
            PlannerInput in;
            in.blocks = uniform_blocks(27, 96 * kMiB, per_block_s * 20e12);
            in.flops_per_s = 20e12;
            in.free_vram_bytes = 2 * kGiB;
            in.policy = PlanPolicy::StreamAll;
            auto plan = plan_residency(in);
            QVERIFY(plan.ok() && plan->feasible);
            QCOMPARE(plan->streamed_count, 27);
            SimulatedDevice dev(device_for(in.free_vram_bytes, in.link), sizes_of(*plan));
            BlockStreamer<SimulatedDevice> streamer(dev);
            QVERIFY(streamer.prepare(streamer_blocks(*plan)).ok());
            SimForward fwd(dev, *plan, 0);
            // A sampling loop: the host waits for each step's result, then works 2 ms.
            std::vector<double> ends;
            for (int step = 0; step < 6; ++step) {
                QVERIFY(streamer.run_forward(fwd).ok());
                dev.host_wait_compute();
                ends.push_back(dev.host_now_s());
                dev.host_work(2e-3);
            }
            // Period of the loop; the copy engine keeps streaming while the host works, so the
            // bound is max(compute + host work, streamed bytes / bandwidth).
            const double period = (ends.back() - ends[1]) / 4.0;
            const double bound =
                std::max(plan->compute_s + 2e-3,
                         static_cast<double>(plan->streamed_bytes) / in.link.bandwidth_bytes_per_s);
            QVERIFY2(period >= bound * (1 - 1e-9), "faster than physics");
            QVERIFY2(period <= bound * 1.03,
                     qPrintable(QString("step %1 s vs bound %2 s").arg(period).arg(bound)));
            QCOMPARE(dev.hazards(), uint64_t(0));
        }
    }

    void wrap_around_prefetch_hides_the_first_copy() {
        // Compute-bound: with the next step's first block prefetched during the host's work, the
        // step costs compute only; the first step pays the cold copy.
        PlannerInput in;
        in.blocks = uniform_blocks(8, 200 * kMiB, 20e-3 * 20e12);
        in.flops_per_s = 20e12;
        in.free_vram_bytes = 1 * kGiB;
        in.policy = PlanPolicy::StreamAll;
        auto plan = plan_residency(in);
        QVERIFY(plan.ok() && plan->feasible);
        SimulatedDevice dev(device_for(in.free_vram_bytes, in.link), sizes_of(*plan));
        BlockStreamer<SimulatedDevice> streamer(dev);
        QVERIFY(streamer.prepare(streamer_blocks(*plan)).ok());
        const double t0 = dev.host_now_s();
        SimForward fwd(dev, *plan, 0);
        QVERIFY(streamer.run_forward(fwd).ok());
        dev.host_wait_compute();
        const double first = dev.host_now_s() - t0;
        dev.host_work(10e-3);  // longer than one copy (8.7 ms)
        const double t1 = dev.host_now_s();
        QVERIFY(streamer.run_forward(fwd).ok());
        dev.host_wait_compute();
        const double second = dev.host_now_s() - t1;
        QVERIFY(std::abs(second - plan->compute_s) < 1e-6);
        // The head's compute (5 ms) hides part of the cold 8.7 ms copy.
        QVERIFY(first > second + 3e-3);
    }

    void hazard_checker_catches_a_wrong_schedule() {
        // The checker the tests rely on can fail: overwrite a buffer that is still being read.
        SimulatedDevice dev(SimulatedDeviceConfig{}, {64 * kMiB, 64 * kMiB});
        auto buf = dev.allocate(64 * kMiB);
        QVERIFY(buf.ok());
        QVERIFY(dev.copy_async(0, *buf).ok());
        QVERIFY(dev.compute(5e-3, *buf).ok());  // no wait on the copy: RAW
        QVERIFY(dev.copy_async(1, *buf).ok());  // no wait on the compute: WAR
        QCOMPARE(dev.hazards(), uint64_t(2));
        QVERIFY(!dev.allocate(16 * kGiB).ok());
    }

    void copy_failure_is_surfaced() {
        PlannerInput in;
        in.blocks = uniform_blocks(10, 64 * kMiB, 1e10);
        in.free_vram_bytes = 1 * kGiB;
        in.policy = PlanPolicy::StreamAll;
        auto plan = plan_residency(in);
        QVERIFY(plan.ok() && plan->feasible);
        auto cfg = device_for(in.free_vram_bytes, in.link);
        cfg.fail_copy_index = 14;  // during the second forward
        SimulatedDevice dev(cfg, sizes_of(*plan));
        BlockStreamer<SimulatedDevice> streamer(dev);
        QVERIFY(streamer.prepare(streamer_blocks(*plan)).ok());
        SimForward fwd(dev, *plan, 0);
        QVERIFY(streamer.run_forward(fwd).ok());
        Status st = streamer.run_forward(fwd);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().kind, ErrorKind::Cuda);
        QVERIFY(st.error().message.find("block") != std::string::npos);
        Status again = streamer.run_forward(fwd);  // unusable until prepared again
        QVERIFY(!again.ok());
        QCOMPARE(streamer.release().error().kind, ErrorKind::Cuda);
        QCOMPARE(dev.used_bytes(), uint64_t(0));
    }

    void out_of_memory_falls_back_once() {
        // The plan believes 3 GiB are free; another program took 1.5 GiB meanwhile.
        auto blocks =
            dit_blocks(preset_config("full")->network, WeightPrecision::Bf16, {2, 150, 128})
                .value();
        PlannerInput in;
        in.blocks = blocks;
        in.free_vram_bytes = 3 * kGiB;
        in.preserve_bytes = 256 * kMiB;
        in.activation_bytes = 200 * kMiB;
        in.policy = PlanPolicy::MaxResident;
        auto sizes = sizes_of(plan_residency(in).value());
        SimulatedDevice dev(device_for(1536 * kMiB, in.link), sizes);
        StreamedStage<SimulatedDevice> stage(dev, in);
        QVERIFY(stage.prepare().ok());
        QCOMPARE(stage.fallbacks(), 1);
        QCOMPARE(stage.plan().streamed_count, 27);
        QCOMPARE(int(stage.reports().size()), 1);
        SimForward fwd(dev, stage.plan(), in.activation_bytes);
        QVERIFY(stage.forward(fwd).ok());
        QCOMPARE(dev.hazards(), uint64_t(0));

        // Activations larger than estimated: the forward fails, re-plans with more streaming and
        // the retried step succeeds.
        in.free_vram_bytes = 2 * kGiB;
        SimulatedDevice dev2(device_for(2 * kGiB, in.link), sizes);
        StreamedStage<SimulatedDevice> stage2(dev2, in);
        QVERIFY(stage2.prepare().ok());
        QCOMPARE(stage2.fallbacks(), 0);
        const int streamed_before = stage2.plan().streamed_count;
        const ResidencyPlan* current = &stage2.plan();
        uint64_t real_activations = 900 * kMiB;
        auto compute = [&](size_t i, const SimulatedDevice::Buffer& w) {
            SimForward f(dev2, *current, real_activations);
            f.first = f.last = i;  // allocate and free around every block
            return f(i, w);
        };
        QVERIFY(stage2.forward(compute).ok());
        QCOMPARE(stage2.fallbacks(), 1);
        QVERIFY(stage2.plan().streamed_count > streamed_before);
        // A second out-of-memory is returned, not retried again.
        real_activations = 4 * kGiB;
        Status st = stage2.forward(compute);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().kind, ErrorKind::OutOfMemory);
        QVERIFY(stage2.release().ok());
    }
};

QTEST_GUILESS_MAIN(TestMemoryStreamer)
#include "tst_memory_streamer.moc"

// Block model (exact parameter counts from the spec), the residency planner's invariants over
// many random inputs, its policies and knee, and the staged pipeline / pre-flight estimate.
#include <QtTest>

#include <algorithm>
#include <random>

#include "core/memory/block_model.h"
#include "core/memory/pipeline_planner.h"
#include "core/memory/residency_planner.h"
#include "core/model/model_presets.h"

using namespace kinema;

namespace {

constexpr uint64_t kGiB = 1ull << 30;
constexpr uint64_t kMiB = 1ull << 20;

MmditConfig preset(const char* name) {
    return preset_config(name).value().network;
}

std::vector<WeightBlock> random_blocks(std::mt19937_64& rng) {
    std::uniform_int_distribution<int> count(1, 40), kinds(1, 3);
    std::uniform_int_distribution<uint64_t> size(1 * kMiB, 400 * kMiB);
    std::uniform_real_distribution<double> flops(1e9, 5e11);
    std::vector<WeightBlock> blocks;
    WeightBlock head;
    head.name = "head";
    head.always_resident = true;
    head.size_bytes = size(rng) / 4;
    head.flops = flops(rng);
    blocks.push_back(head);
    std::vector<uint64_t> sizes;  // a few distinct sizes, like real models
    for (int k = kinds(rng); k > 0; --k)
        sizes.push_back(size(rng));
    const int n = count(rng);
    for (int i = 0; i < n; ++i) {
        WeightBlock b;
        b.name = "b" + std::to_string(i);
        b.role = BlockRole::DoubleBlock;
        b.size_bytes = sizes[static_cast<size_t>(i) * sizes.size() / static_cast<size_t>(n)];
        b.flops = flops(rng);
        blocks.push_back(b);
    }
    return blocks;
}

}  // namespace

class TestMemoryPlanner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void dit_block_model_matches_spec_counts() {
        for (auto [name, params, doubles, singles, dbl_params, sgl_params] :
             {std::tuple{"full", 1042868681ll, 9, 18, 531189504ll, 442623744ll},
              std::tuple{"lite", 460841673ll, 6, 12, 226678272ll, 188880384ll}}) {
            auto blocks = dit_blocks(preset(name), WeightPrecision::Fp32, {});
            QVERIFY(blocks.ok());
            QCOMPARE(total_parameters(*blocks), params);
            QCOMPARE(total_bytes(*blocks), uint64_t(4 * params));
            QCOMPARE(int(blocks->size()), 1 + doubles + singles);
            int64_t d = 0, s = 0;
            for (const auto& b : *blocks) {
                if (b.role == BlockRole::DoubleBlock) d += b.parameters;
                if (b.role == BlockRole::SingleBlock) s += b.parameters;
            }
            QCOMPARE(d, dbl_params);
            QCOMPARE(s, sgl_params);
            QVERIFY(blocks->front().always_resident);
            QCOMPARE(blocks->at(1).name, std::string("dit.double_blocks.0"));
            QCOMPARE(blocks->back().name,
                     std::string("dit.single_blocks.") + std::to_string(singles - 1));
            auto bf16 = dit_blocks(preset(name), WeightPrecision::Bf16, {});
            QCOMPARE(total_bytes(*bf16), uint64_t(2 * params));
        }
        QVERIFY(!dit_blocks(preset("full"), WeightPrecision::Int8, {}).ok());
    }

    void dit_flops_split_matches_total() {
        const auto c = preset("full");
        const DitWorkload w{4, 150, 128};
        auto blocks = dit_blocks(c, WeightPrecision::Bf16, w);
        QVERIFY(blocks.ok());
        const double total = mmdit_forward_flops(c, w.batch, w.motion_frames, w.text_tokens);
        QVERIFY(std::abs(total_flops(*blocks) - total) <= 1e-9 * total);
        QVERIFY(blocks->front().flops > 0);
        // Per token a double block (one stream per token) and a single block both do 12 D^2 MACs.
        QVERIFY(blocks->at(1).flops > 0 && blocks->back().flops > 0);
    }

    void encoder_block_models() {
        const auto qwen = qwen3_blocks(Qwen3Shape{}, WeightPrecision::Bf16, 256);
        QCOMPARE(int(qwen.size()), 1 + 36 + 1);
        QVERIFY(qwen.front().host_only);
        QCOMPARE(qwen.front().parameters, 151936ll * 4096);
        QCOMPARE(qwen[1].parameters, 192946432ll);
        QCOMPARE(total_parameters(qwen), 7568405504ll);  // 8.19 B minus the unused lm_head
        QCOMPARE(qwen[1].size_bytes, uint64_t(2 * 192946432ll));
        const auto q8 = qwen3_blocks(Qwen3Shape{}, WeightPrecision::Int8, 256);
        const auto q4 = qwen3_blocks(Qwen3Shape{}, WeightPrecision::Int4, 256);
        QVERIFY(q8[1].size_bytes < qwen[1].size_bytes && q4[1].size_bytes < q8[1].size_bytes);
        QVERIFY(q4[1].size_bytes > uint64_t(q4[1].parameters / 2));
        const auto clip = clip_text_blocks(WeightPrecision::Fp32);
        QCOMPARE(clip.size(), size_t(1));
        QCOMPARE(clip[0].parameters, 123060480ll);
        QCOMPARE(clip[0].size_bytes, uint64_t(4 * 123060480ll));
    }

    void quantised_tensor_bytes() {
        QCOMPARE(tensor_storage_bytes({4, 128}, WeightPrecision::Int8), uint64_t(4 * 128 + 2 * 4));
        QCOMPARE(tensor_storage_bytes({4, 128}, WeightPrecision::Int4),
                 uint64_t(4 * 64 + 2 * 4 * 2));
        QCOMPARE(tensor_storage_bytes({4, 130}, WeightPrecision::Int4),
                 uint64_t(4 * 65 + 2 * 4 * 3));
        QCOMPARE(tensor_storage_bytes({10}, WeightPrecision::Int4), uint64_t(20));
        QCOMPARE(tensor_storage_bytes({3, 5}, WeightPrecision::Fp32), uint64_t(60));
    }

    void random_plans_respect_the_budget() {
        std::mt19937_64 rng(42);
        std::uniform_int_distribution<uint64_t> vram(256 * kMiB, 24 * kGiB), pres(0, 4 * kGiB),
            act(0, kGiB);
        std::uniform_real_distribution<double> bw(4e9, 64e9);
        int feasible = 0, streamed_some = 0;
        for (int trial = 0; trial < 300; ++trial) {
            PlannerInput in;
            in.blocks = random_blocks(rng);
            in.free_vram_bytes = vram(rng);
            in.preserve_bytes = pres(rng);
            in.activation_bytes = act(rng);
            in.link.bandwidth_bytes_per_s = bw(rng);
            in.flops_per_s = 20e12;
            in.policy = static_cast<PlanPolicy>(trial % 3);
            auto plan = plan_residency(in);
            QVERIFY(plan.ok());
            const auto& p = *plan;
            QCOMPARE(p.blocks.size(), in.blocks.size());
            uint64_t slot = 0, streamed = 0;
            for (const auto& b : p.blocks)
                if (b.where == Residency::Streamed)
                    slot = std::max(slot, b.size_bytes), streamed += b.size_bytes;
            QCOMPARE(p.ring_slot_bytes, slot);
            QCOMPARE(p.ring_bytes, 2 * slot);
            QCOMPARE(p.streamed_bytes, streamed);
            QCOMPARE(p.blocks.front().where, Residency::Resident);  // the head never streams
            QVERIFY(p.forward_s >= p.bound_s * (1 - 1e-9));
            if (!p.feasible) {
                QVERIFY(!p.warnings.empty());
                continue;
            }
            ++feasible;
            if (p.streamed_count > 0) ++streamed_some;
            QVERIFY2(p.resident_bytes + p.ring_bytes <= p.weight_budget_bytes,
                     "weights exceed free - P");
            QVERIFY2(p.peak_vram_bytes <= in.free_vram_bytes, "peak exceeds free VRAM");
            QVERIFY(p.effective_preserve_bytes >= in.preserve_bytes);
        }
        QVERIFY(feasible > 100);
        QVERIFY(streamed_some > 30);
    }

    void more_vram_never_streams_more() {
        auto blocks = dit_blocks(preset("full"), WeightPrecision::Bf16, {2, 150, 128});
        uint64_t previous = UINT64_MAX;
        double previous_s = 1e9;
        for (uint64_t v = 512 * kMiB; v <= 4 * kGiB; v += 128 * kMiB) {
            PlannerInput in;
            in.blocks = *blocks;
            in.free_vram_bytes = v;
            in.preserve_bytes = 128 * kMiB;
            in.activation_bytes = 100 * kMiB;
            auto p = plan_residency(in);
            QVERIFY(p.ok());
            if (!p->feasible) continue;
            QVERIFY2(p->streamed_bytes <= previous, qPrintable(QString::number(v)));
            QVERIFY(p->forward_s <= previous_s * (1 + 1e-6));
            previous = p->streamed_bytes;
            previous_s = p->forward_s;
        }
        QCOMPARE(previous, uint64_t(0));  // 4 GiB holds the whole bf16 DiT
    }

    void resident_blocks_are_spread() {
        std::vector<WeightBlock> blocks(1);
        blocks[0].always_resident = true;
        for (int i = 0; i < 24; ++i) {
            WeightBlock b;
            b.size_bytes = 100 * kMiB;
            b.flops = 1e11;
            blocks.push_back(b);
        }
        PlannerInput in;
        in.blocks = blocks;
        in.free_vram_bytes = 14 * 100 * kMiB;  // ring 2 + 12 resident
        auto p = plan_residency(in);
        QVERIFY(p.ok() && p->feasible);
        QCOMPARE(p->resident_count, 1 + 12);
        int run = 0, longest = 0;  // longest run of consecutive streamed blocks
        for (const auto& b : p->blocks) {
            run = b.where == Residency::Streamed ? run + 1 : 0;
            longest = std::max(longest, run);
        }
        QCOMPARE(longest, 1);  // alternating: every copy overlaps a resident block's compute
    }

    void policies_and_knee() {
        auto blocks = dit_blocks(preset("full"), WeightPrecision::Bf16, {2, 150, 128});
        PlannerInput in;
        in.blocks = *blocks;
        in.free_vram_bytes = 3 * kGiB;
        in.preserve_bytes = 256 * kMiB;
        in.activation_bytes = 128 * kMiB;
        in.flops_per_s = 10e12;
        in.policy = PlanPolicy::MaxResident;
        auto max = plan_residency(in);
        in.policy = PlanPolicy::Knee;
        auto knee = plan_residency(in);
        in.policy = PlanPolicy::StreamAll;
        auto all = plan_residency(in);
        QVERIFY(max.ok() && knee.ok() && all.ok());
        QCOMPARE(max->streamed_count, 0);
        QVERIFY(knee->resident_bytes < max->resident_bytes);
        QVERIFY(knee->forward_s <= max->forward_s * 1.0201);
        QCOMPARE(all->resident_count, 1);
        QCOMPARE(all->streamed_count, 27);
        QVERIFY(all->peak_vram_bytes < knee->peak_vram_bytes);
        // Analytic knee: R* = streamable - compute x bandwidth.
        const double streamable =
            static_cast<double>(total_bytes(*blocks) - blocks->front().size_bytes);
        const double expect = streamable - max->compute_s * in.link.bandwidth_bytes_per_s;
        QVERIFY(std::abs(static_cast<double>(max->knee_resident_bytes) - expect) < 2.0);
    }

    void pipeline_full_in_4_gib() {
        PipelineRequest r;
        r.dit = preset("full");
        r.preserve_bytes = 512 * kMiB;
        DeviceBudget b;
        b.has_device = true;
        b.total_vram_bytes = b.free_vram_bytes = 4 * kGiB;
        b.host_ram_bytes = b.host_available_bytes = 64 * kGiB;
        auto p = plan_pipeline(r, b);
        QVERIFY(p.ok());
        QVERIFY2(p->will_fit, p->warnings.empty() ? "" : p->warnings.front().c_str());
        QCOMPARE(p->frames, int64_t(150));
        QCOMPARE(p->batch, int64_t(2));
        QVERIFY(p->peak_vram_bytes <= b.free_vram_bytes);
        QVERIFY(p->encoders.streamed_count > 20);  // Qwen3 streams layer by layer
        QVERIFY(!p->keep_encoders_loaded);
        QVERIFY(p->peak_ram_bytes > 15 * kGiB);  // Qwen3 bf16 (14.1 GiB) lives in RAM
        QVERIFY(p->total_s > p->unconstrained_s);
    }

    void pipeline_profiles_and_preflight() {
        PipelineRequest r;
        r.dit = preset("full");
        r.preserve_bytes = 2 * kGiB;
        DeviceBudget b;
        b.host_ram_bytes = b.host_available_bytes = 128 * kGiB;
        auto cpu = plan_pipeline(r, b);
        QVERIFY(cpu.ok());
        QCOMPARE(cpu->profile, MemoryProfile::Cpu);
        QCOMPARE(cpu->peak_vram_bytes, uint64_t(0));
        b.has_device = true;
        b.total_vram_bytes = b.free_vram_bytes = 80 * kGiB;
        auto big = plan_pipeline(r, b);
        QCOMPARE(big->profile, MemoryProfile::MaxSpeed);
        QVERIFY(big->keep_encoders_loaded);
        QCOMPARE(big->dit.streamed_count, 0);
        b.total_vram_bytes = b.free_vram_bytes = 1536 * kMiB;
        r.preserve_bytes = 256 * kMiB;
        auto small = plan_pipeline(r, b);
        QCOMPARE(small->profile, MemoryProfile::LowVram);
        QVERIFY(small->will_fit);
        // Pre-flight: 16 seeds of 12 s in fp32 need far more activations than a 1 GiB card has.
        r.seeds = 16;
        r.duration_s = 12;
        r.dit_precision = WeightPrecision::Fp32;
        b.total_vram_bytes = b.free_vram_bytes = kGiB;
        auto fail = plan_pipeline(r, b);
        QVERIFY(fail.ok());
        QVERIFY(!fail->will_fit);
        QVERIFY(!fail->warnings.empty());
        QCOMPARE(fail->frames, int64_t(360));
        r.seeds = 0;
        QVERIFY(!plan_pipeline(r, b).ok());
        // RAM pre-flight: Qwen3 bf16 does not fit in 8 GiB of RAM.
        r.seeds = 1;
        b.free_vram_bytes = 24 * kGiB;
        b.host_ram_bytes = b.host_available_bytes = 8 * kGiB;
        auto ram = plan_pipeline(r, b);
        QVERIFY(!ram->will_fit);
    }
};

QTEST_GUILESS_MAIN(TestMemoryPlanner)
#include "tst_memory_planner.moc"

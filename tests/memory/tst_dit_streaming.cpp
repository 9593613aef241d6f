// The REAL DiT streamed per block (DitBlockStreaming on the CPU's HostStreamDevice): bit-exact
// against the resident forward (tiny random config, several plans; the golden fixture model), the
// copy schedule (each block computes on the copy that was issued for it, the next copy is issued
// while the current block computes, the next forward's first block is prefetched at the end of a
// forward), accounted device bytes within the budget, a failed copy surfaces as ErrorKind::Cuda,
// and out of memory re-plans with more streaming and retries once.
#include <QtTest>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/engine/model_registry.h"
#include "core/io/state_dict_loader.h"
#include "core/memory/dit_block_streaming.h"
#include "core/model/hymotion_checkpoint.h"

using namespace kinema;

namespace {

constexpr uint64_t kMiB = 1ull << 20;
const std::string kDir = KINEMA_TEST_FIXTURES "/hymotion/";

struct Inputs {
    MmditCondition cond;
    at::Tensor x;
};

Inputs random_inputs(const MmditConfig& c, int64_t batch, int64_t frames, int64_t tokens) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(11);
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    Inputs in;
    in.cond.ctxt_input = at::randn({batch, tokens, c.ctxt_input_dim}, gen, f32);
    in.cond.vtxt_input = at::randn({batch, 1, c.vtxt_input_dim}, gen, f32);
    in.cond.motion_valid = at::ones({batch, frames}, at::kBool);
    in.cond.text_valid = at::ones({batch, tokens}, at::kBool);
    in.cond.text_position_offset = 360;
    in.x = at::randn({batch, frames, c.input_dim}, gen, f32);
    return in;
}

HyMotionCheckpoint tiny_model() {
    auto m = random_hymotion_checkpoint(ModelRegistry::debug_random_config(), 5, BindOptions{});
    if (!m) qFatal("%s", m.error().describe().c_str());
    return std::move(*m);
}

// Forwards at three timesteps (the streamed model runs them through its hook).
std::vector<at::Tensor> forwards(const HyMotionMmdit& dit, const Inputs& in) {
    auto p = dit.prepare(in.cond);
    if (!p) qFatal("%s", p.error().describe().c_str());
    std::vector<at::Tensor> out;
    for (float t : {0.1f, 0.5f, 0.9f}) {
        auto v = dit.forward(in.x, at::full({in.x.size(0)}, t), *p);
        if (!v) qFatal("%s", v.error().describe().c_str());
        out.push_back(*v);
    }
    return out;
}

DitStreamingOptions cpu_options(uint64_t free_bytes, PlanPolicy policy) {
    DitStreamingOptions o;
    o.free_vram_bytes = free_bytes;
    o.preserve_bytes = 0;
    o.policy = policy;
    o.workload = {2, 24, 7};
    return o;
}

// Free VRAM that leaves room for the activations, head, ring, TeaCache's indicator copy (fp32)
// and `extra_blocks` resident blocks.
uint64_t free_for(const HyMotionMmdit& dit, double extra_blocks) {
    auto o = cpu_options(64ull << 30, PlanPolicy::StreamAll);
    auto probe = DitBlockStreaming::create(const_cast<HyMotionMmdit&>(dit), o);
    if (!probe) qFatal("%s", probe.error().describe().c_str());
    const auto& p = (*probe)->plan();
    const uint64_t block = p.ring_slot_bytes;
    const uint64_t d = static_cast<uint64_t>(dit.config().feat_dim);
    const uint64_t indicator = 4 * (6 * d * d + 6 * d);
    return p.effective_preserve_bytes + p.resident_bytes + p.ring_bytes + indicator +
           static_cast<uint64_t>(extra_blocks * static_cast<double>(block)) + 64 * 1024;
}

bool equal_all(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!at::equal(a[i], b[i])) return false;
    return true;
}

}  // namespace

class TestDitStreaming : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::set_num_threads(1); }

    void tinyStreamedEqualsResidentBitExact_data() {
        QTest::addColumn<int>("policy");
        QTest::addColumn<double>("extra_blocks");
        QTest::newRow("stream-all") << int(PlanPolicy::StreamAll) << 0.0;
        QTest::newRow("mixed") << int(PlanPolicy::MaxResident) << 0.5;
        QTest::newRow("all-resident") << int(PlanPolicy::MaxResident) << 100.0;
    }
    void tinyStreamedEqualsResidentBitExact() {
        QFETCH(int, policy);
        QFETCH(double, extra_blocks);
        c10::InferenceMode guard;
        HyMotionCheckpoint resident = tiny_model(), streamed = tiny_model();
        const Inputs in = random_inputs(resident.config.network, 2, 24, 7);
        const auto want = forwards(*resident.dit, in);

        const uint64_t free_bytes = free_for(*streamed.dit, extra_blocks);
        auto s =
            DitBlockStreaming::create(*streamed.dit, cpu_options(free_bytes, PlanPolicy(policy)));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().describe().c_str());
        const auto& plan = (*s)->plan();
        const int blocks = static_cast<int>(streamed.dit->num_blocks());
        if (extra_blocks == 0.0) QCOMPARE(plan.streamed_count, blocks);
        if (extra_blocks == 0.5) {
            QVERIFY(plan.streamed_count > 0);
            QVERIFY(plan.resident_count > 1);  // head + some blocks
        }
        if (extra_blocks == 100.0) QCOMPARE(plan.streamed_count, 0);
        const auto got = forwards(*streamed.dit, in);
        QVERIFY(equal_all(got, want));

        const auto st = (*s)->stats();
        QCOMPARE(st.forwards, uint64_t(3));
        QVERIFY(st.device_peak_bytes <= st.device_budget_bytes);
        QVERIFY(st.device_budget_bytes <= free_bytes - plan.effective_preserve_bytes);
        // prepare() prefetches the first streamed block, then every forward copies each once.
        const uint64_t expected =
            plan.streamed_count ? 3 * st.streamed_bytes_per_forward + plan.ring_slot_bytes : 0;
        QVERIFY(st.bytes_copied >= 3 * st.streamed_bytes_per_forward);
        QVERIFY(st.bytes_copied <= expected + 4096);

        // Removing the streaming restores the model's own weights.
        s->reset();
        QVERIFY(equal_all(forwards(*streamed.dit, in), want));
    }

    void fixtureStreamedEqualsResidentBitExact() {
        c10::InferenceMode guard;
        auto io = load_state_dict(kDir + "dit_a.safetensors");
        QVERIFY(io.ok());
        CheckpointLoadOptions opts;
        opts.require_pipeline = false;
        auto a = load_hymotion_checkpoint(kDir + "dit_a.safetensors", kDir + "dit_a.json", opts);
        auto b = load_hymotion_checkpoint(kDir + "dit_a.safetensors", kDir + "dit_a.json", opts);
        QVERIFY(a.ok() && b.ok());
        MmditCondition c;
        c.ctxt_input = io->at("in.ctxt_input");
        c.vtxt_input = io->at("in.vtxt_input");
        c.motion_valid = io->at("in.x_mask_temporal");
        c.text_valid = io->at("in.ctxt_mask_temporal");
        auto run = [&](HyMotionMmdit& dit) {
            auto p = dit.prepare(c);
            if (!p) qFatal("%s", p.error().describe().c_str());
            auto v = dit.forward(io->at("in.x"), io->at("in.timesteps"), *p);
            if (!v) qFatal("%s", v.error().describe().c_str());
            return *v;
        };
        const at::Tensor want = run(*a->dit);
        auto s = DitBlockStreaming::create(
            *b->dit, cpu_options(free_for(*b->dit, 1.0), PlanPolicy::MaxResident));
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().describe().c_str());
        QVERIFY((*s)->plan().streamed_count > 0);
        const at::Tensor got = run(*b->dit);
        QVERIFY(at::equal(got, want));
        const double err = (got.to(at::kDouble) - io->at("out.velocity").to(at::kDouble))
                               .abs()
                               .max()
                               .item<double>();
        QVERIFY(err <= 3e-5);
        QVERIFY(at::equal(run(*b->dit), want));  // a second forward: the wrapped prefetch
    }

    // The trace of two StreamAll forwards: block i computes on the buffer its copy went to, with
    // no other copy into that buffer in between; the copy of the next streamed block is issued
    // right after the current block's compute (before the next compute); the first block of
    // forward 2 is copied before forward 1 returns.
    void copyScheduleIsTheSimulatedOne() {
        c10::InferenceMode guard;
        HyMotionCheckpoint m = tiny_model();
        std::vector<std::string> trace;
        auto o = cpu_options(free_for(*m.dit, 0), PlanPolicy::StreamAll);
        o.trace = &trace;
        auto s = DitBlockStreaming::create(*m.dit, o);
        QVERIFY(s.ok());
        const size_t n = static_cast<size_t>(m.dit->num_blocks());
        const Inputs in = random_inputs(m.config.network, 2, 24, 7);
        auto p = m.dit->prepare(in.cond);
        QVERIFY(p.ok());
        for (int f = 0; f < 2; ++f) {
            trace.push_back("forward");
            QVERIFY(m.dit->forward(in.x, at::full({2}, 0.5f), *p).ok());
        }
        // Expected: "copy 1" (prepare), then per forward per block i = 1..n: wait, compute i,
        // copy next (wrapping to 1).
        std::vector<std::string> kinds;
        std::map<std::string, std::string> buffer_content;  // buffer id -> block copied there
        size_t computes = 0;
        std::string last_copied;
        for (const auto& line : trace) {
            if (line.rfind("copy ", 0) == 0) {
                const auto arrow = line.find(" -> buffer ");
                const std::string block = line.substr(5, arrow - 5);
                buffer_content[line.substr(arrow + 11)] = block;
                last_copied = block;
                kinds.push_back("copy " + block);
            } else if (line.rfind("compute ", 0) == 0) {
                const auto at_buf = line.find(" buffer ");
                const std::string block = line.substr(8, at_buf - 8);
                QCOMPARE(buffer_content[line.substr(at_buf + 8)], block);  // RAW: its own copy
                kinds.push_back("compute " + block);
                ++computes;
            } else if (line == "forward") {
                kinds.push_back(line);
            }
        }
        QCOMPARE(computes, 2 * n);
        std::vector<std::string> expected{"copy 1"};
        for (int f = 0; f < 2; ++f) {
            expected.push_back("forward");
            for (size_t i = 1; i <= n; ++i) {
                expected.push_back("compute " + std::to_string(i));
                expected.push_back("copy " + std::to_string(i == n ? 1 : i + 1));
            }
        }
        QCOMPARE(kinds, expected);
        // Two ring buffers alternate.
        std::set<std::string> buffers;
        for (const auto& [buf, block] : buffer_content)
            buffers.insert(buf);
        QCOMPARE(buffers.size(), size_t(2));
    }

    void failedCopyIsTypedError() {
        c10::InferenceMode guard;
        HyMotionCheckpoint m = tiny_model();
        auto o = cpu_options(free_for(*m.dit, 0), PlanPolicy::StreamAll);
        o.inject_copy_failure_at = 3;  // in the first forward
        auto s = DitBlockStreaming::create(*m.dit, o);
        QVERIFY(s.ok());
        const Inputs in = random_inputs(m.config.network, 2, 24, 7);
        auto p = m.dit->prepare(in.cond);
        QVERIFY(p.ok());
        auto v = m.dit->forward(in.x, at::full({2}, 0.5f), *p);
        QVERIFY(!v.ok());
        QVERIFY(v.error().message.find("injected failure") != std::string::npos);
        const auto cause = (*s)->last_error();
        QVERIFY(cause.has_value());
        QCOMPARE(int(cause->kind), int(ErrorKind::Cuda));
        // Still unusable: the next forward fails again (no silent wrong weights).
        QVERIFY(!m.dit->forward(in.x, at::full({2}, 0.5f), *p).ok());
    }

    void outOfMemoryReplansAndRetriesOnce() {
        c10::InferenceMode guard;
        HyMotionCheckpoint resident = tiny_model(), m = tiny_model();
        const Inputs in = random_inputs(m.config.network, 2, 24, 7);
        const auto want = forwards(*resident.dit, in);
        auto o = cpu_options(free_for(*m.dit, 3.0), PlanPolicy::MaxResident);
        o.inject_oom_at_block_visit = 4;  // the first forward's 5th block
        std::vector<std::string> reports;
        int cache_releases = 0;
        o.report = [&](const std::string& r) { reports.push_back(r); };
        o.release_caches = [&] { ++cache_releases; };
        auto s = DitBlockStreaming::create(*m.dit, o);
        QVERIFY(s.ok());
        const int streamed_before = (*s)->plan().streamed_count;
        QVERIFY(streamed_before < m.dit->num_blocks());
        const auto got = forwards(*m.dit, in);
        QVERIFY(equal_all(got, want));
        const auto st = (*s)->stats();
        QCOMPARE(st.fallbacks, 1);
        QCOMPARE(cache_releases, 1);
        QCOMPARE(int(reports.size()), 1);
        QVERIFY(reports.front().find("out of memory") != std::string::npos);
        QCOMPARE((*s)->plan().streamed_count, int(m.dit->num_blocks()));
        QVERIFY(st.device_peak_bytes <= st.device_budget_bytes);
    }

    void budgetTooSmallIsOutOfMemory() {
        c10::InferenceMode guard;
        HyMotionCheckpoint m = tiny_model();
        const auto want = forwards(*tiny_model().dit, random_inputs(m.config.network, 2, 24, 7));
        auto s = DitBlockStreaming::create(*m.dit, cpu_options(64 * kMiB, PlanPolicy::StreamAll));
        QVERIFY(!s.ok());
        QCOMPARE(int(s.error().kind), int(ErrorKind::OutOfMemory));
        // The model is left as it was.
        QVERIFY(equal_all(forwards(*m.dit, random_inputs(m.config.network, 2, 24, 7)), want));
    }
};

QTEST_GUILESS_MAIN(TestDitStreaming)
#include "tst_dit_streaming.moc"

// The engine's use of DiT block streaming (EngineOptions::dit_streaming, CPU emulation): a
// streamed generation equals the unstreamed one bit for bit (TeaCache on, so its indicator runs
// on the resident copy), an injected out-of-memory takes the OOM path (release caches, re-plan
// streaming everything, retry once, report through the request's log), an injected copy failure
// is ErrorKind::Cuda and the next run recovers, and unload_all() really returns host memory.
#include <QtTest>

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "core/engine.h"
#include "core/engine/model_registry.h"
#include "core/memory/activation_estimate.h"
#include "core/memory/block_model.h"
#include "core/memory/host_memory.h"

using namespace kinema;

namespace {

#define REQUIRE_OK(r) QVERIFY2((r).ok(), (r).ok() ? "" : (r).error().describe().c_str())

constexpr double kMiB = 1024.0 * 1024.0;

GenerationRequest request() {
    GenerationRequest r;
    r.model_id = "debug-random";
    r.prompt = "a person walks forward";
    r.duration_s = 2.0;
    r.steps = 6;
    r.seeds = {0, 3};
    r.gpu_memory_preservation_gb = 0.0;
    r.teacache.enabled = true;
    r.teacache.threshold = 0.05;
    r.want_preview = false;
    return r;
}

std::unique_ptr<Engine> engine(DitStreamingMode mode, double vram_gb) {
    EngineOptions o;
    o.dit_streaming = mode;
    o.emulated_vram_gb = vram_gb;
    o.threads = 1;
    auto e = Engine::create(o);
    if (!e) qFatal("%s", e.error().describe().c_str());
    return std::move(*e);
}

// Emulated VRAM for the debug-random DiT under request(): its activation estimate, the head, the
// ring, TeaCache's indicator copy and `extra` blocks' worth of resident weights.
double vram_gb_for(double extra) {
    const auto cfg = ModelRegistry::debug_random_config().network;
    const DitWorkload w{4, 60, 128};  // 2 seeds x CFG, 2 s at 30 fps, max_length_llm
    auto blocks = dit_blocks(cfg, WeightPrecision::Fp32, w);
    if (!blocks) qFatal("%s", blocks.error().describe().c_str());
    uint64_t largest = 0;
    for (size_t i = 1; i < blocks->size(); ++i)
        largest = std::max(largest, (*blocks)[i].size_bytes);
    const uint64_t indicator = 4 * (6 * cfg.feat_dim * cfg.feat_dim + 6 * cfg.feat_dim);
    const double bytes = double(dit_activation_bytes(cfg, w, WeightPrecision::Fp32) +
                                blocks->front().size_bytes + 2 * largest + indicator) +
                         extra * double(largest) + 256.0 * 1024;
    return bytes / (1024.0 * 1024.0 * 1024.0);
}

bool same_clips(const MotionResult& a, const MotionResult& b) {
    if (a.clips.size() != b.clips.size()) return false;
    for (size_t i = 0; i < a.clips.size(); ++i)
        if (!at::equal(a.clips[i].rot6d, b.clips[i].rot6d) ||
            !at::equal(a.clips[i].transl, b.clips[i].transl))
            return false;
    return true;
}

}  // namespace

class TestEngineStreaming : public QObject {
    Q_OBJECT

    MotionResult reference_;

private Q_SLOTS:
    void initTestCase() {
        auto e = engine(DitStreamingMode::Off, 0);
        auto r = e->generate(request());
        REQUIRE_OK(r);
        QVERIFY(!r->streaming.active);
        QVERIFY(r->timings.teacache_skipped > 0);  // the indicator path is exercised
        reference_ = std::move(*r);
    }

    void streamedGenerationIsBitExact() {
        auto e = engine(DitStreamingMode::Force, vram_gb_for(1.0));
        auto r = e->generate(request());
        REQUIRE_OK(r);
        qInfo("streamed %d, resident %d blocks, %.2f MiB per forward, peak %.2f of %.2f MiB",
              r->streaming.streamed_blocks, r->streaming.resident_blocks,
              r->streaming.streamed_bytes_per_forward / kMiB, r->streaming.device_peak_bytes / kMiB,
              r->streaming.device_budget_bytes / kMiB);
        QVERIFY(r->streaming.active);
        QVERIFY(r->streaming.streamed_blocks > 0);
        QVERIFY(r->streaming.device_peak_bytes <= r->streaming.device_budget_bytes);
        QVERIFY(r->streaming.bytes_copied >=
                uint64_t(r->timings.dit_evaluations) * r->streaming.streamed_bytes_per_forward);
        QCOMPARE(r->timings.teacache_skipped, reference_.timings.teacache_skipped);
        QVERIFY(same_clips(*r, reference_));
        // A second run reuses the streamer (and its wrapped prefetch) and is still exact.
        auto again = e->generate(request());
        REQUIRE_OK(again);
        QVERIFY(same_clips(*again, reference_));
    }

    void autoDoesNotStreamWithoutEmulatedVram() {
        auto e = engine(DitStreamingMode::Auto, 0);
        auto r = e->generate(request());
        REQUIRE_OK(r);
        QVERIFY(!r->streaming.active);
    }

    void injectedOomTakesTheFallbackPath() {
        auto e = engine(DitStreamingMode::Auto, vram_gb_for(1.0));
        GenerationRequest req = request();
        req.debug_streaming.oom_at_block_visit = 5;
        std::vector<std::string> warnings;
        req.callbacks.log = [&](LogLevel level, const std::string& msg) {
            if (level == LogLevel::Warning) warnings.push_back(msg);
        };
        auto r = e->generate(req);
        REQUIRE_OK(r);
        QVERIFY(r->streaming.active);  // Auto streams: the plan for this VRAM streams blocks
        QCOMPARE(r->streaming.fallbacks, 1);
        QCOMPARE(r->streaming.streamed_blocks, 6);  // re-planned: every block streams
        QCOMPARE(int(r->streaming.reports.size()), 1);
        bool reported = false;
        for (const auto& w : warnings)
            reported =
                reported || w.find("retrying with 6 streamed DiT blocks") != std::string::npos;
        QVERIFY(reported);
        QVERIFY(same_clips(*r, reference_));
    }

    void injectedCopyFailureIsTypedAndRecovers() {
        auto e = engine(DitStreamingMode::Force, vram_gb_for(1.0));
        GenerationRequest req = request();
        req.debug_streaming.fail_copy_at = 4;
        auto r = e->generate(req);
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error().kind), int(ErrorKind::Cuda));
        QVERIFY(r.error().message.find("injected failure") != std::string::npos);
        auto next = e->generate(request());
        REQUIRE_OK(next);
        QVERIFY(same_clips(*next, reference_));
    }

    // random:lite holds ~2 GiB of fp32 weights: after unload_all() the RSS must fall by most of
    // it, with and without streaming (the host arena and emulated device buffers go too).
    void unloadAllReturnsMemory_data() {
        QTest::addColumn<bool>("streamed");
        QTest::newRow("resident") << false;
        QTest::newRow("streamed") << true;
    }
    void unloadAllReturnsMemory() {
        QFETCH(bool, streamed);
        auto e = streamed ? engine(DitStreamingMode::Force, 2.0) : engine(DitStreamingMode::Off, 0);
        GenerationRequest req = request();
        req.model_id = "random:lite";
        req.steps = 1;
        req.duration_s = 1.0;
        req.seeds = {0};
        req.teacache.enabled = false;
        req.gpu_memory_preservation_gb = 0.5;
        const uint64_t before = read_process_rss_bytes();
        auto r = e->generate(req);
        REQUIRE_OK(r);
        QCOMPARE(r->streaming.active, streamed);
        const uint64_t loaded = read_process_rss_bytes();
        e->unload_all();
        const uint64_t after = read_process_rss_bytes();
        qInfo("RSS before %.0f MiB, loaded %.0f MiB, after unload_all %.0f MiB", before / kMiB,
              loaded / kMiB, after / kMiB);
        QVERIFY(loaded > before + (1500ull << 20));  // the weights were really there
        QVERIFY(loaded - after > (1400ull << 20));   // and most of them are gone again
    }
};

QTEST_GUILESS_MAIN(TestEngineStreaming)
#include "tst_engine_streaming.moc"

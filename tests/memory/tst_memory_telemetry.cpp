// Telemetry and the gpu/ pieces that work without a device: MemorySampler on the CPU (RSS > 0,
// monotonic peaks, clean stop, no callback after destruction), PinnedHostArena packing with an
// injected allocator, NVML and the CUDA stream device failing gracefully without a driver.
#include <QtTest>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include "core/memory/host_memory.h"
#include "core/memory/memory_sampler.h"
#include "gpu/cuda_stream_device.h"
#include "gpu/device_query.h"
#include "gpu/nvml_library.h"
#include "gpu/pinned_host_arena.h"

using namespace kinema;
using namespace std::chrono_literals;

class TestMemoryTelemetry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void host_readings() {
        QVERIFY(read_process_rss_bytes() > 0);
        const auto host = read_host_memory();
        QVERIFY(host.total_bytes > 0);
        QVERIFY(host.available_bytes <= host.total_bytes);
    }

    void sampler_reports_and_stops() {
        std::mutex m;
        std::vector<MemorySample> seen;
        std::atomic<int> annotate_calls{0};
        MemorySamplerOptions o;
        o.interval = 10ms;
        o.device = 0;  // no device here: has_device stays false
        o.device_budget_bytes = 123;
        o.allocator_stats = [](AllocatorStats& a) {
            a.allocated_bytes = 7;
            a.reserved_bytes = 9;
            return true;
        };
        o.annotate = [&](MemorySample& s) {
            s.resident_weight_bytes = 42;
            ++annotate_calls;
        };
        o.on_sample = [&](const MemorySample& s) {
            std::lock_guard<std::mutex> lock(m);
            seen.push_back(s);
        };
        MemorySampler sampler(o);
        sampler.start();
        QVERIFY(sampler.running());
        QTRY_VERIFY_WITH_TIMEOUT(sampler.samples_taken() >= 4, 10000);
        // Grow the RSS by 96 MiB (touched pages) while it runs.
        const uint64_t before = sampler.latest().peak_host_rss_bytes;
        std::vector<char> ballast(96u << 20);
        std::memset(ballast.data(), 1, ballast.size());
        const uint64_t target = before + (64u << 20);
        QTRY_VERIFY_WITH_TIMEOUT(sampler.latest().peak_host_rss_bytes >= target, 10000);
        sampler.stop();
        QVERIFY(!sampler.running());
        const uint64_t count = sampler.samples_taken();
        std::this_thread::sleep_for(60ms);
        QCOMPARE(sampler.samples_taken(), count);  // stopped: nothing more

        std::lock_guard<std::mutex> lock(m);
        QVERIFY(seen.size() >= 5);
        uint64_t peak = 0, rss_peak = 0;
        double t = -1;
        for (const auto& s : seen) {
            QVERIFY(s.host_rss_bytes > 0);
            QVERIFY(s.host_total_bytes > 0);
            QVERIFY(s.peak_host_rss_bytes >= s.host_rss_bytes);
            QVERIFY(s.peak_host_rss_bytes >= rss_peak);  // monotonic
            QVERIFY(s.peak_device_bytes >= peak);
            QVERIFY(s.time_s >= t);
            rss_peak = s.peak_host_rss_bytes;
            peak = s.peak_device_bytes;
            t = s.time_s;
            QCOMPARE(s.allocator_allocated_bytes, uint64_t(7));
            QCOMPARE(s.allocator_reserved_bytes, uint64_t(9));
            QCOMPARE(s.resident_weight_bytes, uint64_t(42));
            QCOMPARE(s.device_budget_bytes, uint64_t(123));
            if (gpu::probe_cuda_devices().devices.empty()) QVERIFY(!s.has_device);
        }
        QCOMPARE(uint64_t(annotate_calls.load()), count);
        QVERIFY(ballast[12345] == 1);
    }

    void destruction_stops_the_thread() {
        auto calls = std::make_shared<std::atomic<int>>(0);
        {
            MemorySamplerOptions o;
            o.interval = 5ms;
            o.device = -1;
            o.on_sample = [calls](const MemorySample&) { ++*calls; };
            MemorySampler sampler(o);
            sampler.start();
            sampler.start();  // no second thread
            QTRY_VERIFY_WITH_TIMEOUT(calls->load() >= 3, 10000);
        }
        const int after = calls->load();
        std::this_thread::sleep_for(40ms);
        QCOMPARE(calls->load(), after);
    }

    void pinned_arena_packs_blocks() {
        std::vector<std::pair<void*, uint64_t>> chunks;
        auto alloc = [&](uint64_t bytes) -> Result<void*> {
            void* p = std::aligned_alloc(4096, bytes);
            if (!p) return make_error(ErrorKind::OutOfMemory, "test");
            chunks.push_back({p, bytes});
            return p;
        };
        int frees = 0;
        {
            gpu::PinnedHostArena arena(1u << 20, alloc, [&](void* p) {
                ++frees;
                std::free(p);
            });
            auto a = arena.allocate(300000);
            auto b = arena.allocate(300000);
            auto c = arena.allocate(300000);
            QVERIFY(a.ok() && b.ok() && c.ok());
            QCOMPARE(arena.chunk_count(), size_t(1));  // 3 x 296 KiB fit one 1 MiB chunk
            QCOMPARE(reinterpret_cast<uintptr_t>(*b) - reinterpret_cast<uintptr_t>(*a),
                     uintptr_t(303104));
            QCOMPARE(reinterpret_cast<uintptr_t>(*b) % 4096, uintptr_t(0));
            auto d = arena.allocate(300000);  // does not fit: a new chunk
            QCOMPARE(arena.chunk_count(), size_t(2));
            auto big = arena.allocate(3u << 20);  // dedicated, rounded to 2 MiB
            QVERIFY(big.ok() && d.ok());
            QCOMPARE(chunks.back().second, uint64_t(4u << 20));
            auto e = arena.allocate(100000);  // still packs into the second small chunk
            QVERIFY(e.ok());
            QCOMPARE(arena.chunk_count(), size_t(3));
            QCOMPARE(arena.reserved_bytes(), uint64_t((1u << 20) * 2 + (4u << 20)));
            std::memset(*big, 0, 3u << 20);
            QVERIFY(!arena.allocate(0).ok());
        }
        QCOMPARE(frees, 3);
    }

    void no_driver_is_reported_not_thrown() {
        gpu::NvmlLibrary nvml;
        uint64_t used = 0, total = 0;
        if (!nvml.available()) {
            QVERIFY(!nvml.reason().empty());
            QVERIFY(!nvml.process_used_bytes(1, used));
            QVERIFY(!nvml.device_memory(0, total, used));
        }
        const auto probe = gpu::probe_cuda_devices();
        if (probe.devices.empty()) {
            auto dev = gpu::CudaStreamDevice::create(0, nullptr, {});
            QVERIFY(!dev.ok());
            QVERIFY(dev.error().kind == ErrorKind::Cuda ||
                    dev.error().kind == ErrorKind::Unsupported);
            gpu::PinnedHostArena arena;
            auto span = arena.allocate(4096);
            QVERIFY(!span.ok());
        }
    }
};

QTEST_GUILESS_MAIN(TestMemoryTelemetry)
#include "tst_memory_telemetry.moc"

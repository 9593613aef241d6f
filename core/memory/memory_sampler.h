// MemorySampler: the memory telemetry of one run (issue 5; the GUI's VRAM gauge draws it). A
// background thread samples about four times a second: device total/free (cudaMemGetInfo through
// gpu/), this process's device usage (NVML, loaded with dlopen; absent -> has_process_device =
// false), caching-allocator allocated/reserved (through an optional provider, because only a CUDA
// libtorch has them), host RSS (/proc/self/statm) and the run's peaks.
//
// Ownership and threads: owned by the run (the engine's generate()); start() spawns the thread,
// stop() and the destructor join it, so no callback runs after stop() returns. `on_sample` and the
// providers are called ON THE SAMPLER THREAD; they must be quick and thread-safe. To keep the
// request's callbacks on the engine's worker thread, poll latest() between steps instead.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "core/memory/memory_sample.h"

namespace kinema {

struct AllocatorStats {
    uint64_t allocated_bytes = 0;
    uint64_t reserved_bytes = 0;
};

struct MemorySamplerOptions {
    std::chrono::milliseconds interval{250};
    int device = 0;  // CUDA device index; < 0: host only
    bool use_nvml = true;
    uint64_t device_budget_bytes = 0;  // total - preservation, copied into every sample
    std::function<bool(AllocatorStats&)> allocator_stats;  // optional; false = unavailable
    std::function<void(MemorySample&)> annotate;  // optional: plan numbers (resident, ring bytes)
    std::function<void(const MemorySample&)> on_sample;  // optional; sampler thread
};

class MemorySampler {
public:
    explicit MemorySampler(MemorySamplerOptions options);
    ~MemorySampler();  // stop()
    MemorySampler(const MemorySampler&) = delete;
    MemorySampler& operator=(const MemorySampler&) = delete;

    // Takes a first sample synchronously, then starts the thread. No-op when running.
    void start();
    // Stops and joins the thread (takes a last sample). Idempotent.
    void stop();
    bool running() const;

    // Thread-safe.
    MemorySample latest() const;
    uint64_t samples_taken() const;

    // One reading now, on the calling thread, updating the peaks (what the thread does).
    MemorySample sample_now();

private:
    void run();

    MemorySamplerOptions options_;
    std::chrono::steady_clock::time_point start_time_;
    mutable std::mutex mutex_;  // guards latest_, samples_, peaks, stop_requested_
    std::mutex sample_mutex_;   // one sample_now() at a time (thread vs owner)
    std::condition_variable wake_;
    bool stop_requested_ = false;
    std::thread thread_;
    MemorySample latest_;
    uint64_t samples_ = 0;
    uint64_t peak_device_ = 0, peak_rss_ = 0;
    int device_state_ = 0;  // 0 unknown, 1 answers, -1 no device (not asked again)
    struct Nvml;
    Nvml* nvml_ = nullptr;  // owned; created on first use
};

}  // namespace kinema

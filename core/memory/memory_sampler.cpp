#include "core/memory/memory_sampler.h"

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <utility>

#include "core/memory/host_memory.h"
#include "gpu/device_query.h"
#include "gpu/nvml_library.h"

namespace kinema {

struct MemorySampler::Nvml {
    gpu::NvmlLibrary library;
};

MemorySampler::MemorySampler(MemorySamplerOptions options) : options_(std::move(options)) {
    if (options_.interval.count() <= 0) options_.interval = std::chrono::milliseconds(250);
    start_time_ = std::chrono::steady_clock::now();
}

MemorySampler::~MemorySampler() {
    stop();
    delete nvml_;
}

void MemorySampler::start() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (thread_.joinable()) return;
        stop_requested_ = false;
    }
    start_time_ = std::chrono::steady_clock::now();
    sample_now();
    thread_ = std::thread([this] { run(); });
}

void MemorySampler::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!thread_.joinable()) return;
        stop_requested_ = true;
    }
    wake_.notify_all();
    thread_.join();
    sample_now();  // the final reading, so the peaks include the end of the run
}

bool MemorySampler::running() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return thread_.joinable() && !stop_requested_;
}

MemorySample MemorySampler::latest() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return latest_;
}

uint64_t MemorySampler::samples_taken() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return samples_;
}

void MemorySampler::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_requested_) {
        if (wake_.wait_for(lock, options_.interval, [this] { return stop_requested_; })) break;
        lock.unlock();
        sample_now();
        lock.lock();
    }
}

MemorySample MemorySampler::sample_now() {
    std::lock_guard<std::mutex> one_at_a_time(sample_mutex_);
    MemorySample s;
    s.time_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time_).count();
    // The readings run without mutex_ (they may take a moment), so latest() never waits on them.
    if (options_.device >= 0 && device_state_ >= 0) {
        uint64_t free_bytes = 0, total_bytes = 0;
        if (gpu::query_device_memory(options_.device, free_bytes, total_bytes)) {
            device_state_ = 1;
            s.has_device = true;
            s.device_free_bytes = free_bytes;
            s.device_total_bytes = total_bytes;
        } else if (device_state_ == 0) {
            device_state_ = -1;  // no device: do not ask the runtime four times a second
        }
    }
    if (s.has_device && options_.use_nvml) {
        if (!nvml_) nvml_ = new Nvml;
        uint64_t used = 0;
        if (nvml_->library.available() &&
            nvml_->library.process_used_bytes(static_cast<unsigned>(getpid()), used)) {
            s.has_process_device = true;
            s.process_device_bytes = used;
        }
    }
    if (options_.allocator_stats) {
        AllocatorStats a;
        if (options_.allocator_stats(a)) {
            s.allocator_allocated_bytes = a.allocated_bytes;
            s.allocator_reserved_bytes = a.reserved_bytes;
        }
    }
    s.device_budget_bytes = options_.device_budget_bytes;
    s.host_rss_bytes = read_process_rss_bytes();
    s.host_total_bytes = read_host_memory().total_bytes;
    if (options_.annotate) options_.annotate(s);

    const uint64_t device_use = s.has_process_device ? s.process_device_bytes
                                : s.has_device       ? s.device_total_bytes - s.device_free_bytes
                                                     : 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        peak_device_ = std::max(peak_device_, device_use);
        peak_rss_ = std::max(peak_rss_, s.host_rss_bytes);
        s.peak_device_bytes = peak_device_;
        s.peak_host_rss_bytes = peak_rss_;
        latest_ = s;
        ++samples_;
    }
    if (options_.on_sample) options_.on_sample(s);
    return s;
}

}  // namespace kinema

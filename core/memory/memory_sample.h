// MemorySample: one reading of the memory telemetry (core/memory), delivered through a request's
// `memory` callback about four times a second. Plain value; every size is in bytes; a field that
// cannot be measured on this machine is 0 and its `has_*` flag says so.
#pragma once

#include <cstdint>

namespace kinema {

struct MemorySample {
    double time_s = 0.0;                     // seconds since the run started
    bool has_device = false;                 // a CUDA device is in use
    uint64_t device_total_bytes = 0;         // cudaMemGetInfo total
    uint64_t device_free_bytes = 0;          // cudaMemGetInfo free
    bool has_process_device = false;         // NVML answered for this process
    uint64_t process_device_bytes = 0;       // NVML: this process's usage on the device
    uint64_t allocator_allocated_bytes = 0;  // caching allocator: live tensors
    uint64_t allocator_reserved_bytes = 0;   // caching allocator: reserved segments
    uint64_t resident_weight_bytes = 0;      // weights kept on the device by the plan
    uint64_t streaming_ring_bytes = 0;       // the two-slot ring of streamed blocks
    uint64_t device_budget_bytes = 0;        // total - preservation; 0 when unknown
    uint64_t host_rss_bytes = 0;             // /proc/self/statm resident set
    uint64_t host_total_bytes = 0;           // physical RAM
    uint64_t peak_device_bytes = 0;          // the run's peak of device usage so far
    uint64_t peak_host_rss_bytes = 0;        // the run's peak RSS so far
};

}  // namespace kinema

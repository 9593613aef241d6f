// HostStreamDevice: BlockStreamer's Device (core/memory/block_streamer.h) for running the REAL
// streamed DiT on the CPU. "Device" buffers are 64-byte aligned host allocations accounted against
// a virtual capacity (the VRAM budget being emulated): an allocation beyond it fails with
// OutOfMemory, and used/peak bytes are tracked. Copies are synchronous memcpys from the blocks'
// host copies (what CUDA does asynchronously on the copy stream), so the data a block computes on
// went through exactly the schedule a GPU run uses. Events carry only a failure flag. Fault
// injection: asynchronous copy number `fail_copy_index` copies half its bytes and fails (sticky,
// like a CUDA fault); the first compute wait on it returns ErrorKind::Cuda. Allocation number
// `fail_allocation_index` fails with OutOfMemory. Optional trace (tests): "upload <block>", "copy
// <block> -> slot-buffer <id>", "wait <event>". Thread: single-threaded, like the streamer it
// serves.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "gpu/cuda_stream_device.h"

namespace kinema {

struct HostStreamDeviceConfig {
    uint64_t capacity_bytes = 8ull << 30;
    int64_t fail_copy_index = -1;               // 0-based asynchronous copy that fails; -1: none
    int64_t fail_allocation_index = -1;         // 0-based allocation that fails; -1: none
    std::vector<std::string>* trace = nullptr;  // appended to when set; not owned
};

class HostStreamDevice {
public:
    struct Buffer {
        void* ptr = nullptr;
        uint64_t bytes = 0;
        uint64_t id = 0;
    };
    struct Event {
        uint64_t id = 0;
    };

    // `host_blocks[i]`: block i's host copy (what upload/copy_async read). Not owned.
    HostStreamDevice(HostStreamDeviceConfig config, std::vector<gpu::HostBlockView> host_blocks);
    ~HostStreamDevice();
    HostStreamDevice(const HostStreamDevice&) = delete;
    HostStreamDevice& operator=(const HostStreamDevice&) = delete;

    // --- BlockStreamer's Device requirements ---
    Result<Buffer> allocate(uint64_t bytes);
    void release(Buffer& buffer);
    Result<Event> create_event();
    void destroy_event(Event& event);
    Status upload(size_t block, const Buffer& dst);
    Status copy_async(size_t block, const Buffer& dst);
    Status record_on_copy(Event& event);
    Status record_on_compute(Event& event);
    Status copy_waits(const Event& event);
    Status compute_waits(const Event& event);
    Status synchronize();

    // --- extras ---
    uint64_t free_bytes() const { return config_.capacity_bytes - used_bytes_; }
    uint64_t capacity_bytes() const { return config_.capacity_bytes; }
    uint64_t used_bytes() const { return used_bytes_; }
    uint64_t peak_bytes() const { return peak_bytes_; }
    uint64_t allocation_count() const { return allocation_count_; }
    uint64_t async_copies() const { return copies_; }
    uint64_t bytes_copied() const { return bytes_copied_; }
    double copy_busy_s() const { return copy_busy_s_; }  // wall time of the async copies
    void reset_peak() { peak_bytes_ = used_bytes_; }

private:
    Status copy(size_t block, const Buffer& dst, const char* what);
    void note(const std::string& line);

    HostStreamDeviceConfig config_;
    std::vector<gpu::HostBlockView> host_blocks_;
    std::map<uint64_t, void*> buffers_;  // id -> allocation
    std::map<uint64_t, bool> events_;    // id -> failed
    uint64_t next_id_ = 1;
    uint64_t used_bytes_ = 0, peak_bytes_ = 0, allocation_count_ = 0, copies_ = 0,
             bytes_copied_ = 0;
    double copy_busy_s_ = 0;
    bool copy_failed_ = false;
    std::string failure_;
};

}  // namespace kinema

// SimulatedDevice: a discrete-event model of one GPU for testing BlockStreamer and the planner on
// machines without one. It satisfies BlockStreamer's Device requirements.
//
// Model: two in-order streams (compute, copy) and a host clock. An operation enqueued on a stream
// starts at max(host clock, the stream's tail, every event the stream was told to wait for) and
// ends after its duration; recording an event stamps it with the stream's tail (exactly CUDA's
// semantics for in-order streams). Copies take latency + bytes / bandwidth. Device memory is a
// virtual pool of `capacity_bytes`: an allocation beyond it fails with OutOfMemory; peaks are
// tracked. It also checks the data hazards a wrong schedule would cause: reading a buffer before
// its copy finished (RAW) and overwriting a buffer before its last reader finished (WAR).
// Fault injection: copy number `fail_copy_index` fails (a sticky error, like a CUDA fault); the
// first stream wait or synchronize that depends on it returns ErrorKind::Cuda.
// Thread: single-threaded, like the streamer it serves.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace kinema {

struct SimulatedDeviceConfig {
    uint64_t capacity_bytes = 8ull << 30;
    double bandwidth_bytes_per_s = 24e9;
    double latency_s = 10e-6;
    int64_t fail_copy_index = -1;  // 0-based index of the asynchronous copy that fails; -1: none
};

class SimulatedDevice {
public:
    struct Buffer {
        uint64_t id = 0;
        uint64_t bytes = 0;
    };
    struct Event {
        uint64_t id = 0;
    };

    // `host_block_bytes[i]` is the size of block i's host copy (what upload/copy_async move).
    SimulatedDevice(SimulatedDeviceConfig config, std::vector<uint64_t> host_block_bytes);

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

    // --- for compute callbacks and the host loop ---
    // Enqueues `seconds` of compute that reads `weights` (hazard-checked) on the compute stream.
    Status compute(double seconds, const Buffer& weights);
    void host_wait_compute();        // host blocks until the compute stream is idle (a .item())
    void host_work(double seconds);  // host-side work between steps
    uint64_t free_bytes() const { return config_.capacity_bytes - used_bytes_; }

    // --- measurements ---
    double host_now_s() const { return host_now_; }
    double compute_tail_s() const { return compute_tail_; }
    uint64_t used_bytes() const { return used_bytes_; }
    uint64_t peak_bytes() const { return peak_bytes_; }
    uint64_t allocation_count() const { return allocation_count_; }
    uint64_t async_copies() const { return copies_; }
    uint64_t bytes_copied() const { return bytes_copied_; }
    double copy_busy_s() const { return copy_busy_s_; }
    double compute_busy_s() const { return compute_busy_s_; }
    uint64_t hazards() const { return hazards_; }
    const std::vector<std::string>& hazard_log() const { return hazard_log_; }
    void reset_peak() { peak_bytes_ = used_bytes_; }

private:
    struct BufferState {
        uint64_t bytes = 0;
        double data_ready = 0;  // end of the last write
        double last_read = 0;   // end of the last read
    };
    struct EventState {
        double time = 0;
        bool failed = false;
        std::string failure;
    };
    double copy_seconds(uint64_t bytes) const;
    Status check_buffer(const Buffer& b, const char* what) const;
    void hazard(std::string what);

    SimulatedDeviceConfig config_;
    std::vector<uint64_t> host_block_bytes_;
    std::map<uint64_t, BufferState> buffers_;
    std::map<uint64_t, EventState> events_;
    uint64_t next_id_ = 1;
    double host_now_ = 0, compute_tail_ = 0, copy_tail_ = 0;
    bool copy_stream_failed_ = false, compute_stream_failed_ = false;
    std::string failure_;
    uint64_t used_bytes_ = 0, peak_bytes_ = 0, allocation_count_ = 0;
    uint64_t copies_ = 0, bytes_copied_ = 0, hazards_ = 0;
    double copy_busy_s_ = 0, compute_busy_s_ = 0;
    std::vector<std::string> hazard_log_;
};

}  // namespace kinema

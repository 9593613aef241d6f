// CudaStreamDevice: the real device behind BlockStreamer<Device> (core/memory/block_streamer.h)
// in CUDA builds. It owns one non-blocking copy stream; the compute stream is the caller's (the
// cudaStream_t libtorch runs the model on, passed as void*). Device buffers come from cudaMalloc
// (the ring and resident blocks are allocated once per plan, so the caching allocator buys
// nothing); host copies of the blocks are spans of a PinnedHostArena, so cudaMemcpyAsync really
// is asynchronous. Events are created with cudaEventDisableTiming. Only stream-ordered waits
// (cudaStreamWaitEvent); the host blocks only in upload() and synchronize().
// No CUDA type appears here, so core/ can instantiate BlockStreamer<CudaStreamDevice> with a
// plain C++ compiler; in a build without CUDA, create() returns Unsupported.
// Thread: the thread that drives the streamer (the engine's worker).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/result.h"

namespace kinema::gpu {

// Block i's host copy: pinned memory (PinnedHostArena), `size_bytes` long.
struct HostBlockView {
    const void* data = nullptr;
    uint64_t size_bytes = 0;
};

class CudaStreamDevice {
public:
    struct Buffer {
        void* ptr = nullptr;
        uint64_t bytes = 0;
    };
    struct Event {
        void* handle = nullptr;  // cudaEvent_t
    };

    // Sets `device` current, creates the copy stream. `compute_stream`: a cudaStream_t, nullptr
    // for the legacy default stream.
    static Result<std::unique_ptr<CudaStreamDevice>> create(int device, void* compute_stream,
                                                            std::vector<HostBlockView> host_blocks);
    ~CudaStreamDevice();
    CudaStreamDevice(const CudaStreamDevice&) = delete;
    CudaStreamDevice& operator=(const CudaStreamDevice&) = delete;

    // --- BlockStreamer's Device requirements ---
    Result<Buffer> allocate(uint64_t bytes);  // OutOfMemory on cudaErrorMemoryAllocation
    void release(Buffer& buffer);
    Result<Event> create_event();
    void destroy_event(Event& event);
    Status upload(size_t block, const Buffer& dst);      // copy stream, then waits for it
    Status copy_async(size_t block, const Buffer& dst);  // copy stream
    Status record_on_copy(Event& event);
    Status record_on_compute(Event& event);
    Status copy_waits(const Event& event);
    Status compute_waits(const Event& event);
    Status synchronize();  // both streams

    // --- extras ---
    uint64_t free_bytes() const;  // cudaMemGetInfo free
    // Busy-waits `seconds` on the compute stream (one thread, %globaltimer): the benchmark's
    // stand-in for a block's compute, so copy/compute overlap is measured on real PCIe.
    Status enqueue_busy_wait(double seconds);
    // Host-side timing of the compute stream: records a timing event now / seconds between two.
    Result<Event> record_timing_event();
    Result<double> elapsed_s(const Event& start, const Event& end);
    void* compute_stream() const { return compute_stream_; }
    void* copy_stream() const { return copy_stream_; }

private:
    CudaStreamDevice() = default;
    int device_ = 0;
    void* compute_stream_ = nullptr;
    void* copy_stream_ = nullptr;
    std::vector<HostBlockView> host_blocks_;
};

}  // namespace kinema::gpu

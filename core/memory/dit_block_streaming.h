// DitBlockStreaming: runs the real HyMotionMmdit with its transformer blocks streamed under a
// ResidencyPlan (issue 5). Construction moves every DiT weight into a host arena
// (DitWeightArena: one contiguous 4 KiB-aligned span per plan block, each tensor 64-byte aligned
// inside it; CUDA: pinned chunks, CPU: aligned host chunks) and frees the model's own tensors.
// Then a BlockStreamer (block_streamer.h, the schedule the simulated-device tests verify)
// allocates, once: the head and the resident blocks (uploaded, the model's slots bound to views
// of them for good) and a two-slot ring sized to the largest streamed block. For each streamed
// block, views of its tensors into BOTH ring slots are built once; before the block runs its
// slots are pointed at the views of the slot its copy went to (no allocation in the sampling
// loop), and the next block's copy is issued as soon as its compute is enqueued; the first block
// of the next forward is prefetched at the end of a forward.
//
// Devices: CUDA (gpu::CudaStreamDevice: copy stream + events; compile-only without CUDA) or the
// CPU (HostStreamDevice: synchronous copies through the same schedule, device bytes accounted
// against the plan's weight budget). TeaCache's indicator (double block 0's motion modulation)
// gets a small resident copy when block 0 streams.
//
// Out of memory (a device allocation, or an activation while a block computes): release the
// streamer and the caller's caches, re-plan with every block streamed, prepare, re-run the block
// stack once; reported through `report`. Other failures (e.g. a failed copy, ErrorKind::Cuda)
// abort the forward; last_error() keeps the typed cause (the model's callers only see c10::Error).
//
// Thread: the engine's worker thread. The model must outlive this object; destruction restores
// the model's own weight tensors (unless abandon_model() was called) and uninstalls the hook.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/memory/block_model.h"
#include "core/memory/residency_planner.h"
#include "core/model/dit_block_hook.h"
#include "core/result.h"

namespace kinema {

class HyMotionMmdit;

struct DitStreamingOptions {
    uint64_t free_vram_bytes = 8ull << 30;  // what the DiT may use (CPU: the emulated VRAM)
    uint64_t preserve_bytes = 6ull << 30;   // P (FramePack semantics)
    PlanPolicy policy = PlanPolicy::MaxResident;
    DitWorkload workload;  // for activation and compute estimates
    double flops_per_s = 20e12;
    LinkModel link;
    bool cuda = false;  // false: HostStreamDevice on the CPU
    int cuda_device = 0;
    void* cuda_stream = nullptr;  // the compute stream (cudaStream_t), null: default
    // Fault injection (tests, debugging).
    int64_t inject_copy_failure_at = -1;        // asynchronous copy index that fails (CPU device)
    int64_t inject_oom_at_block_visit = -1;     // this block visit (0-based, over all forwards)
                                                // throws OutOfMemory once, like an activation would
    std::vector<std::string>* trace = nullptr;  // CPU device: copies, waits, "compute <block>"
    std::function<void()> release_caches;       // called before re-planning after an OOM
    std::function<void(const std::string&)> report;  // fallback reports
};

struct DitStreamingStats {
    uint64_t forwards = 0;
    uint64_t bytes_copied = 0;  // asynchronous copies so far
    uint64_t streamed_bytes_per_forward = 0;
    uint64_t resident_bytes = 0;  // head + resident blocks on the device
    uint64_t ring_bytes = 0;
    uint64_t device_budget_bytes = 0;  // the plan's weight budget (CPU: device capacity)
    uint64_t device_peak_bytes = 0;    // CPU device: accounted peak; CUDA: 0 (use NVML)
    uint64_t host_arena_bytes = 0;
    double copy_busy_s = 0;  // CPU device: wall time of all copies; CUDA: 0
    int streamed_blocks = 0, resident_blocks = 0;
    int fallbacks = 0;
    std::vector<std::string> reports;
};

class DitBlockStreaming : public DitBlockHook {
public:
    // Plans, moves the weights into the host arena, prepares the streamer and installs itself as
    // `dit`'s block hook. The weights must be on the CPU. On error the model is left as it was.
    static Result<std::unique_ptr<DitBlockStreaming>> create(HyMotionMmdit& dit,
                                                             const DitStreamingOptions& options);
    ~DitBlockStreaming() override = default;

    virtual const ResidencyPlan& plan() const = 0;
    virtual DitStreamingStats stats() const = 0;
    // The typed cause of the last failure thrown through the model (cleared by clear_error()).
    virtual std::optional<Error> last_error() const = 0;
    virtual void clear_error() = 0;
    // Destruction will leave the model's weight slots empty instead of restoring them (the model
    // is being destroyed too).
    virtual void abandon_model() = 0;
};

}  // namespace kinema

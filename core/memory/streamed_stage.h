// StreamedStage<Device>: one pipeline stage (the DiT, or the text encoders) executed under a
// residency plan by a BlockStreamer, with the out-of-memory policy of issue 5: when preparing or a
// forward fails with OutOfMemory, release everything (and the caller's caches through
// `release_caches`), re-plan with more streaming (StreamAll at the free memory the device reports
// now), prepare again and retry ONCE; a second OutOfMemory is returned. Each fallback is reported.
// Device: BlockStreamer's requirements plus `uint64_t free_bytes()`. Thread: the driving thread.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/memory/block_streamer.h"
#include "core/memory/residency_planner.h"

namespace kinema {

// The streamer's view of a plan (same block indices).
inline std::vector<StreamerBlock> streamer_blocks(const ResidencyPlan& plan) {
    std::vector<StreamerBlock> out;
    out.reserve(plan.blocks.size());
    for (const auto& b : plan.blocks)
        out.push_back({b.size_bytes, b.where == Residency::Streamed, b.where == Residency::Host});
    return out;
}

template <class Device>
class StreamedStage {
public:
    StreamedStage(Device& device, PlannerInput input, std::function<void()> release_caches = {})
        : device_(device),
          input_(std::move(input)),
          release_caches_(std::move(release_caches)),
          streamer_(device) {}

    Status prepare() {
        auto plan = plan_residency(input_);
        if (!plan) return plan.error();
        plan_ = std::move(*plan);
        Status st = streamer_.prepare(streamer_blocks(plan_));
        if (st.ok() || st.error().kind != ErrorKind::OutOfMemory) return st;
        return fall_back(st.error());
    }

    // One forward under the current plan; see the class comment for the OutOfMemory retry.
    template <class ComputeFn>
    Status forward(ComputeFn&& compute) {
        Status st = streamer_.run_forward(compute);
        if (st.ok() || st.error().kind != ErrorKind::OutOfMemory || retried_) return st;
        KINEMA_TRY_STATUS(fall_back(st.error()));
        return streamer_.run_forward(compute);
    }

    Status release() { return streamer_.release(); }

    const ResidencyPlan& plan() const { return plan_; }
    int fallbacks() const { return fallbacks_; }
    const std::vector<std::string>& reports() const { return reports_; }
    const BlockStreamer<Device>& streamer() const { return streamer_; }

private:
    Status fall_back(const Error& cause) {
        if (retried_) return cause;
        retried_ = true;
        (void)streamer_.release();
        if (release_caches_) release_caches_();
        PlannerInput next = input_;
        next.policy = PlanPolicy::StreamAll;
        next.free_vram_bytes = std::min<uint64_t>(input_.free_vram_bytes, device_.free_bytes());
        auto plan = plan_residency(next);
        if (!plan) return plan.error();
        if (!plan->feasible) return cause;
        reports_.push_back("out of memory (" + cause.message + "); retrying with " +
                           std::to_string(plan->streamed_count) + " streamed blocks instead of " +
                           std::to_string(plan_.streamed_count));
        plan_ = std::move(*plan);
        input_ = next;
        ++fallbacks_;
        return streamer_.prepare(streamer_blocks(plan_));
    }

    Device& device_;
    PlannerInput input_;
    std::function<void()> release_caches_;
    BlockStreamer<Device> streamer_;
    ResidencyPlan plan_;
    bool retried_ = false;
    int fallbacks_ = 0;
    std::vector<std::string> reports_;
};

}  // namespace kinema

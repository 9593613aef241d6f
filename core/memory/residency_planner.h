// plan_residency(): the residency planner of one stage (DESIGN "Memory and speed"). Given free
// VRAM, the user's preservation P (FramePack semantics: VRAM kept free for activations and other
// programs), the blocks with their sizes and compute, and the link, it chooses which blocks stay
// resident so that resident + two-slot ring <= free - max(P, activations), spreading the resident
// ones evenly between streamed ones so every copy overlaps compute. Pure function; any thread.
#pragma once

#include <cstdint>
#include <vector>

#include "core/memory/residency_plan.h"
#include "core/memory/weight_block.h"
#include "core/result.h"

namespace kinema {

// Pinned host arenas are allocated in chunks of this size (mmgp uses 2^28 too); a block larger
// than a chunk gets a chunk of its own size.
constexpr uint64_t kPinnedChunkBytes = 256ull << 20;

enum class PlanPolicy {
    MaxResident,  // as much resident as fits (max-speed): the fastest plan, ties -> fewer bytes
                  // moved
    Knee,         // the least residency within 2 % of the fastest plan (balanced)
    StreamAll,    // every streamable block streams (low-VRAM): the smallest footprint
};
const char* plan_policy_label(PlanPolicy policy);

struct PlannerInput {
    std::vector<WeightBlock> blocks;  // execution order (see block_model.h)
    uint64_t free_vram_bytes = 0;     // what the device has free for this stage
    uint64_t preserve_bytes = 0;      // P
    uint64_t activation_bytes = 0;    // activation_estimate.h
    double flops_per_s = 30e12;       // effective device throughput on these blocks
    LinkModel link;
    PlanPolicy policy = PlanPolicy::MaxResident;
};

// InvalidRequest on a non-positive bandwidth/throughput. An infeasible budget is not an error:
// the plan (streaming everything) comes back with feasible = false and a warning saying why.
Result<ResidencyPlan> plan_residency(const PlannerInput& input);

// The per-block model of BlockStreamer's schedule (prefetch the next streamed block while the
// current one computes, two slots, wrap-around prefetch across forwards) for `blocks` as placed.
// Returns the steady-state forward time; `first_forward_s` (optional) gets the cold first one.
double model_forward_time_s(const std::vector<BlockPlacement>& blocks, const LinkModel& link,
                            double* first_forward_s = nullptr);

// Arena bytes needed to hold `sizes` in kPinnedChunkBytes chunks (first fit, in order).
uint64_t pinned_arena_bytes(const std::vector<uint64_t>& sizes);

}  // namespace kinema

// ResidencyPlan: which weight blocks of one pipeline stage stay on the device, which stream from
// pinned host memory every forward, and what that costs (bytes, VRAM, RAM, time). Produced by
// plan_residency() (residency_planner.h); executed by BlockStreamer (block_streamer.h). Plain
// value.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/memory/weight_block.h"

namespace kinema {

// Host -> device link: sustained pinned H2D bandwidth and a fixed cost per copy.
struct LinkModel {
    double bandwidth_bytes_per_s = 24e9;  // PCIe 4.0 x16 pinned (offload-anchors §7.1)
    double latency_s = 10e-6;
};

enum class Residency { Resident, Streamed, Host };
const char* residency_label(Residency where);  // "resident", "streamed", "host"

struct BlockPlacement {
    std::string name;
    BlockRole role = BlockRole::Head;
    uint64_t size_bytes = 0;
    double compute_s = 0.0;  // estimated compute of this block per forward
    Residency where = Residency::Resident;
};

struct ResidencyPlan {
    std::vector<BlockPlacement> blocks;  // execution order
    bool feasible = false;               // false: even streaming everything does not fit
    std::vector<std::string> warnings;

    uint64_t free_vram_bytes = 0;
    uint64_t preserve_bytes = 0;            // the user's P
    uint64_t effective_preserve_bytes = 0;  // max(P, activations): never below what the run needs
    uint64_t weight_budget_bytes = 0;       // free - effective preservation: resident + ring
    uint64_t activation_bytes = 0;

    uint64_t resident_bytes = 0;     // every device-resident block, head included
    uint64_t streamed_bytes = 0;     // copied host -> device per forward
    uint64_t ring_slot_bytes = 0;    // largest streamed block
    uint64_t ring_bytes = 0;         // 2 slots
    uint64_t host_weight_bytes = 0;  // streamed + host-only blocks kept in RAM
    uint64_t pinned_bytes = 0;       // pinned arena holding the streamed blocks (chunk-rounded)
    uint64_t peak_vram_bytes = 0;    // resident + ring + activations
    int resident_count = 0;
    int streamed_count = 0;

    double compute_s = 0.0;   // one forward, all weights resident
    double transfer_s = 0.0;  // streamed bytes / bandwidth + per-copy latency
    double bound_s = 0.0;     // max(compute, streamed bytes / bandwidth): the lower bound
    double forward_s = 0.0;   // per-block overlap model of the two-slot ring, steady state
    double first_forward_extra_s = 0.0;  // cold start: the first copy is not hidden
    double upload_s = 0.0;               // one-time upload of the resident blocks

    // The knee (offload-anchors §7.3): resident bytes beyond knee_resident_bytes buy nothing
    // (R* = streamable - compute x bandwidth), and the VRAM at which that is reached.
    uint64_t knee_resident_bytes = 0;
    uint64_t knee_vram_bytes = 0;
};

}  // namespace kinema

// JSON views of the planner's results for `kinema-cli plan` / `bench` and the engine's logs.
// Sizes in bytes (integers) plus GiB (floats) for readers; times in seconds. Any thread.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "core/memory/pipeline_planner.h"
#include "core/memory/residency_plan.h"

namespace kinema {

// {"feasible", "resident_blocks": [...], "streamed_blocks": [...], "bytes_streamed_per_forward",
// ...}
nlohmann::json residency_plan_json(const ResidencyPlan& plan);

// {"profile", "stages": {"encoders", "dit"}, "peak_vram_bytes", "peak_ram_bytes", "will_fit", ...}
nlohmann::json pipeline_plan_json(const PipelinePlan& plan);

}  // namespace kinema

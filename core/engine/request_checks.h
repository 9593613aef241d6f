// The checks a GenerationRequest passes before the engine spends anything on it: the request's
// own ranges, the DiT dtype it asks for on this build, and a pre-flight memory estimate.
// Thread: any (pure functions of their arguments; preflight_memory reads /proc/meminfo and calls
// the request's log callback on the calling thread).
#pragma once

#include <c10/core/ScalarType.h>

#include "core/engine.h"
#include "core/engine/model_registry.h"
#include "core/result.h"

namespace kinema {

// InvalidRequest listing every out-of-range field ("duration_s must be in (0, 12]; ...").
Status validate_request(const GenerationRequest& request);

// The DiT weight dtype for a request on this (CPU) build: Quality Mode and Auto run fp32; fp16
// is Unsupported (libtorch has no CPU fp16 matrix multiply).
Result<at::ScalarType> dit_dtype(const GenerationRequest& request);

// Pre-flight memory estimate of the run on this machine: the plan's warnings go to the request's
// log before any sampling allocation. Only a plan that cannot fit in RAM is an error (OutOfMemory).
Status preflight_memory(const GenerationRequest& request, const LoadedModel& model,
                        at::ScalarType dtype, const GenerationCallbacks& callbacks);

}  // namespace kinema

// Page-locked ("pinned") host memory for asynchronous host->device copies: cudaHostAlloc in the
// CUDA build, an error in the no-CUDA stub. Used by PinnedHostArena, which allocates it in large
// chunks (never per tensor: PyTorch's pinned allocator rounds every request to a power of two).
// Thread-safe.
#pragma once

#include <cstdint>

#include "core/result.h"

namespace kinema::gpu {

// OutOfMemory when the OS refuses to pin that much; Unsupported in a build without CUDA; Cuda
// for other runtime errors (no driver).
Result<void*> pinned_host_alloc(uint64_t bytes);
void pinned_host_free(void* ptr);

}  // namespace kinema::gpu

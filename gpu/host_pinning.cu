#include <cuda_runtime.h>

#include <string>

#include "gpu/host_pinning.h"

namespace kinema::gpu {

Result<void*> pinned_host_alloc(uint64_t bytes) {
    void* ptr = nullptr;
    // Portable: usable from every context/device; no write-combining (we also read it back).
    const cudaError_t err = cudaHostAlloc(&ptr, bytes, cudaHostAllocPortable);
    if (err == cudaSuccess) return ptr;
    cudaGetLastError();  // clear the error state
    const ErrorKind kind =
        err == cudaErrorMemoryAllocation ? ErrorKind::OutOfMemory : ErrorKind::Cuda;
    return make_error(
        kind, "cudaHostAlloc(" + std::to_string(bytes) + " bytes): " + cudaGetErrorString(err));
}

void pinned_host_free(void* ptr) {
    if (ptr) cudaFreeHost(ptr);
}

}  // namespace kinema::gpu

// Built instead of device_query.cu when no CUDA toolkit is available.
#include "gpu/device_query.h"

namespace kinema::gpu {

CudaProbe probe_cuda_devices() {
    CudaProbe probe;
    probe.reason = "no CUDA device: this build of Kinema has no CUDA support (built without nvcc)";
    return probe;
}

bool query_device_memory(int, std::uint64_t&, std::uint64_t&) {
    return false;
}

}  // namespace kinema::gpu

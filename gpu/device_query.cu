#include "gpu/device_query.h"

#include <cuda_runtime.h>

namespace kinema::gpu {

CudaProbe probe_cuda_devices() {
    CudaProbe probe;
    probe.compiled_with_cuda = true;
    cudaRuntimeGetVersion(&probe.runtime_version);
    if (cudaDriverGetVersion(&probe.driver_version) != cudaSuccess) probe.driver_version = 0;
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess) {
        probe.reason = std::string("no CUDA device: ") + cudaGetErrorString(err);
        cudaGetLastError();  // clear the sticky error state
        return probe;
    }
    if (count == 0) {
        probe.reason = "no CUDA device: the driver reports none";
        return probe;
    }
    for (int i = 0; i < count; ++i) {
        cudaDeviceProp prop{};
        if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
        CudaDevice dev;
        dev.index = i;
        dev.name = prop.name;
        dev.compute_major = prop.major;
        dev.compute_minor = prop.minor;
        dev.total_bytes = prop.totalGlobalMem;
        std::uint64_t free_bytes = 0, total_bytes = 0;
        if (query_device_memory(i, free_bytes, total_bytes)) dev.free_bytes = free_bytes;
        probe.devices.push_back(dev);
    }
    return probe;
}

bool query_device_memory(int device, std::uint64_t& free_bytes, std::uint64_t& total_bytes) {
    int previous = 0;
    if (cudaGetDevice(&previous) != cudaSuccess) return false;
    if (cudaSetDevice(device) != cudaSuccess) return false;
    size_t f = 0, t = 0;
    const bool ok = cudaMemGetInfo(&f, &t) == cudaSuccess;
    cudaSetDevice(previous);
    free_bytes = f;
    total_bytes = t;
    return ok;
}

}  // namespace kinema::gpu

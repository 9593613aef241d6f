// CUDA device discovery for doctor, the planner and the VRAM gauge. No CUDA or Qt types leak out of
// here, so every layer can include it. Thread-safe: each call queries the runtime afresh.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kinema::gpu {

struct CudaDevice {
    int index = 0;
    std::string name;
    int compute_major = 0;
    int compute_minor = 0;
    std::uint64_t total_bytes = 0;
    std::uint64_t free_bytes = 0;  // cudaMemGetInfo at probe time
};

struct CudaProbe {
    bool compiled_with_cuda = false;  // false: gpu/ was built as the no-CUDA stub
    int runtime_version = 0;          // e.g. 13000
    int driver_version = 0;           // 0 when no driver is installed
    std::vector<CudaDevice> devices;
    std::string reason;  // why `devices` is empty ("no CUDA device", driver too old, ...)
};

// Never throws; every CUDA error becomes `reason` with an empty device list.
CudaProbe probe_cuda_devices();

// Free and total bytes of one device right now; false when unavailable.
bool query_device_memory(int device, std::uint64_t& free_bytes, std::uint64_t& total_bytes);

}  // namespace kinema::gpu

#include "gpu/nvml_library.h"

#include <dlfcn.h>

#include <vector>

namespace kinema::gpu {
namespace {

// The few NVML types used, declared here (nvml.h is not needed to build). Stable ABI.
using nvmlReturn_t = int;
using nvmlDevice_t = void*;
constexpr nvmlReturn_t kNvmlSuccess = 0;
constexpr nvmlReturn_t kNvmlInsufficientSize = 7;
constexpr unsigned long long kNvmlValueNotAvailable = ~0ull;

struct NvmlMemory {
    unsigned long long total, free, used;
};
struct NvmlProcessInfoV1 {
    unsigned int pid;
    unsigned long long used_gpu_memory;
};
struct NvmlProcessInfoV2 {  // also what _v3 fills
    unsigned int pid;
    unsigned long long used_gpu_memory;
    unsigned int gpu_instance_id;
    unsigned int compute_instance_id;
};

template <typename F>
F symbol(void* handle, const char* name) {
    return reinterpret_cast<F>(dlsym(handle, name));
}

}  // namespace

struct NvmlLibrary::Api {
    nvmlReturn_t (*init)() = nullptr;
    nvmlReturn_t (*shutdown)() = nullptr;
    nvmlReturn_t (*device_count)(unsigned int*) = nullptr;
    nvmlReturn_t (*handle_by_index)(unsigned int, nvmlDevice_t*) = nullptr;
    nvmlReturn_t (*memory_info)(nvmlDevice_t, NvmlMemory*) = nullptr;
    nvmlReturn_t (*processes_v2)(nvmlDevice_t, unsigned int*,
                                 NvmlProcessInfoV2*) = nullptr;  // _v3 or _v2
    nvmlReturn_t (*processes_v1)(nvmlDevice_t, unsigned int*, NvmlProcessInfoV1*) = nullptr;
};

NvmlLibrary::NvmlLibrary() {
    handle_ = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        reason_ = "libnvidia-ml.so.1 not found (no NVIDIA driver)";
        return;
    }
    api_ = new Api;
    api_->init = symbol<decltype(api_->init)>(handle_, "nvmlInit_v2");
    api_->shutdown = symbol<decltype(api_->shutdown)>(handle_, "nvmlShutdown");
    api_->device_count = symbol<decltype(api_->device_count)>(handle_, "nvmlDeviceGetCount_v2");
    api_->handle_by_index =
        symbol<decltype(api_->handle_by_index)>(handle_, "nvmlDeviceGetHandleByIndex_v2");
    api_->memory_info = symbol<decltype(api_->memory_info)>(handle_, "nvmlDeviceGetMemoryInfo");
    api_->processes_v2 =
        symbol<decltype(api_->processes_v2)>(handle_, "nvmlDeviceGetComputeRunningProcesses_v3");
    if (!api_->processes_v2)
        api_->processes_v2 = symbol<decltype(api_->processes_v2)>(
            handle_, "nvmlDeviceGetComputeRunningProcesses_v2");
    api_->processes_v1 =
        symbol<decltype(api_->processes_v1)>(handle_, "nvmlDeviceGetComputeRunningProcesses");
    if (!api_->init || !api_->shutdown || !api_->device_count || !api_->handle_by_index ||
        !api_->memory_info) {
        reason_ = "libnvidia-ml.so.1 lacks the NVML v2 entry points";
        return;
    }
    const nvmlReturn_t rc = api_->init();
    if (rc != kNvmlSuccess) {
        reason_ = "nvmlInit_v2 failed with code " + std::to_string(rc);
        return;
    }
    initialised_ = true;
}

NvmlLibrary::~NvmlLibrary() {
    if (initialised_) api_->shutdown();
    delete api_;
    if (handle_) dlclose(handle_);
}

bool NvmlLibrary::process_used_bytes(unsigned int pid, uint64_t& bytes) const {
    if (!initialised_ || (!api_->processes_v2 && !api_->processes_v1)) return false;
    unsigned int devices = 0;
    if (api_->device_count(&devices) != kNvmlSuccess) return false;
    bool found = false;
    uint64_t total = 0;
    for (unsigned int d = 0; d < devices; ++d) {
        nvmlDevice_t dev = nullptr;
        if (api_->handle_by_index(d, &dev) != kNvmlSuccess) continue;
        for (unsigned int capacity = 64; capacity <= 4096; capacity *= 4) {
            unsigned int count = capacity;
            nvmlReturn_t rc;
            if (api_->processes_v2) {
                std::vector<NvmlProcessInfoV2> infos(capacity);
                rc = api_->processes_v2(dev, &count, infos.data());
                if (rc == kNvmlSuccess) {
                    for (unsigned int i = 0; i < count; ++i) {
                        if (infos[i].pid != pid ||
                            infos[i].used_gpu_memory == kNvmlValueNotAvailable)
                            continue;
                        total += infos[i].used_gpu_memory;
                        found = true;
                    }
                }
            } else {
                std::vector<NvmlProcessInfoV1> infos(capacity);
                rc = api_->processes_v1(dev, &count, infos.data());
                if (rc == kNvmlSuccess) {
                    for (unsigned int i = 0; i < count; ++i) {
                        if (infos[i].pid != pid ||
                            infos[i].used_gpu_memory == kNvmlValueNotAvailable)
                            continue;
                        total += infos[i].used_gpu_memory;
                        found = true;
                    }
                }
            }
            if (rc != kNvmlInsufficientSize) break;
        }
    }
    bytes = total;
    return found;
}

bool NvmlLibrary::device_memory(unsigned int index, uint64_t& total_bytes,
                                uint64_t& used_bytes) const {
    if (!initialised_) return false;
    nvmlDevice_t dev = nullptr;
    if (api_->handle_by_index(index, &dev) != kNvmlSuccess) return false;
    NvmlMemory m{};
    if (api_->memory_info(dev, &m) != kNvmlSuccess) return false;
    total_bytes = m.total;
    used_bytes = m.used;
    return true;
}

}  // namespace kinema::gpu

// NvmlLibrary: NVML loaded at run time with dlopen("libnvidia-ml.so.1"), so Kinema neither links
// nor requires it. Used by the telemetry sampler for this process's device memory (what
// nvidia-smi shows: the CUDA context plus every allocation, not only libtorch's). Every failure
// (no driver, no library, a symbol missing, an NVML error) is reported as "unavailable", never
// thrown. Thread: NVML is thread-safe; one instance may be used from one thread at a time.
#pragma once

#include <cstdint>
#include <string>

namespace kinema::gpu {

class NvmlLibrary {
public:
    NvmlLibrary();  // loads and initialises; check available()
    ~NvmlLibrary();
    NvmlLibrary(const NvmlLibrary&) = delete;
    NvmlLibrary& operator=(const NvmlLibrary&) = delete;

    bool available() const { return initialised_; }
    const std::string& reason() const { return reason_; }  // why not available

    // Device memory used by process `pid`, summed over every GPU NVML sees (so the CUDA/NVML
    // index mapping does not matter). False when NVML cannot tell (e.g. WDDM reports "n/a").
    bool process_used_bytes(unsigned int pid, uint64_t& bytes) const;

    // Total and used memory of NVML device `index`.
    bool device_memory(unsigned int index, uint64_t& total_bytes, uint64_t& used_bytes) const;

private:
    struct Api;
    void* handle_ = nullptr;
    Api* api_ = nullptr;
    bool initialised_ = false;
    std::string reason_;
};

}  // namespace kinema::gpu

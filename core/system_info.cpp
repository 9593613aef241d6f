#include "core/system_info.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/version.h>

#include <dlfcn.h>
#include <link.h>

#include <regex>

#include "core/version.h"

namespace kinema {
namespace {

std::string blas_from_config(const std::string& config) {
    static const std::regex re("BLAS_INFO=([^,\\s]+)");
    std::smatch m;
    if (std::regex_search(config, m, re)) return m[1];
    return "unknown";
}

// Where the dynamic linker resolved libblas.so.3 (Debian's alternatives decide: openblas is ~20x
// faster than the reference BLAS).
std::string resolved_blas_library() {
    std::string found;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) -> int {
            const std::string name = info->dlpi_name ? info->dlpi_name : "";
            if (name.find("libblas") != std::string::npos ||
                name.find("libopenblas") != std::string::npos) {
                auto* out = static_cast<std::string*>(data);
                if (!out->empty()) *out += ";";
                *out += name;
            }
            return 0;
        },
        &found);
    if (found.empty()) return "not loaded";
    char resolved[4096];
    std::string out;
    size_t start = 0;
    while (start <= found.size()) {
        size_t end = found.find(';', start);
        if (end == std::string::npos) end = found.size();
        const std::string one = found.substr(start, end - start);
        if (!out.empty()) out += ";";
        out += realpath(one.c_str(), resolved) ? std::string(resolved) : one;
        start = end + 1;
    }
    return out;
}

}  // namespace

SystemInfo query_system_info() {
    SystemInfo info;
    info.kinema_version = KINEMA_VERSION_STRING;
    info.torch_version = TORCH_VERSION;
    info.blas = blas_from_config(at::show_config());
    info.blas_library = resolved_blas_library();
    info.intra_op_threads = at::get_num_threads();
    info.torch_has_cuda = at::hasCUDA();
    info.cuda = gpu::probe_cuda_devices();
    return info;
}

}  // namespace kinema

#include "core/model/parameter_registry.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <set>
#include <sstream>

namespace kinema {
namespace {

std::string shape_string(at::IntArrayRef shape) {
    std::ostringstream out;
    out << "[";
    for (size_t i = 0; i < shape.size(); ++i)
        out << (i ? ", " : "") << shape[i];
    out << "]";
    return out.str();
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void ParameterRegistry::add(std::string key, std::vector<int64_t> shape, at::Tensor* slot) {
    entries_.push_back(Entry{std::move(key), std::move(shape), slot});
}

int64_t ParameterRegistry::num_parameters() const {
    int64_t total = 0;
    for (const auto& e : entries_) {
        int64_t n = 1;
        for (auto d : e.shape)
            n *= d;
        total += n;
    }
    return total;
}

Status ParameterRegistry::bind(const std::map<std::string, at::Tensor>& tensors,
                               const std::string& prefix, const BindOptions& options) const {
    std::vector<std::string> missing, mismatched, unexpected;
    std::set<std::string> declared;
    for (const auto& e : entries_) {
        declared.insert(prefix + e.key);
        auto it = tensors.find(prefix + e.key);
        if (it == tensors.end()) {
            missing.push_back(prefix + e.key);
            continue;
        }
        if (it->second.sizes() != at::IntArrayRef(e.shape)) {
            mismatched.push_back(prefix + e.key + ": got " + shape_string(it->second.sizes()) +
                                 ", expected " + shape_string(e.shape));
        }
    }
    if (!options.allow_unexpected) {
        for (const auto& [key, tensor] : tensors) {
            if (key.rfind(prefix, 0) == 0 && !declared.count(key)) unexpected.push_back(key);
        }
    }
    if (!missing.empty() || !mismatched.empty() || !unexpected.empty()) {
        std::ostringstream out;
        out << "weights do not match the model config (" << missing.size() << " missing, "
            << mismatched.size() << " mis-shaped, " << unexpected.size() << " unexpected)";
        for (const auto& m : mismatched)
            out << "\n  shape " << m;
        for (const auto& m : missing)
            out << "\n  missing " << m;
        for (const auto& u : unexpected)
            out << "\n  unexpected " << u;
        const bool shapes_only = missing.empty() && unexpected.empty();
        return make_error(shapes_only ? ErrorKind::ShapeMismatch : ErrorKind::BadModelFile,
                          out.str());
    }
    try {
        for (const auto& e : entries_) {
            const at::Tensor& src = tensors.at(prefix + e.key);
            // Always copy: sources may be read-only views into a memory-mapped file.
            *e.slot = src.to(options.device, options.dtype, /*non_blocking=*/false, /*copy=*/true)
                          .contiguous();
        }
    } catch (const c10::Error& err) {
        const std::string what = err.what_without_backtrace();
        const bool oom = what.find("out of memory") != std::string::npos ||
                         what.find("DefaultCPUAllocator") != std::string::npos;
        return make_error(oom ? ErrorKind::OutOfMemory : ErrorKind::Internal,
                          "binding weights failed: " + what);
    }
    return {};
}

void ParameterRegistry::init_random(uint64_t seed, double weight_std,
                                    const BindOptions& options) const {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (const auto& e : entries_) {
        at::Tensor t;
        if (ends_with(e.key, "norm.weight") || ends_with(e.key, "norm1.weight") ||
            ends_with(e.key, "norm2.weight")) {
            t = at::ones(e.shape, at::kFloat);
        } else if (ends_with(e.key, ".bias")) {
            t = at::zeros(e.shape, at::kFloat);
        } else {
            t = at::normal(0.0, weight_std, e.shape, gen, at::TensorOptions().dtype(at::kFloat));
        }
        *e.slot = t.to(options.device, options.dtype);
    }
}

}  // namespace kinema

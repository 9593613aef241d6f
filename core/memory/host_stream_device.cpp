#include "core/memory/host_stream_device.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace kinema {
namespace {

constexpr uint64_t kAlignment = 64;  // libtorch's CPU allocator alignment (same GEMM paths)

uint64_t round_up(uint64_t n) {
    return (n + kAlignment - 1) / kAlignment * kAlignment;
}

}  // namespace

HostStreamDevice::HostStreamDevice(HostStreamDeviceConfig config,
                                   std::vector<gpu::HostBlockView> host_blocks)
    : config_(config), host_blocks_(std::move(host_blocks)) {}

HostStreamDevice::~HostStreamDevice() {
    for (auto& [id, ptr] : buffers_)
        std::free(ptr);
}

void HostStreamDevice::note(const std::string& line) {
    if (config_.trace) config_.trace->push_back(line);
}

Result<HostStreamDevice::Buffer> HostStreamDevice::allocate(uint64_t bytes) {
    const int64_t index = static_cast<int64_t>(allocation_count_);
    if (index == config_.fail_allocation_index)
        return make_error(ErrorKind::OutOfMemory,
                          "injected out of memory allocating " + std::to_string(bytes) + " bytes");
    if (bytes > free_bytes())
        return make_error(ErrorKind::OutOfMemory,
                          "out of memory: " + std::to_string(bytes) + " bytes requested, " +
                              std::to_string(free_bytes()) + " of " +
                              std::to_string(config_.capacity_bytes) + " free on the device");
    void* ptr = std::aligned_alloc(kAlignment, round_up(std::max<uint64_t>(bytes, 1)));
    if (!ptr) return make_error(ErrorKind::OutOfMemory, "out of host memory for a device buffer");
    Buffer b{ptr, bytes, next_id_++};
    buffers_[b.id] = ptr;
    used_bytes_ += bytes;
    peak_bytes_ = std::max(peak_bytes_, used_bytes_);
    ++allocation_count_;
    return b;
}

void HostStreamDevice::release(Buffer& b) {
    auto it = buffers_.find(b.id);
    if (it != buffers_.end()) {
        std::free(it->second);
        buffers_.erase(it);
        used_bytes_ -= b.bytes;
    }
    b = Buffer{};
}

Result<HostStreamDevice::Event> HostStreamDevice::create_event() {
    Event e{next_id_++};
    events_[e.id] = false;
    return e;
}

void HostStreamDevice::destroy_event(Event& e) {
    events_.erase(e.id);
    e = Event{};
}

Status HostStreamDevice::copy(size_t block, const Buffer& dst, const char* what) {
    if (block >= host_blocks_.size() || !buffers_.count(dst.id))
        return make_error(ErrorKind::Internal, std::string("HostStreamDevice: bad ") + what);
    const auto& src = host_blocks_[block];
    if (src.size_bytes > dst.bytes)
        return make_error(ErrorKind::Internal, "HostStreamDevice: block " + std::to_string(block) +
                                                   " does not fit its buffer");
    std::memcpy(dst.ptr, src.data, src.size_bytes);
    return {};
}

Status HostStreamDevice::upload(size_t block, const Buffer& dst) {
    note("upload " + std::to_string(block));
    return copy(block, dst, "upload");
}

Status HostStreamDevice::copy_async(size_t block, const Buffer& dst) {
    const int64_t index = static_cast<int64_t>(copies_++);
    note("copy " + std::to_string(block) + " -> buffer " + std::to_string(dst.id));
    if (copy_failed_) return {};  // the stream is dead; the next wait reports it
    if (index == config_.fail_copy_index) {
        // Half the bytes arrive, then the "copy engine" faults.
        const auto& src = host_blocks_.at(block);
        std::memcpy(dst.ptr, src.data, src.size_bytes / 2);
        copy_failed_ = true;
        failure_ = "injected failure in host-to-device copy " + std::to_string(index) + " (block " +
                   std::to_string(block) + ")";
        return {};
    }
    const auto start = std::chrono::steady_clock::now();
    KINEMA_TRY_STATUS(copy(block, dst, "copy"));
    copy_busy_s_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bytes_copied_ += host_blocks_[block].size_bytes;
    return {};
}

Status HostStreamDevice::record_on_copy(Event& e) {
    events_[e.id] = copy_failed_;
    return {};
}

Status HostStreamDevice::record_on_compute(Event& e) {
    events_[e.id] = false;
    return {};
}

Status HostStreamDevice::copy_waits(const Event&) {
    return {};
}

Status HostStreamDevice::compute_waits(const Event& e) {
    note("wait " + std::to_string(e.id));
    auto it = events_.find(e.id);
    if (it != events_.end() && it->second) return make_error(ErrorKind::Cuda, failure_);
    return {};
}

Status HostStreamDevice::synchronize() {
    if (copy_failed_) return make_error(ErrorKind::Cuda, failure_);
    return {};
}

}  // namespace kinema

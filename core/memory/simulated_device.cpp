#include "core/memory/simulated_device.h"

#include <algorithm>
#include <utility>

namespace kinema {

SimulatedDevice::SimulatedDevice(SimulatedDeviceConfig config,
                                 std::vector<uint64_t> host_block_bytes)
    : config_(config), host_block_bytes_(std::move(host_block_bytes)) {}

double SimulatedDevice::copy_seconds(uint64_t bytes) const {
    return config_.latency_s + static_cast<double>(bytes) / config_.bandwidth_bytes_per_s;
}

void SimulatedDevice::hazard(std::string what) {
    ++hazards_;
    if (hazard_log_.size() < 16) hazard_log_.push_back(std::move(what));
}

Status SimulatedDevice::check_buffer(const Buffer& b, const char* what) const {
    if (!buffers_.count(b.id))
        return make_error(ErrorKind::Internal,
                          std::string("simulated device: ") + what + " on a freed buffer");
    return {};
}

Result<SimulatedDevice::Buffer> SimulatedDevice::allocate(uint64_t bytes) {
    if (bytes > config_.capacity_bytes - used_bytes_)
        return make_error(ErrorKind::OutOfMemory,
                          "simulated device: out of memory allocating " + std::to_string(bytes) +
                              " bytes (" + std::to_string(used_bytes_) + " of " +
                              std::to_string(config_.capacity_bytes) + " in use)");
    Buffer b{next_id_++, bytes};
    buffers_[b.id] = BufferState{bytes, 0, 0};
    used_bytes_ += bytes;
    peak_bytes_ = std::max(peak_bytes_, used_bytes_);
    ++allocation_count_;
    return b;
}

void SimulatedDevice::release(Buffer& buffer) {
    auto it = buffers_.find(buffer.id);
    if (it == buffers_.end()) return;
    // Freeing while a stream still uses the buffer is a hazard (CUDA's caching allocator would
    // hand the memory to someone else).
    if (std::max(it->second.data_ready, it->second.last_read) > host_now_ + 1e-15)
        hazard("buffer freed while a stream still uses it");
    used_bytes_ -= it->second.bytes;
    buffers_.erase(it);
    buffer = Buffer{};
}

Result<SimulatedDevice::Event> SimulatedDevice::create_event() {
    Event e{next_id_++};
    events_[e.id] = EventState{};
    return e;
}

void SimulatedDevice::destroy_event(Event& event) {
    events_.erase(event.id);
    event = Event{};
}

Status SimulatedDevice::upload(size_t block, const Buffer& dst) {
    KINEMA_TRY_STATUS(check_buffer(dst, "upload"));
    if (block >= host_block_bytes_.size() || host_block_bytes_[block] > dst.bytes)
        return make_error(ErrorKind::Internal, "simulated device: upload of block " +
                                                   std::to_string(block) +
                                                   " does not fit its buffer");
    // Synchronous: the host waits for the copy engine, then copies.
    host_now_ = std::max(host_now_, copy_tail_) + copy_seconds(host_block_bytes_[block]);
    copy_tail_ = host_now_;
    buffers_[dst.id].data_ready = host_now_;
    return {};
}

Status SimulatedDevice::copy_async(size_t block, const Buffer& dst) {
    KINEMA_TRY_STATUS(check_buffer(dst, "copy"));
    if (block >= host_block_bytes_.size() || host_block_bytes_[block] > dst.bytes)
        return make_error(ErrorKind::Internal, "simulated device: block " + std::to_string(block) +
                                                   " is larger than its ring slot");
    auto& buf = buffers_[dst.id];
    const double start = std::max(host_now_, copy_tail_);
    if (start + 1e-12 < buf.last_read)
        hazard("block " + std::to_string(block) + " overwrites a slot before its reader finished");
    const double seconds = copy_seconds(host_block_bytes_[block]);
    copy_tail_ = start + seconds;
    copy_busy_s_ += seconds;
    buf.data_ready = copy_tail_;
    if (static_cast<int64_t>(copies_) == config_.fail_copy_index && !copy_stream_failed_) {
        copy_stream_failed_ = true;
        failure_ = "simulated copy failure while streaming block " + std::to_string(block);
    }
    ++copies_;
    bytes_copied_ += host_block_bytes_[block];
    return {};
}

Status SimulatedDevice::record_on_copy(Event& event) {
    auto& e = events_[event.id];
    e.time = copy_tail_;
    e.failed = copy_stream_failed_;
    e.failure = failure_;
    return {};
}

Status SimulatedDevice::record_on_compute(Event& event) {
    auto& e = events_[event.id];
    e.time = compute_tail_;
    e.failed = compute_stream_failed_;
    e.failure = failure_;
    return {};
}

Status SimulatedDevice::copy_waits(const Event& event) {
    const auto& e = events_[event.id];
    if (e.failed) return make_error(ErrorKind::Cuda, e.failure);
    copy_tail_ = std::max(copy_tail_, e.time);
    return {};
}

Status SimulatedDevice::compute_waits(const Event& event) {
    const auto& e = events_[event.id];
    if (e.failed) {
        compute_stream_failed_ = true;
        return make_error(ErrorKind::Cuda, e.failure);
    }
    compute_tail_ = std::max(compute_tail_, e.time);
    return {};
}

Status SimulatedDevice::synchronize() {
    host_now_ = std::max({host_now_, compute_tail_, copy_tail_});
    if (copy_stream_failed_ || compute_stream_failed_) return make_error(ErrorKind::Cuda, failure_);
    return {};
}

Status SimulatedDevice::compute(double seconds, const Buffer& weights) {
    KINEMA_TRY_STATUS(check_buffer(weights, "compute"));
    auto& buf = buffers_[weights.id];
    const double start = std::max(host_now_, compute_tail_);
    if (start + 1e-12 < buf.data_ready) hazard("compute reads a block before its copy finished");
    compute_tail_ = start + seconds;
    compute_busy_s_ += seconds;
    buf.last_read = std::max(buf.last_read, compute_tail_);
    return {};
}

void SimulatedDevice::host_wait_compute() {
    host_now_ = std::max(host_now_, compute_tail_);
}

void SimulatedDevice::host_work(double seconds) {
    host_now_ += seconds;
}

}  // namespace kinema

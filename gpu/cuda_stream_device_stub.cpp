// Built instead of cuda_stream_device.cu when no CUDA toolkit is available: create() says so and
// nothing else is reachable.
#include "gpu/cuda_stream_device.h"

namespace kinema::gpu {
namespace {

Error no_cuda() {
    return make_error(ErrorKind::Unsupported, "this build of Kinema has no CUDA support");
}

}  // namespace

Result<std::unique_ptr<CudaStreamDevice>> CudaStreamDevice::create(int, void*,
                                                                   std::vector<HostBlockView>) {
    return no_cuda();
}
CudaStreamDevice::~CudaStreamDevice() = default;
Result<CudaStreamDevice::Buffer> CudaStreamDevice::allocate(uint64_t) {
    return no_cuda();
}
void CudaStreamDevice::release(Buffer& buffer) {
    buffer = Buffer{};
}
Result<CudaStreamDevice::Event> CudaStreamDevice::create_event() {
    return no_cuda();
}
void CudaStreamDevice::destroy_event(Event& event) {
    event = Event{};
}
Status CudaStreamDevice::upload(size_t, const Buffer&) {
    return no_cuda();
}
Status CudaStreamDevice::copy_async(size_t, const Buffer&) {
    return no_cuda();
}
Status CudaStreamDevice::record_on_copy(Event&) {
    return no_cuda();
}
Status CudaStreamDevice::record_on_compute(Event&) {
    return no_cuda();
}
Status CudaStreamDevice::copy_waits(const Event&) {
    return no_cuda();
}
Status CudaStreamDevice::compute_waits(const Event&) {
    return no_cuda();
}
Status CudaStreamDevice::synchronize() {
    return {};
}
uint64_t CudaStreamDevice::free_bytes() const {
    return 0;
}
Status CudaStreamDevice::enqueue_busy_wait(double) {
    return no_cuda();
}
Result<CudaStreamDevice::Event> CudaStreamDevice::record_timing_event() {
    return no_cuda();
}
Result<double> CudaStreamDevice::elapsed_s(const Event&, const Event&) {
    return no_cuda();
}

}  // namespace kinema::gpu
